// CDS Hooks endpoints (/cds-services/* is rewritten here by next.config.js): CORS, a body-size limit,
// JSON parsing, then lib/cds/service. No patient data is logged.
import type { NextApiRequest, NextApiResponse } from 'next';
import { CdsConfigError, readCdsConfig, type CdsConfig } from '../../../lib/cds/config';
import { handleCds } from '../../../lib/cds/service';
import { demoCdsIssuer, demoCdsJwks } from '../../../lib/sandbox/cdsClient';
import { requestOrigin, sandboxEnabled } from '../../../lib/sandbox/enabled';

export const config = { api: { bodyParser: false } };

class TooLarge extends Error {}

async function readBody(req: NextApiRequest, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '');
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new TooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
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

function baseUrl(req: NextApiRequest, cfg: CdsConfig): string {
  if (cfg.publicBaseUrl) return cfg.publicBaseUrl;
  const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() || 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  let cfg: CdsConfig;
  try {
    cfg = readCdsConfig();
    if (sandboxEnabled()) {
      // The demo EHR is a trusted CDS client of this service (its key lives in this process).
      cfg = { ...cfg, trustedIssuers: { ...cfg.trustedIssuers, [demoCdsIssuer(requestOrigin(req))]: { jwks: await demoCdsJwks() } } };
    }
  } catch (e) {
    return res.status(500).json({ error: e instanceof CdsConfigError ? e.message : 'CDS service misconfigured' });
  }
  cors(req, res, cfg);
  res.setHeader('Cache-Control', 'no-store');
  if (req.method === 'OPTIONS') return res.status(204).end();

  const segments = req.query.path;
  const path = Array.isArray(segments) ? segments.join('/') : (segments ?? '');
  let body: unknown;
  if (req.method === 'POST') {
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
      return res.status(415).json({ error: 'Send the request as application/json' });
    }
    let text: string;
    try {
      text = await readBody(req, cfg.maxBodyBytes);
    } catch (e) {
      if (e instanceof TooLarge) return res.status(413).json({ error: `The request body is larger than ${cfg.maxBodyBytes} bytes` });
      return res.status(400).json({ error: 'The request body could not be read' });
    }
    try {
      body = JSON.parse(text);
    } catch {
      return res.status(400).json({ error: 'Bad request: the body is not valid JSON' });
    }
  }
  try {
    const answer = await handleCds(
      { method: req.method ?? 'GET', path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body, baseUrl: baseUrl(req, cfg) },
      cfg,
    );
    for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
    return res.status(answer.status).json(answer.body);
  } catch {
    // Never echo the error: it could hold data from the FHIR server.
    return res.status(500).json({ error: 'The CDS service failed while evaluating the request' });
  }
}
