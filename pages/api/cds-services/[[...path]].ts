// CDS Hooks endpoints inside Next.js (/cds-services/* is rewritten here by next.config.js): used by
// `next dev` and `next start`. The production server (lib/server/start.ts) answers /cds-services/* itself,
// before Next's routing, with the same handler (lib/cds/http.ts).
import type { NextApiRequest, NextApiResponse } from 'next';
import { prepareCdsService, serveCds } from '../../../lib/cds/http';

prepareCdsService();

export const config = { api: { bodyParser: false } };

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const segments = req.query.path;
  await serveCds(req, res, Array.isArray(segments) ? segments.join('/') : (segments ?? ''));
}
