// Issue 14, finding 6, as the attack on loopback: the bearer token must reach only URLs under the
// FHIR base (compared with a trailing slash), redirects are followed only while they stay under the
// base, and data from anywhere else never turns into "no documented causes found".
import { evaluate } from '../../lib/engine/evaluate';
import { loadPatientData } from '../../lib/fhir/loader';
import { createFetchTransport } from '../../lib/fhir/transport';
import { knowledge } from '../../lib/knowledge';
import { NOW, patient, PATIENT_ID } from '../helpers/fhir';
import { searchset, send, startLoopback, type LoopbackServer } from './loopbackFhir';

const TOKEN = 'secret-token-abc';
const TYPES = ['Patient', 'MedicationStatement', 'MedicationRequest', 'Medication', 'Condition', 'Observation', 'Procedure'];
let fhir: LoopbackServer;
let other: LoopbackServer;
let base: string;

beforeEach(async () => {
  fhir = await startLoopback();
  other = await startLoopback();
  base = `${fhir.origin}/fhir`;
  // A complete, empty record under /fhir, and an "attacker" path beside it.
  fhir.route((url, _req, res) => {
    if (url.pathname === '/fhir/metadata') return send(res, 200, { resourceType: 'CapabilityStatement', rest: [{ mode: 'server', resource: TYPES.map((type) => ({ type })) }] });
    if (url.pathname === `/fhir/Patient/${PATIENT_ID}`) return send(res, 200, patient());
    if (/^\/fhir\/[A-Z]\w+$/.test(url.pathname)) return send(res, 200, searchset());
    if (url.pathname.startsWith('/fhirx/') || url.pathname.startsWith('/elsewhere/')) return send(res, 200, searchset());
    return false;
  });
  other.route((_url, _req, res) => send(res, 200, searchset()));
});
afterEach(async () => {
  await fhir.close();
  await other.close();
});

const load = (fetchFn?: typeof fetch) =>
  loadPatientData(createFetchTransport({ baseUrl: base, token: () => TOKEN, ...(fetchFn ? { fetch: fetchFn } : {}) }), PATIENT_ID, knowledge(), { now: NOW });
const leaked = (server: LoopbackServer, prefix = '/') => server.requests.filter((r) => r.path.startsWith(prefix) && r.authorization?.includes(TOKEN));

describe('token scoping', () => {
  it('never sends the token to /fhirx/... when the base is /fhir (prefix without a trailing slash)', async () => {
    fhir.route((url, _req, res) => (url.pathname === '/fhir/Condition' ? send(res, 200, searchset([], `${fhir.origin}/fhirx/Condition?page=2`)) : false));
    const data = await load();
    expect(leaked(fhir, '/fhirx')).toEqual([]);
    expect(fhir.requests.some((r) => r.path.startsWith('/fhirx'))).toBe(false);
    expect(data.notChecked).toEqual([expect.objectContaining({ resourceType: 'Condition', reason: expect.stringMatching(/outside/) })]);
  });

  it('does not follow a redirect to another path on the same origin; the type is not checked, never the all-clear', async () => {
    fhir.route((url, _req, res) => (url.pathname === '/fhir/Condition' ? send(res, 302, undefined, { Location: '/elsewhere/Condition' }) : false));
    const data = await load();
    expect(fhir.requests.some((r) => r.path.startsWith('/elsewhere'))).toBe(false);
    expect(data.notChecked).toEqual([expect.objectContaining({ resourceType: 'Condition', reason: expect.stringMatching(/redirected/) })]);
    const result = evaluate(knowledge(), data, NOW);
    expect(result.notChecked.map((n) => n.resourceType)).toEqual(['Condition']);
    expect(result.notChecked[0]?.affectedRules.length).toBeGreaterThan(0);
  });

  it('does not follow a redirect to another origin (the data from there is never used)', async () => {
    fhir.route((url, _req, res) =>
      url.pathname === '/fhir/Observation' ? send(res, 307, undefined, { Location: `${other.origin}/fhir/Observation${url.search}` }) : false,
    );
    const data = await load();
    expect(other.requests).toEqual([]);
    expect(data.notChecked.map((n) => n.resourceType)).toEqual(['Observation']);
  });

  it('follows a redirect that stays under the base, each hop through the given fetch and with the token', async () => {
    fhir.route((url, _req, res) =>
      url.pathname === '/fhir/Procedure' && !url.searchParams.has('moved')
        ? send(res, 301, undefined, { Location: `${url.pathname}${url.search}&moved=1` })
        : false,
    );
    const hops: string[] = [];
    const counting: typeof fetch = (input, init) => {
      hops.push(String(input));
      return fetch(input, init);
    };
    const data = await load(counting);
    expect(data.notChecked).toEqual([]);
    const procedure = hops.filter((h) => new URL(h).pathname === '/fhir/Procedure');
    expect(procedure).toHaveLength(2);
    expect(fhir.requests.filter((r) => r.path.startsWith('/fhir/Procedure')).every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('treats a browser’s opaque manual redirect (type opaqueredirect, status 0) as leaving the server', async () => {
    const opaque: typeof fetch = async (input, init) => {
      if (new URL(String(input)).pathname === '/fhir/Condition') {
        return { type: 'opaqueredirect', status: 0, ok: false, headers: new Headers(), text: async () => '' } as unknown as Response;
      }
      return fetch(input, init);
    };
    const data = await load(opaque);
    expect(data.notChecked).toEqual([expect.objectContaining({ resourceType: 'Condition', reason: expect.stringMatching(/redirected/) })]);
  });

  it('resolves a root-relative next link under the base as RFC 3986 does (not /fhir/fhir/...)', async () => {
    fhir.route((url, _req, res) => {
      if (url.pathname !== '/fhir/Condition') return false;
      return url.searchParams.has('page') ? send(res, 200, searchset()) : send(res, 200, searchset([], `/fhir/Condition?patient=${PATIENT_ID}&page=2`));
    });
    const data = await load();
    expect(data.notChecked).toEqual([]);
    expect(fhir.requests.some((r) => r.path.startsWith('/fhir/fhir/'))).toBe(false);
    expect(fhir.requests.some((r) => r.path.startsWith('/fhir/Condition?') && r.path.includes('page=2'))).toBe(true);
  });
});
