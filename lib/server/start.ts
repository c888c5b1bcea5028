// The production server (`npm start`, built to .next/app-server.js by `npm run build`): Next.js serves the app
// and the demo EHR, and the CDS Hooks endpoints (/cds-services/*) are answered first, by the same handler the
// Next API route uses, without Next's routing, proxy and API layers. An EHR fires a hook on every chart it
// opens; those layers cost more CPU per call than our rules do (see README, Benchmarks).
//
//   node .next/app-server.js [--port 3000] [--hostname 0.0.0.0]     (PORT works too; HOSTNAME is not read: container
//   runtimes set it to the machine's name)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import next from 'next';
import { cdsPath, prepareCdsService, serveCds } from '../cds/http';
import { closeStore } from '../store';

interface Options {
  readonly port: number;
  readonly hostname: string;
  /** The app's folder (with .next); the bundle lives in .next, so its parent by default. */
  readonly dir: string;
}

export function readOptions(argv: readonly string[], env: Record<string, string | undefined>, bundleDir: string): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
    strict: true,
  });
  const port = Number(values.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not a port: ${values.port ?? env.PORT}`);
  return { port, hostname: values.hostname ?? '0.0.0.0', dir: path.resolve(bundleDir, '..') };
}

/** Starts the server; resolves once it listens, with a function that shuts it down gracefully. */
export async function startServer(options: Options): Promise<{ close: () => Promise<void>; port: number }> {
  const app = next({ dev: false, dir: options.dir, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  prepareCdsService();
  const fail = (res: ServerResponse) => {
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const cds = cdsPath(req.url);
    if (cds !== undefined) {
      serveCds(req, res, cds).catch(() => fail(res));
      return;
    }
    handleNext(req, res).catch(() => fail(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting, let requests in flight finish (at most 10 s), then write what the store still holds.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, 10_000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      await closeStore();
      await app.close();
    })());
  return { close, port };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2), process.env, __dirname);
  const { close, port } = await startServer(options);
  console.log(`Ready on http://${options.hostname}:${port}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
