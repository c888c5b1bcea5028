// The bench's floor for a hook call (scripts/bench-cds.ts, row "floor"): a plain Node HTTP server that does only
// the work every hook request costs before a rule runs, with the service's own code: the security headers, the
// JWT check (lib/cds/auth, ES384 signature, claims) with its replay id written to the same store, reading and
// parsing the JSON body. It then answers the bytes the real service answered for the same request
// (BENCH_FLOOR_ANSWER, a file), so the response costs the same to send. No zod, no rules, no cards remembered.
// What the real service costs above this row is ours to reduce; this row is what the machine allows at best.
// Not a product server: the bench bundles it with esbuild and starts it the way it starts .next/app-server.js.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { verifyCdsJwt } from '../lib/cds/auth';
import { readCdsConfig } from '../lib/cds/config';
import { securityHeaders } from '../lib/securityHeaders';
import { openStore } from '../lib/store';

const answerFile = process.env.BENCH_FLOOR_ANSWER;
if (!answerFile) throw new Error('BENCH_FLOOR_ANSWER must name the file with the answer to send');
const answer = readFileSync(answerFile);
const config = readCdsConfig(process.env);
const headers = securityHeaders(process.env);
const { values: args } = parseArgs({ options: { port: { type: 'string' }, hostname: { type: 'string' } } });
const port = Number(args.port ?? 3210);
const host = args.hostname ?? '127.0.0.1';
const storeReady = openStore(process.env);
storeReady.catch(() => undefined); // a store that cannot open is reported by the readiness answer below

const server = createServer((req, res) => {
  for (const { key, value } of headers) res.setHeader(key, value);
  const reply = (status: number, body: string | Buffer) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  };
  // What the bench's readiness wait asks for.
  if (req.method === 'GET') {
    if (req.url?.startsWith('/api/health')) {
      void storeReady.then(
        () => reply(200, JSON.stringify({ checks: { store: 'ok' } })),
        () => reply(503, JSON.stringify({ checks: { store: 'failed' } })),
      );
    } else reply(200, JSON.stringify({ services: [] }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    void (async () => {
      const store = await storeReady;
      try {
        await verifyCdsJwt(req.headers.authorization, [`${config.publicBaseUrl}${req.url ?? ''}`], config, (iss, jti, exp) =>
          store.rememberJti(iss, jti, exp),
        );
      } catch {
        reply(401, JSON.stringify({ error: 'Unauthorized' }));
        return;
      }
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      reply(200, answer);
    })().catch(() => reply(500, JSON.stringify({ error: 'floor server failed' })));
  });
});
server.listen(port, host);
const stop = () => server.close(() => void storeReady.then((s) => s.close()).finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
