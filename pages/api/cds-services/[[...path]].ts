// CDS Hooks endpoints (/cds-services/* is rewritten here by next.config.js). Order matters: the
// configuration is checked (503 without a public base URL), then CORS, then the JWT (inside
// lib/cds/service), and only then is the body read: with a content-type check, a size limit and a
// read timeout. No patient data is logged; refusals go to the security log.
import type { NextApiRequest, NextApiResponse } from 'next';
import { CdsConfigError, readCdsConfig, type CdsConfig } from '../../../lib/cds/config';
import { CdsBodyError, handleCds } from '../../../lib/cds/service';
import { securityEvent } from '../../../lib/log/security';
import { registerReadinessCheck } from '../../../lib/health/readiness';
import { openStore } from '../../../lib/store';
import type { CdsStore } from '../../../lib/store/types';

// The store (feedback, snoozes, replay ids) is opened once per process; readiness reports it.
registerReadinessCheck('store', async () => {
  const health = await (await openStore()).ready();
  if (!health.ok) throw new Error('store not ready');
});

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

// Open it when the route loads, so the first EHR request does not wait for it.
void openStore().catch(() => undefined);

export const config = { api: { bodyParser: false } };

/** Reads the body within the size limit and the time limit, then parses it as JSON. */
function bodyReader(req: NextApiRequest, cfg: CdsConfig): () => Promise<unknown> {
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

function cors(req: NextApiRequest, res: NextApiResponse, cfg: CdsConfig): void {
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

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  let cfg: CdsConfig;
  try {
    cfg = readCdsConfig();
  } catch (e) {
    const message = e instanceof CdsConfigError ? e.message : 'CDS service misconfigured';
    securityEvent('config.refused', { status: 500, reason: message });
    return res.status(500).json({ error: message });
  }
  cors(req, res, cfg);
  res.setHeader('Cache-Control', 'no-store');
  if (req.method === 'OPTIONS') return res.status(204).end();

  const segments = req.query.path;
  const path = Array.isArray(segments) ? segments.join('/') : (segments ?? '');
  if (!cfg.publicBaseUrl && path !== '') {
    // The JWT audience and the cards' SMART link must not come from Host / X-Forwarded-* headers.
    const reason = 'CDS_PUBLIC_BASE_URL is not set: the CDS service needs its public https base URL (the JWT audience and the SMART link) and does not take it from request headers';
    securityEvent('config.refused', { status: 503, reason });
    console.error(`cds-services: ${reason}`);
    return res.status(503).json({ error: 'The CDS service is not configured: set CDS_PUBLIC_BASE_URL to this app’s public base URL.' });
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
    return res.status(answer.status).json(answer.body);
  } catch (e) {
    if (e instanceof StoreUnavailable) {
      return res.status(503).json({ error: 'The CDS service cannot reach its store (feedback, snoozes and replay protection); see the server log.' });
    }
    // Never echo the error: it could hold data from the FHIR server.
    return res.status(500).json({ error: 'The CDS service failed while evaluating the request' });
  }
}
