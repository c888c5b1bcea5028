/**
 * @jest-environment jest-fixed-jsdom
 */
import { webcrypto } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { startLaunch } from '../../lib/app/smartSession';

// jsdom has no SubtleCrypto; browsers do. Give fhirclient the platform's Web Crypto for the PKCE hash.
Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });

const ISS = 'https://ehr.test/fhir';
const server = setupServer(
  http.get(`${ISS}/.well-known/smart-configuration`, () =>
    HttpResponse.json({
      authorization_endpoint: 'https://ehr.test/auth/authorize',
      token_endpoint: 'https://ehr.test/auth/token',
      code_challenge_methods_supported: ['S256'],
      capabilities: ['launch-ehr', 'launch-standalone', 'client-public', 'context-ehr-patient'],
    }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => sessionStorage.clear());

describe('SMART launch', () => {
  it('EHR launch sends the browser to the authorize endpoint with PKCE S256, state, aud, scopes and launch', async () => {
    const url = new URL(String(await startLaunch(new URLSearchParams({ iss: ISS, launch: 'xyz123' }), { noRedirect: true })));
    expect(url.origin + url.pathname).toBe('https://ehr.test/auth/authorize');
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('leg-cramp-factors');
    expect(p.get('aud')).toBe(ISS);
    expect(p.get('launch')).toBe('xyz123');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')).toMatch(/^\S{10,}$/);
    expect(p.get('scope')?.split(' ').sort()).toEqual(
      [
        'openid',
        'fhirUser',
        'launch',
        'patient/Patient.read',
        'patient/Procedure.read',
        'patient/MedicationStatement.read',
        'patient/MedicationRequest.read',
        'patient/Medication.read',
        'patient/Condition.read',
        'patient/Observation.read',
      ].sort(),
    );
    expect(p.get('redirect_uri')).toBe('http://localhost/');
  });

  it('uses a fresh random state on every launch', async () => {
    const a = new URL(String(await startLaunch(new URLSearchParams({ iss: ISS, launch: 'a' }), { noRedirect: true })));
    const b = new URL(String(await startLaunch(new URLSearchParams({ iss: ISS, launch: 'b' }), { noRedirect: true })));
    expect(a.searchParams.get('state')).not.toBe(b.searchParams.get('state'));
    expect(a.searchParams.get('code_challenge')).not.toBe(b.searchParams.get('code_challenge'));
  });

  it('standalone launch asks for launch/patient instead of launch', async () => {
    const url = new URL(String(await startLaunch(new URLSearchParams({ iss: ISS }), { noRedirect: true })));
    const scopes = url.searchParams.get('scope')?.split(' ') ?? [];
    expect(scopes).toContain('launch/patient');
    expect(scopes).not.toContain('launch');
    expect(url.searchParams.get('launch')).toBeNull();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it.each([
    ['no iss', {}, /no "iss"/],
    ['an iss that is not a URL', { iss: 'not a url' }, /not a URL/],
    ['a plain-http iss off localhost', { iss: 'http://ehr.test/fhir' }, /https/],
  ])('refuses %s with a clear message', async (_label, params, message) => {
    await expect(startLaunch(new URLSearchParams(params as Record<string, string>), { noRedirect: true })).rejects.toThrow(message);
  });
});
