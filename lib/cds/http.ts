// The CDS Hooks endpoints over plain Node HTTP: one handler serves them both from the app server's fast path
// (lib/server/start.ts answers /cds-services/* before Next.js routing) and from the Next API route
// (pages/api/cds-services, used by `next dev` and `next start`). Order matters: the configuration is checked
// (503 without a public base URL), then CORS, then the JWT (inside lib/cds/service), and only then is the
// body read: with a content-type check, a size limit and a read timeout. No patient data is logged;
// refusals go to the security log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CDS_CONFIG_VARIABLES, CdsConfigError, readCdsConfig, type CdsConfig } from './config';
import { CdsBodyError, CdsStoreFailure, handleCds } from './service';
import { securityEvent } from '../log/security';
import { registerReadinessCheck } from '../health/readiness';
import { SECURITY_HEADER_VARIABLES, securityHeaders } from '../securityHeaders';
import { openStore } from '../store';
import type { CdsStore } from '../store/types';

class StoreUnavailable extends Error {}

/** The store, opened on first use (after the JWT is checked, so a bad token never waits for it). */
async function store(): Promise<CdsStore> {
  try {
    return await openStore();
  } catch (e) {
    // A store that cannot open is a configuration fault: the service refuses rather than forget.
    securityEvent('config.refused', { status: 503, reason: e instanceof Error ? e.message.slice(0, 300) : 'store unavailable' });
    throw new StoreUnavailable();
  }
}

/**
 * Registers the store's readiness check and starts opening the store, so the first EHR request does not wait
 * for it. Called when a server that serves these endpoints starts (or the API route module loads).
 */
export function prepareCdsService(): void {
  registerReadinessCheck('store', async () => {
    const health = await (await openStore()).ready();
    if (!health.ok) throw new Error('store not ready');
  });
  void openStore().catch(() => undefined);
}

/**
 * A value built from some environment variables, built again only when one of them changes (tests change the
 * environment between cases; a server's stays put). Reading a dozen variables costs far less than parsing.
 */
function fromEnvironment<T>(names: readonly string[], build: () => T): () => T {
  let cached: { key: string; value: T } | undefined;
  return () => {
    let key = '';
    for (const name of names) key += `${process.env[name] ?? '\u0001'}\u0000`;
    if (cached?.key !== key) cached = { key, value: build() };
    return cached.value;
  };
}

const currentConfig = fromEnvironment(CDS_CONFIG_VARIABLES, () => readCdsConfig(process.env));
// The same security headers as every page (proxy.ts).
const pageHeaders = fromEnvironment(SECURITY_HEADER_VARIABLES, () => securityHeaders(process.env));

/** Reads the body within the size limit and the time limit, then parses it as JSON. */
function bodyReader(req: IncomingMessage, cfg: CdsConfig): () => Promise<unknown> {
  return async () => {
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) throw new CdsBodyError(415, 'Send the request as application/json');
    const limit = cfg.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? '');
    if (Number.isFinite(declared) && declared > limit) throw new CdsBodyError(413, `The request body is larger than ${limit} bytes`);
    const text = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        cleanup();
        reject(new CdsBodyError(408, `The request body did not arrive within ${Math.round(cfg.bodyTimeoutMs / 1000)} s`));
        req.pause();
      }, cfg.bodyTimeoutMs);
      const onData = (chunk: Buffer | string) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (size > limit) {
          cleanup();
          reject(new CdsBodyError(413, `The request body is larger than ${limit} bytes`));
          req.pause();
          return;
        }
        chunks.push(buf);
      };
      const onEnd = () => {
        cleanup();
        resolve(Buffer.concat(chunks).toString('utf8'));
      };
      const onError = () => {
        cleanup();
        reject(new CdsBodyError(400, 'The request body could not be read'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
    });
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CdsBodyError(400, 'Bad request: the body is not valid JSON');
    }
  };
}

function cors(req: IncomingMessage, res: ServerResponse, cfg: CdsConfig): void {
  const origin = req.headers.origin;
  if (cfg.corsOrigins === '*') res.setHeader('Access-Control-Allow-Origin', '*');
  else if (origin && cfg.corsOrigins.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Max-Age', '600');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Answers one request to /cds-services/{path}: `path` is what follows /cds-services/ (already split from the
 * query string and percent-decoded per segment), "" for discovery.
 */
export async function serveCds(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  for (const { key, value } of pageHeaders()) res.setHeader(key, value);
  let cfg: CdsConfig;
  try {
    cfg = currentConfig();
  } catch (e) {
    const message = e instanceof CdsConfigError ? e.message : 'CDS service misconfigured';
    securityEvent('config.refused', { status: 500, reason: message });
    return send(res, 500, { error: message });
  }
  cors(req, res, cfg);
  res.setHeader('Cache-Control', 'no-store');
  if (req.method === 'OPTIONS') {
    res.statusCode = 204;
    res.end();
    return;
  }
  if (!cfg.publicBaseUrl && path !== '') {
    // The JWT audience and the cards' SMART link must not come from Host / X-Forwarded-* headers.
    const reason = 'CDS_PUBLIC_BASE_URL is not set: the CDS service needs its public https base URL (the JWT audience and the SMART link) and does not take it from request headers';
    securityEvent('config.refused', { status: 503, reason });
    console.error(`cds-services: ${reason}`);
    return send(res, 503, { error: 'The CDS service is not configured: set CDS_PUBLIC_BASE_URL to this app’s public base URL.' });
  }
  try {
    const answer = await handleCds(
      {
        method: req.method ?? 'GET',
        path,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(req.method === 'POST' ? { body: bodyReader(req, cfg) } : {}),
        baseUrl: cfg.publicBaseUrl ?? '',
      },
      cfg,
      { store },
    );
    for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
    if (answer.status === 408 || answer.status === 413) res.setHeader('Connection', 'close');
    return send(res, answer.status, answer.body);
  } catch (e) {
    if (e instanceof StoreUnavailable || e instanceof CdsStoreFailure) {
      // The database's error code only: its message could quote stored values.
      if (e instanceof CdsStoreFailure) console.error(`cds-services: the store failed (${e.code ?? 'no code'}); answered 503`);
      res.setHeader('Retry-After', '5');
      return send(res, 503, { error: 'The CDS service cannot reach its store (feedback, snoozes and replay protection); see the server log.' });
    }
    // Never echo the error: it could hold data from the FHIR server.
    return send(res, 500, { error: 'The CDS service failed while evaluating the request' });
  }
}

/**
 * The path under /cds-services of a request URL ("/cds-services/a/b?x" -> "a/b"), or undefined when the URL is
 * not under /cds-services. Segments are percent-decoded; a malformed escape gives a path no service matches.
 */
export function cdsPath(url: string | undefined): string | undefined {
  const pathname = (url ?? '').split('?', 1)[0] ?? '';
  if (pathname !== '/cds-services' && !pathname.startsWith('/cds-services/')) return undefined;
  return pathname
    .slice('/cds-services'.length)
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return `\u0000${segment}`;
      }
    })
    .join('/');
}
