// The security log: one JSON line per event (auth failures, replays, refused addresses and
// redirects, refused bodies, configuration refusals), written with pino to standard output so the
// platform's log collector picks it up. Callers pass only the event name and non-identifying fields
// (status, reason code, issuer, host); a redaction list drops anything that looks like a credential
// or patient data in case a caller slips.
import pino, { type DestinationStream, type Logger } from 'pino';

export type SecurityEvent =
  | 'auth.failed'
  | 'auth.replay'
  | 'config.refused'
  | 'request.refused'
  | 'outbound.refused'
  | 'outbound.redirect-refused'
  | 'launch.refused'
  | 'demo.refused';

export type SecurityFields = Readonly<Record<string, string | number | boolean | undefined>>;

const REDACT = [
  'token',
  'access_token',
  'authorization',
  'jwt',
  'patient',
  'patientId',
  'patientName',
  'birthDate',
  'body',
];

function make(destination?: DestinationStream): Logger {
  const options = {
    name: 'security',
    level: 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { log: 'security' },
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

const holder = globalThis as unknown as { __legCrampSecurityLog?: Logger };

/** Tests may send the log to their own stream. */
export function setSecurityLogDestination(destination: DestinationStream | undefined): void {
  holder.__legCrampSecurityLog = make(destination);
}

export function securityEvent(event: SecurityEvent, fields: SecurityFields = {}): void {
  holder.__legCrampSecurityLog ??= make();
  const clean: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) clean[k] = v;
  holder.__legCrampSecurityLog.warn({ event, ...clean }, event);
}

/** Command-line tools print their result on standard output, so their security log goes to standard error. */
export function securityLogToStderr(): void {
  setSecurityLogDestination(pino.destination(2));
}

/** Collects the log lines in memory (tests). */
export function memorySecurityLog(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  setSecurityLogDestination({ write: (s: string) => void chunks.push(s) });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => setSecurityLogDestination(undefined),
  };
}
