// One error type for everything that can go wrong reading FHIR, carrying a reason a clinician can read.
// Reasons are always our own words: the server's text (which reaches cards and the sidebar) goes only
// to the optional diagnostic callback, for a server log.

export type FhirFailureKind = 'http' | 'timeout' | 'network' | 'malformed' | 'unexpected' | 'paging' | 'redirect' | 'outcome';

export class FhirReadError extends Error {
  readonly kind: FhirFailureKind;
  readonly status?: number;
  /** The server's own explanation (OperationOutcome text), for diagnostics only; never shown. */
  readonly serverText?: string;

  constructor(kind: FhirFailureKind, message: string, status?: number, serverText?: string) {
    super(message);
    this.name = 'FhirReadError';
    this.kind = kind;
    if (status !== undefined) this.status = status;
    if (serverText !== undefined) this.serverText = serverText;
  }
}

/** What the loader and transport pass to `onDiagnostic`: for a server log, never for the result. */
export interface FhirDiagnostic {
  readonly resourceType: string;
  readonly status?: number;
  readonly kind: FhirFailureKind | 'warning' | 'retry';
  readonly text: string;
}

export type DiagnosticSink = (detail: FhirDiagnostic) => void;

const STATUS_WORDS: Record<number, string> = {
  400: 'the server refused the request (HTTP 400)',
  401: 'the server did not accept the access token (401); the session may have expired',
  403: 'access was denied (403); the app may not have been granted permission to read them',
  404: 'the server does not offer them (404)',
  410: 'the server no longer offers them (410)',
  422: 'the server could not process the request (HTTP 422)',
  429: 'the server is busy and asked us to slow down (429)',
  500: 'the server had an internal error (500)',
  502: 'a gateway in front of the server failed (502)',
  503: 'the server is temporarily unavailable (503)',
  504: 'a gateway in front of the server timed out (504)',
};

/** Generic words for an HTTP status; the server's own text is deliberately not included. */
export function describeStatus(status: number): string {
  return STATUS_WORDS[status] ?? `the server answered with HTTP ${status}`;
}

/** Every human-readable text of an OperationOutcome, joined and kept short (for diagnostics). */
export function outcomeText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const outcome = body as { resourceType?: unknown; issue?: unknown };
  if (outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue)) return undefined;
  const texts: string[] = [];
  for (const issue of outcome.issue as { diagnostics?: unknown; details?: { text?: unknown } }[]) {
    for (const text of [issue?.details?.text, issue?.diagnostics]) {
      if (typeof text === 'string' && text.trim()) texts.push(text.trim());
    }
  }
  return texts.length > 0 ? texts.join(' | ').slice(0, 500) : undefined;
}
