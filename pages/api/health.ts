// GET /api/health: liveness (the process answers). GET /api/health?ready: readiness (configuration
// usable and registered dependencies such as the CDS store reachable); 503 when not ready.
import type { NextApiRequest, NextApiResponse } from 'next';
import { readiness } from '../../lib/health/readiness';

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  res.setHeader('Cache-Control', 'no-store');
  if (req.method !== 'GET' && req.method !== 'HEAD') return res.status(405).json({ status: 'error', error: 'Use GET' });
  if (req.query.ready === undefined) return res.status(200).json({ status: 'ok' });
  const result = await readiness();
  return res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
}
