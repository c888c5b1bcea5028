// Finding 8, last part: `--bearer TOKEN` is visible to every local user in `ps`. The findings command
// also takes the token from FHIR_BEARER_TOKEN; here it reaches a loopback FHIR server (allowed with
// --allow-private) in the Authorization header, and never the command line or the output.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'env-token-5b1e9c';
let server: Server;
let base: string;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'Content-Type': 'application/fhir+json' });
    if (url.pathname.endsWith('/metadata')) return res.end(JSON.stringify({ resourceType: 'CapabilityStatement', rest: [] }));
    if (url.pathname.endsWith('/Patient/p1')) return res.end(JSON.stringify({ resourceType: 'Patient', id: 'p1', birthDate: '1950-01-01' }));
    return res.end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/findings.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('findings command token from the environment', () => {
  it('sends FHIR_BEARER_TOKEN as the bearer token (no --bearer on the command line)', async () => {
    seen.length = 0;
    const out = await run(['--server', base, '--patient', 'p1', '--allow-private', '--now', '2026-11-24T00:00:00Z'], { FHIR_BEARER_TOKEN: TOKEN });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ findings: [] });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.filter((a) => a !== undefined).every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen).toContain(`Bearer ${TOKEN}`);
    expect(out.stdout).not.toContain(TOKEN);
  }, 60_000);

  it('refuses plain http without --allow-private', async () => {
    seen.length = 0;
    const out = await run(['--server', base, '--patient', 'p1'], { FHIR_BEARER_TOKEN: TOKEN });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--server must use https/);
    expect(seen).toEqual([]);
  }, 60_000);
});
