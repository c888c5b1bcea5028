// An expired or revoked token during a load: refreshed once when the launch granted a refresh
// token (parallel requests share one refresh), otherwise a clear "session expired" error.
import type Client from 'fhirclient/lib/Client';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { runForClient, SessionExpiredError } from '../../lib/app/run';
import { lab, NOW, patient, PATIENT_ID } from '../helpers/fhir';

const BASE = 'https://ehr.test/fhir';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let valid = 'new-token';
function fhir() {
  const ok = (auth: string | null) => auth === `Bearer ${valid}`;
  server.use(
    http.get(`${BASE}/metadata`, () => HttpResponse.json({ resourceType: 'CapabilityStatement', rest: [] })),
    http.get(`${BASE}/Patient/${PATIENT_ID}`, ({ request }) =>
      ok(request.headers.get('authorization')) ? HttpResponse.json(patient()) : new HttpResponse(null, { status: 401 }),
    ),
    http.get(`${BASE}/:type`, ({ request, params }) => {
      if (!ok(request.headers.get('authorization'))) return new HttpResponse(null, { status: 401 });
      const entry = params.type === 'Observation' && request.url.includes('2823-3') ? [{ resource: lab('2823-3', 3.0, 'mmol/L') }] : [];
      return HttpResponse.json({ resourceType: 'Bundle', type: 'searchset', entry });
    }),
  );
}

function fakeClient(refreshToken: string | undefined) {
  const calls = { refresh: 0 };
  const state = {
    serverUrl: BASE,
    tokenResponse: { access_token: 'revoked-token', ...(refreshToken ? { refresh_token: refreshToken } : {}) } as Record<string, unknown>,
  };
  const client = {
    patient: { id: PATIENT_ID },
    state,
    refreshIfNeeded: async () => state.tokenResponse,
    refresh: async () => {
      calls.refresh++;
      await new Promise((r) => setTimeout(r, 10));
      state.tokenResponse = { ...state.tokenResponse, access_token: 'new-token' };
      return state.tokenResponse;
    },
  };
  return { client: client as unknown as Client, calls };
}

describe('session handling', () => {
  it('refreshes a revoked token once and finishes the load', async () => {
    valid = 'new-token';
    fhir();
    const { client, calls } = fakeClient('refresh-1');
    const model = await runForClient(client, NOW);
    expect(calls.refresh).toBe(1);
    expect(model.result.notChecked).toEqual([]);
    expect(model.result.findings.map((f) => f.ruleId)).toEqual(['low-potassium']);
  });

  it('says the session expired, and to relaunch, when there is no refresh token', async () => {
    valid = 'new-token';
    fhir();
    const { client, calls } = fakeClient(undefined);
    await expect(runForClient(client, NOW)).rejects.toThrow(new SessionExpiredError('Your session has expired. Relaunch the app from the EHR.'));
    expect(calls.refresh).toBe(0);
  });

  it('says the session expired when the refresh does not help', async () => {
    valid = 'a-token-nobody-has';
    fhir();
    const { client, calls } = fakeClient('refresh-1');
    await expect(runForClient(client, NOW)).rejects.toBeInstanceOf(SessionExpiredError);
    expect(calls.refresh).toBe(1);
  });
});
