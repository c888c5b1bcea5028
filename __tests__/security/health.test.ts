// GET /api/health for load balancers: liveness always 200; readiness 503 when the CDS configuration is
// unusable (bad CDS_TRUSTED_ISSUERS, or JWTs required without CDS_PUBLIC_BASE_URL) or a registered
// dependency check (the CDS store, once wired) fails or hangs; the answer names checks, never errors.
import handler from '../../pages/api/health';
import { registerReadinessCheck, unregisterReadinessCheck } from '../../lib/health/readiness';
import { serveApi, type ApiServer } from './apiServer';

let api: ApiServer;
const saved = { ...process.env };
beforeAll(async () => {
  api = await serveApi('/api/health', handler);
});
afterAll(async () => {
  await api.close();
  process.env = saved;
});
beforeEach(() => {
  process.env = { ...saved, CDS_PUBLIC_BASE_URL: 'https://cramps.example.org' };
  delete process.env.CDS_TRUSTED_ISSUERS;
});
afterEach(() => unregisterReadinessCheck('store'));

const get = async (q = '') => {
  const res = await fetch(`${api.origin}/api/health${q}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('/api/health', () => {
  it('liveness answers 200 whatever the configuration', async () => {
    process.env.CDS_TRUSTED_ISSUERS = '{not json';
    expect(await get()).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('readiness is 200 with a usable configuration and a healthy store', async () => {
    registerReadinessCheck('store', async () => undefined);
    expect(await get('?ready')).toEqual({ status: 200, body: { status: 'ready', checks: { config: 'ok', store: 'ok' } } });
  });

  it.each([
    ['bad CDS_TRUSTED_ISSUERS', () => (process.env.CDS_TRUSTED_ISSUERS = '{not json')],
    ['JWTs required without CDS_PUBLIC_BASE_URL', () => delete process.env.CDS_PUBLIC_BASE_URL],
  ])('readiness is 503 with %s', async (_label, change) => {
    change();
    const res = await get('?ready');
    expect(res.status).toBe(503);
    expect(res.body.checks).toMatchObject({ config: 'failed' });
  });

  it('readiness is 503 when the store check fails or hangs, without the error text', async () => {
    registerReadinessCheck('store', async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    });
    const failed = await get('?ready');
    expect(failed).toEqual({ status: 503, body: { status: 'not ready', checks: { config: 'ok', store: 'failed' } } });
    registerReadinessCheck('store', () => new Promise(() => undefined));
    const started = Date.now();
    expect((await get('?ready')).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 10_000);
});
