// Finding 7 (headers fixed at build time), end to end: the one build made by globalSetup is started
// twice more with different settings, and the headers and the demo switch follow each start.
import type { ChildProcess } from 'node:child_process';
import { PORT, spawnApp } from './server';

const OTHER_PORT = PORT + 1;
const origin = `http://127.0.0.1:${OTHER_PORT}`;

async function startWith(env: Record<string, string>): Promise<ChildProcess> {
  const clean = { ...process.env };
  for (const key of ['FRAME_ANCESTORS', 'FHIR_ORIGINS', 'SMART_ALLOWED_ISSUERS', 'PUBLIC_BASE_URL', 'CDS_PUBLIC_BASE_URL', 'SANDBOX_ENABLED', 'SANDBOX_ORIGIN']) delete clean[key];
  const child = spawnApp(OTHER_PORT, {
    env: { ...clean, NODE_ENV: 'production', ...env },
    stdio: 'ignore',
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${origin}/api/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error('server did not start');
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

describe('headers and the demo switch are read when the server starts', () => {
  it('two starts of one build with different settings send different headers', async () => {
    const first = await startWith({ FRAME_ANCESTORS: 'https://ehr-one.example', SANDBOX_ENABLED: 'true', SANDBOX_ORIGIN: origin });
    let a: Response;
    let aDemo: number;
    let aApi: Response;
    let aNextApi: Response;
    try {
      a = await fetch(`${origin}/`);
      aDemo = (await fetch(`${origin}/sandbox`)).status;
      aApi = await fetch(`${origin}/cds-services`);
      aNextApi = await fetch(`${origin}/api/cds-services`);
    } finally {
      await stop(first);
    }
    const second = await startWith({
      FRAME_ANCESTORS: 'https://ehr-two.example',
      FHIR_ORIGINS: 'http://localhost:8080',
      SMART_ALLOWED_ISSUERS: 'https://fhir.hospital.example/r4',
      PUBLIC_BASE_URL: 'https://cramps.hospital.example',
    });
    let b: Response;
    let bDemo: number;
    try {
      b = await fetch(`${origin}/`);
      bDemo = (await fetch(`${origin}/sandbox`)).status;
    } finally {
      await stop(second);
    }
    const cspA = a.headers.get('content-security-policy') ?? '';
    const cspB = b.headers.get('content-security-policy') ?? '';
    expect(cspA).toContain('frame-ancestors https://ehr-one.example');
    expect(cspB).toContain('frame-ancestors https://ehr-two.example');
    expect(cspA).toContain("connect-src 'self' https:");
    expect(cspB).toContain("connect-src 'self' http://localhost:8080 https://fhir.hospital.example;");
    expect(a.headers.get('strict-transport-security')).toBeNull();
    expect(b.headers.get('strict-transport-security')).toMatch(/^max-age=/);
    // The CDS endpoints, answered before Next's routing, and the same handler as a Next API route.
    expect(aApi.headers.get('content-security-policy')).toBe(cspA);
    expect(aNextApi.headers.get('content-security-policy')).toBe(cspA);
    expect(aApi.headers.get('x-content-type-options')).toBe('nosniff');
    expect([aDemo, bDemo]).toEqual([200, 404]);
  }, 90_000);
});
