// The only code that sends HTTP to a FHIR server: bearer token, timeout, bounded retries of 429/503
// honouring Retry-After, redirects followed by hand (only while they stay under the FHIR base), and a
// refusal to send the token anywhere but the FHIR server itself. Every hop goes through the one
// `fetch` function given in the options, so a server-side guard passed there sees every request.
import { describeStatus, FhirReadError, outcomeText, type DiagnosticSink } from './errors';

export interface FhirTransport {
  /** The FHIR base URL, without a trailing slash. */
  readonly baseUrl: string;
  /**
   * GETs a path relative to the base ("Patient/1"), or an absolute URL under the base, and returns
   * parsed JSON. Anything that leaves the base is refused before a request is made.
   */
  get(pathOrUrl: string): Promise<unknown>;
}

export interface FetchTransportOptions {
  readonly baseUrl: string;
  /** Returns the current access token, if any (called per request so a refreshed token is used). */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /** The single outbound path: every request and every redirect hop is made with it. */
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Upper bound on one Retry-After wait. */
  readonly maxRetryWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Counts requests, for benchmarks. */
  readonly onRequest?: (url: string) => void;
  /**
   * Called when the server answers 401 (expired or revoked token). Resolve true after getting a new
   * token (e.g. with a refresh token) and the request is sent once more; false gives up.
   */
  readonly onUnauthorized?: () => Promise<boolean>;
  /** The server's own error text and refused redirects, for a server log; never shown to users. */
  readonly onDiagnostic?: DiagnosticSink;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
/** Redirects followed for one request, each re-checked against the FHIR base. */
export const MAX_REDIRECTS = 5;

function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * True when `url` is the FHIR base itself or lies under it: same origin, and a path equal to the
 * base path or starting with it plus "/" (so `/fhirx/...` is not under `/fhir`).
 */
export function isUnderBase(baseUrl: string, url: URL): boolean {
  const base = new URL(`${trimBase(baseUrl)}/`);
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') return false;
  const prefix = base.pathname; // ends with "/"
  return url.pathname === prefix.slice(0, -1) || url.pathname.startsWith(prefix);
}

/**
 * Resolves a reference as RFC 3986 does: absolute and root-relative (`/fhir/...`) URLs against the
 * server's origin, other relative references against the base (or `relativeTo`, e.g. the page that
 * held a `next` link). Refuses anything that leaves the FHIR base.
 */
export function resolveOnServer(baseUrl: string, pathOrUrl: string, relativeTo?: string): string {
  const base = `${trimBase(baseUrl)}/`;
  let url: URL;
  try {
    url = new URL(pathOrUrl, relativeTo ?? base);
  } catch {
    throw new FhirReadError('paging', 'the server gave a link that is not a valid address, which was not followed');
  }
  if (!isUnderBase(baseUrl, url)) {
    throw new FhirReadError('paging', 'the server pointed to an address outside itself, which was not followed');
  }
  return url.toString();
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The resource type a request is about (first path segment under the base), for diagnostics. */
function typeOf(baseUrl: string, url: string): string {
  const path = new URL(url).pathname.slice(new URL(`${baseUrl}/`).pathname.length);
  return path.split('/')[0] || 'search';
}

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

export function createFetchTransport(options: FetchTransportOptions): FhirTransport {
  const baseUrl = trimBase(options.baseUrl);
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? 2;
  const maxWait = options.maxRetryWaitMs ?? 5_000;
  const sleep = options.sleep ?? defaultSleep;
  const offBase = (url: string, hint: string): FhirReadError => {
    options.onDiagnostic?.({ resourceType: typeOf(baseUrl, url), kind: 'redirect', text: hint });
    return new FhirReadError('redirect', 'the server redirected the request away from the FHIR server, which was not followed');
  };

  /** One request, following redirects by hand while they stay under the base. */
  async function once(first: string): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let url = first;
    try {
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = { Accept: 'application/fhir+json, application/json;q=0.9' };
        const token = await options.token?.();
        if (token) headers.Authorization = `Bearer ${token}`;
        options.onRequest?.(url);
        let response: Response;
        try {
          response = await doFetch(url, { headers, signal: controller.signal, cache: 'no-store', redirect: 'manual' });
        } catch {
          if (controller.signal.aborted) {
            throw new FhirReadError('timeout', `the server did not answer within ${Math.round(timeoutMs / 1000)} s`);
          }
          throw new FhirReadError('network', 'the server could not be reached');
        }
        // A browser hides a manual redirect's target (an opaque response, status 0): it cannot be
        // checked, so it is treated as leaving the FHIR server.
        if (response.type === 'opaqueredirect' || response.status === 0) throw offBase(url, 'opaque redirect (target hidden by the browser)');
        if (isRedirect(response.status)) {
          const location = response.headers.get('Location');
          let target: URL | undefined;
          try {
            target = location ? new URL(location, url) : undefined;
          } catch {
            target = undefined;
          }
          if (!target || !isUnderBase(baseUrl, target)) throw offBase(url, `redirect to ${target ? target.origin + target.pathname : 'an invalid address'} refused`);
          if (hop >= MAX_REDIRECTS) throw offBase(url, `more than ${MAX_REDIRECTS} redirects`);
          url = target.toString();
          continue;
        }
        let text: string;
        try {
          text = await response.text();
        } catch {
          if (controller.signal.aborted) {
            throw new FhirReadError('timeout', `the server did not answer within ${Math.round(timeoutMs / 1000)} s`);
          }
          throw new FhirReadError('network', 'the server’s answer was cut off');
        }
        return { response, text };
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    baseUrl,
    async get(pathOrUrl) {
      const url = resolveOnServer(baseUrl, pathOrUrl);
      let reauthorized = false;
      for (let attempt = 0; ; attempt++) {
        const { response, text } = await once(url);
        if (response.status === 401 && !reauthorized && options.onUnauthorized) {
          reauthorized = true;
          if (await options.onUnauthorized()) continue;
        }
        if ((response.status === 429 || response.status === 503) && attempt < retries) {
          const wait = retryAfterMs(response.headers.get('Retry-After')) ?? 250 * 2 ** attempt;
          await sleep(Math.min(wait, maxWait));
          continue;
        }
        let body: unknown;
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
          if (response.ok) throw new FhirReadError('malformed', 'the server’s answer was not valid JSON');
        }
        if (!response.ok) {
          const serverText = outcomeText(body);
          if (serverText) options.onDiagnostic?.({ resourceType: typeOf(baseUrl, url), status: response.status, kind: 'http', text: serverText });
          throw new FhirReadError('http', describeStatus(response.status), response.status, serverText);
        }
        if (body === undefined) throw new FhirReadError('malformed', 'the server’s answer was empty');
        return body;
      }
    },
  };
}
