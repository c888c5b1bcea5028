/**
 * @jest-environment jest-fixed-jsdom
 */
// Finding 4 (open redirect through /launch), as the attack: a launch link names an attacker's FHIR
// server, or a trusted one plus fhirclient override parameters in the page URL (clientId=attacker-client,
// patientId=..., fhirServiceUrl=...). With SMART_ALLOWED_ISSUERS the first is refused with a clear
// message (in the browser and already on the server); the overrides never reach authorize().
import { webcrypto } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { issuerAllowed } from '../../lib/app/issuers';
import { startLaunch } from '../../lib/app/smartSession';

Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });

const ISS = 'https://ehr.test/fhir';
const EVIL = 'https://evil.test/fhir';
const smartConfig = (host: string) =>
  HttpResponse.json({
    authorization_endpoint: `https://${host}/auth/authorize`,
    token_endpoint: `https://${host}/auth/token`,
    code_challenge_methods_supported: ['S256'],
    capabilities: ['launch-ehr', 'client-public'],
  });
const server = setupServer(
  http.get(`${ISS}/.well-known/smart-configuration`, () => smartConfig('ehr.test')),
  http.get(`${EVIL}/.well-known/smart-configuration`, () => smartConfig('evil.test')),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => sessionStorage.clear());

/** Puts the launch URL in the address bar, as the browser would, and starts the launch from it. */
async function launchFrom(params: Record<string, string>, allowedIssuers: string[] = []) {
  const query = new URLSearchParams(params);
  window.history.replaceState(null, '', `/launch?${query.toString()}`);
  return new URL(String(await startLaunch(new URLSearchParams(window.location.search), { noRedirect: true, allowedIssuers })));
}

describe('/launch with SMART_ALLOWED_ISSUERS', () => {
  it('refuses an iss outside the allowlist with a clear message, before any request to it', async () => {
    await expect(launchFrom({ iss: EVIL, launch: 'x' }, [ISS])).rejects.toThrow(/not one this app is set up for.*SMART_ALLOWED_ISSUERS/);
  });

  it('accepts an allowed iss (exact base URL or origin entry)', async () => {
    expect((await launchFrom({ iss: ISS, launch: 'x' }, [ISS])).origin).toBe('https://ehr.test');
    expect((await launchFrom({ iss: ISS, launch: 'x' }, ['https://ehr.test'])).origin).toBe('https://ehr.test');
    expect(issuerAllowed('https://ehr.test.evil.test/fhir', ['https://ehr.test'])).toBe(false);
    expect(issuerAllowed('https://ehr.test/fhirx', ['https://ehr.test/fhir'])).toBe(false);
  });

  it('server side: the page is rendered already refused, and the refusal is logged', async () => {
    const saved = process.env.SMART_ALLOWED_ISSUERS;
    process.env.SMART_ALLOWED_ISSUERS = `${ISS} https://other.test`;
    try {
      const { getServerSideProps } = await import('../../pages/launch');
      const result = (await getServerSideProps({ query: { iss: EVIL, launch: 'x' } } as never)) as { props: { refused?: string; allowedIssuers: string[] } };
      expect(result.props.refused).toMatch(/SMART_ALLOWED_ISSUERS/);
      expect(result.props.allowedIssuers).toEqual([ISS, 'https://other.test']);
      const ok = (await getServerSideProps({ query: { iss: ISS, launch: 'x' } } as never)) as { props: { refused?: string } };
      expect(ok.props.refused).toBeUndefined();
    } finally {
      process.env.SMART_ALLOWED_ISSUERS = saved;
    }
  });
});

describe('fhirclient URL overrides are stripped before authorize()', () => {
  it('ignores clientId / client_id / patientId / fhirServiceUrl / encounterId from the launch URL', async () => {
    const url = await launchFrom({
      iss: ISS,
      launch: 'x',
      clientId: 'attacker-client',
      client_id: 'attacker-client',
      patientId: 'someone-else',
      fhirServiceUrl: EVIL,
      encounterId: 'e1',
      fakeTokenResponse: '{"access_token":"x"}',
    });
    expect(url.origin).toBe('https://ehr.test');
    expect(url.searchParams.get('client_id')).toBe('leg-cramp-factors');
    expect(url.searchParams.get('aud')).toBe(ISS);
    const left = new URL(window.location.href).searchParams;
    expect([...left.keys()].sort()).toEqual(['iss', 'launch']);
    const state = JSON.stringify(Object.fromEntries(Object.entries(sessionStorage)));
    expect(state).not.toContain('someone-else');
    expect(state).not.toContain('attacker-client');
  });
});
