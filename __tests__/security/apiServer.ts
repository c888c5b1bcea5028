// Serves one Next API route handler on a loopback port with the few NextApiRequest/Response helpers
// the handlers use (query from a [[...path]] segment list, status, json, send, redirect), so the
// route's own order of checks (JWT before body, timeouts, headers) is tested over real HTTP.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextApiRequest, NextApiResponse } from 'next';

type Handler = (req: NextApiRequest, res: NextApiResponse) => unknown;

export interface ApiServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function serveApi(prefix: string, handler: Handler): Promise<ApiServer> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const rest = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length).replace(/^\/+/, '') : '';
    const query: Record<string, string | string[]> = Object.fromEntries(url.searchParams);
    if (rest) query.path = rest.split('/').map(decodeURIComponent);
    const apiReq = Object.assign(req, { query, cookies: {}, body: undefined }) as unknown as NextApiRequest;
    const apiRes = res as unknown as NextApiResponse & ServerResponse;
    apiRes.status = (code: number) => {
      res.statusCode = code;
      return apiRes;
    };
    apiRes.json = (body: unknown) => {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    };
    apiRes.send = (body: unknown) => {
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    apiRes.redirect = ((a: number | string, b?: string) => {
      res.statusCode = typeof a === 'number' ? a : 307;
      res.setHeader('Location', typeof a === 'string' ? a : (b ?? '/'));
      res.end();
      return apiRes;
    }) as NextApiResponse['redirect'];
    Promise.resolve(handler(apiReq, apiRes)).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
