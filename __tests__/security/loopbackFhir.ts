// A real FHIR-ish HTTP server on 127.0.0.1 for the security tests: every request is recorded with
// its path and Authorization header, and each test decides the answers. Loopback only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  readonly path: string;
  readonly authorization: string | undefined;
}

export type Route = (url: URL, req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface LoopbackServer {
  readonly origin: string;
  readonly requests: Recorded[];
  route(handler: Route): void;
  close(): Promise<void>;
}

export const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
  return true;
};

export const searchset = (resources: unknown[] = [], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  link: next ? [{ relation: 'next', url: next }] : [],
  entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
});

export async function startLoopback(): Promise<LoopbackServer> {
  const requests: Recorded[] = [];
  let routes: Route[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    void (async () => {
      for (const r of routes) if (await r(url, req, res)) return;
      send(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    route(handler) {
      routes = [handler, ...routes];
    },
    async close() {
      routes = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
