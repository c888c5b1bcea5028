// The demo EHR exists only when switched on explicitly (npm run demo and the e2e tests do).
import type { IncomingMessage } from 'node:http';

export function sandboxEnabled(): boolean {
  return process.env.SANDBOX_ENABLED === 'true';
}

/** The origin the browser used to reach us (the demo runs on localhost). */
export function requestOrigin(req: IncomingMessage): string {
  if (process.env.SANDBOX_ORIGIN) return process.env.SANDBOX_ORIGIN.replace(/\/+$/, '');
  return `http://${req.headers.host ?? 'localhost:3000'}`;
}
