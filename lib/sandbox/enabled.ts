// The demo EHR exists only when switched on explicitly (npm run demo and the e2e tests do).
// Its own address comes from SANDBOX_ORIGIN (npm run demo/dev set it), else the loopback default:
// never from the request's Host header, which a client chooses (the demo signs JWTs and hands out
// FHIR tokens to URLs built from it).

export function sandboxEnabled(): boolean {
  return process.env.SANDBOX_ENABLED === 'true';
}

/** The demo's origin: SANDBOX_ORIGIN, or http://localhost:PORT (default 3000). */
export function sandboxOrigin(env: Record<string, string | undefined> = process.env): string {
  const configured = env.SANDBOX_ORIGIN?.trim();
  if (configured) {
    try {
      const url = new URL(configured);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      /* fall through to the loopback default */
    }
  }
  const port = Number(env.PORT);
  return `http://localhost:${Number.isInteger(port) && port > 0 ? port : 3000}`;
}
