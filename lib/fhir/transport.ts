// The only code that sends HTTP to a FHIR server: bearer token, timeout, bounded retries of 429/503
// honouring Retry-After, and a refusal to send the token anywhere but the FHIR server itself.
import { describeStatus, FhirReadError, outcomeText } from './errors';

export interface FhirTransport {
  /** The FHIR base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** GETs a path relative to the base, or an absolute URL on the same server, and returns parsed JSON. */
  get(pathOrUrl: string): Promise<unknown>;
}

export interface FetchTransportOptions {
  readonly baseUrl: string;
  /** Returns the current access token, if any (called per request so a refreshed token is used). */
  readonly token?: () => string | undefined | Promise<string | undefined>;
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
}

export const DEFAULT_TIMEOUT_MS = 20_000;

function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Resolves a relative path against the base and refuses URLs that leave the FHIR server. */
export function resolveOnServer(baseUrl: string, pathOrUrl: string): string {
  const base = new URL(`${trimBase(baseUrl)}/`);
  const url = new URL(pathOrUrl.replace(/^\/+/, ''), base);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname.replace(/\/$/, ''))) {
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

export function createFetchTransport(options: FetchTransportOptions): FhirTransport {
  const baseUrl = trimBase(options.baseUrl);
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? 2;
  const maxWait = options.maxRetryWaitMs ?? 5_000;
  const sleep = options.sleep ?? defaultSleep;

  async function once(url: string): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = { Accept: 'application/fhir+json, application/json;q=0.9' };
    const token = await options.token?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      options.onRequest?.(url);
      const response = await doFetch(url, { headers, signal: controller.signal, cache: 'no-store' });
      const text = await response.text();
      return { response, text };
    } catch {
      if (controller.signal.aborted) {
        throw new FhirReadError('timeout', `the server did not answer within ${Math.round(timeoutMs / 1000)} s`);
      }
      throw new FhirReadError('network', 'the server could not be reached');
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
        if (!response.ok) throw new FhirReadError('http', describeStatus(response.status, outcomeText(body)), response.status);
        if (body === undefined) throw new FhirReadError('malformed', 'the server’s answer was empty');
        return body;
      }
    },
  };
}
