// One error type for everything that can go wrong reading FHIR, carrying a reason a clinician can read.

export type FhirFailureKind = 'http' | 'timeout' | 'network' | 'malformed' | 'unexpected' | 'paging';

export class FhirReadError extends Error {
  readonly kind: FhirFailureKind;
  readonly status?: number;

  constructor(kind: FhirFailureKind, message: string, status?: number) {
    super(message);
    this.name = 'FhirReadError';
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: 'the server rejected the query (400)',
  401: 'the server did not accept the access token (401); the session may have expired',
  403: 'access was denied (403); the app may not have been granted permission to read them',
  404: 'the server does not offer them (404)',
  410: 'the server no longer offers them (410)',
  429: 'the server is busy and asked us to slow down (429)',
  500: 'the server had an internal error (500)',
  502: 'a gateway in front of the server failed (502)',
  503: 'the server is temporarily unavailable (503)',
  504: 'a gateway in front of the server timed out (504)',
};

export function describeStatus(status: number, detail?: string): string {
  const words = STATUS_WORDS[status] ?? `the server answered with HTTP ${status}`;
  return detail ? `${words}: ${detail}` : words;
}

/** The first human-readable text of an OperationOutcome, kept short. */
export function outcomeText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const outcome = body as { resourceType?: unknown; issue?: unknown };
  if (outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue)) return undefined;
  for (const issue of outcome.issue as { diagnostics?: unknown; details?: { text?: unknown } }[]) {
    const text = typeof issue?.details?.text === 'string' ? issue.details.text : issue?.diagnostics;
    if (typeof text === 'string' && text.trim()) return text.trim().slice(0, 160);
  }
  return undefined;
}
