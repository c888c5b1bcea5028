// The demo EHR acting as a CDS Hooks client: its own ES384 key pair (made once per process), a fresh
// JWT for each call (unique jti: the service refuses replays), the patient-view and order-select
// requests (the service reads the demo FHIR API itself with a patient token), and feedback.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Card } from '../cds/cards';
import { issueAccessToken } from './auth';
import { ORDER_SELECT_SERVICE, PATIENT_VIEW_SERVICE, type DemoServiceId, type DraftChoice } from './cdsViewState';
import { conditionsWithComplaint, draftOrder, draftOrdersBundle } from './demoCds';

interface Keys {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

const holder = globalThis as unknown as { __legCrampCdsKeys?: Promise<Keys> };

function keys(): Promise<Keys> {
  holder.__legCrampCdsKeys ??= (async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'demo-ehr-cds-1', alg: 'ES384', use: 'sig' };
    return { privateKey: pair.privateKey, jwk };
  })();
  return holder.__legCrampCdsKeys;
}

export const demoCdsIssuer = (origin: string) => `${origin}/api/sandbox`;

export async function demoCdsJwks(): Promise<{ keys: JWK[] }> {
  return { keys: [(await keys()).jwk] };
}


/** A JWT for one call to `audience`: signed with the demo key, valid 5 minutes, never reused. */
async function signFor(origin: string, audience: string): Promise<string> {
  const { privateKey } = await keys();
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: 'demo-ehr-cds-1', typ: 'JWT' })
    .setIssuer(demoCdsIssuer(origin))
    .setSubject('demo-ehr')
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(privateKey);
}

export interface DemoAnswer {
  readonly status: number;
  readonly body: unknown;
}

async function post(origin: string, url: string, body: unknown): Promise<DemoAnswer> {
  const jwt = await signFor(origin, url);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
      body: JSON.stringify(body),
    });
  } catch {
    return { status: 0, body: { error: 'the CDS service could not be reached' } };
  }
  return { status: res.status, body: await res.json().catch(() => ({ error: 'the service did not answer with JSON' })) };
}

/** fhirServer and a 5-minute read token for this patient, so the service reads what the prefetch leaves out. */
function fhirAccess(origin: string, patientId: string) {
  return {
    fhirServer: `${origin}/api/sandbox/fhir`,
    fhirAuthorization: {
      access_token: issueAccessToken(patientId),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patient/*.read',
      subject: 'demo-ehr',
      patient: patientId,
    },
  };
}

export interface DemoCallOptions {
  /** Send the patient's Conditions plus an added G47.62 "Sleep related leg cramps" as the `conditions` prefetch. */
  readonly complaint?: boolean;
  readonly now?: Date;
}

/** Calls the patient-view service as an EHR would, and returns its status and body. */
export async function callDemoCds(origin: string, patientId: string, mode: 'fetch' | 'none', options: DemoCallOptions = {}): Promise<DemoAnswer> {
  const now = options.now ?? new Date();
  const request = {
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/demo', patientId },
    ...(mode === 'fetch' ? fhirAccess(origin, patientId) : {}),
    ...(options.complaint ? { prefetch: { conditions: await conditionsWithComplaint(patientId, now) } } : {}),
  };
  return post(origin, `${origin}/cds-services/${PATIENT_VIEW_SERVICE}`, request);
}

/** order-select for one picked draft: draftOrders holds it, selections names it. */
export async function callDemoOrderSelect(origin: string, patientId: string, choice: DraftChoice, options: DemoCallOptions = {}): Promise<DemoAnswer> {
  const now = options.now ?? new Date();
  const order = draftOrder(patientId, choice, now);
  const request = {
    hook: 'order-select',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/demo', patientId, selections: [`MedicationRequest/${order.id}`], draftOrders: draftOrdersBundle([order]) },
    ...fhirAccess(origin, patientId),
    ...(options.complaint ? { prefetch: { conditions: await conditionsWithComplaint(patientId, now) } } : {}),
  };
  return post(origin, `${origin}/cds-services/${ORDER_SELECT_SERVICE}`, request);
}

export type DemoFeedback =
  | { readonly outcome: 'overridden'; readonly reason: { readonly system: string; readonly code: string; readonly display: string } }
  | { readonly outcome: 'accepted'; readonly suggestion: string };

/** CDS Hooks feedback on one card, to the service that issued it. */
export function sendDemoFeedback(origin: string, serviceId: DemoServiceId, card: string, feedback: DemoFeedback, now = new Date()): Promise<DemoAnswer> {
  const item =
    feedback.outcome === 'overridden'
      ? { card, outcome: 'overridden', overrideReason: { reason: feedback.reason }, outcomeTimestamp: now.toISOString() }
      : { card, outcome: 'accepted', acceptedSuggestions: [{ id: feedback.suggestion }], outcomeTimestamp: now.toISOString() };
  return post(origin, `${origin}/cds-services/${serviceId}/feedback`, { feedback: [item] });
}

/** The cards of an answer, or an error message to show (never an empty list passed off as "no cards"). */
export function cardsOf(answer: DemoAnswer): { cards: Card[]; error: string | null } {
  const body = (answer.body ?? {}) as { cards?: unknown; error?: unknown };
  if (answer.status === 200 && Array.isArray(body.cards)) return { cards: body.cards as Card[], error: null };
  const message = typeof body.error === 'string' ? body.error : 'no cards in the answer';
  return { cards: [], error: `The CDS service did not answer with cards (HTTP ${answer.status || 'none'}): ${message}. Nothing was checked.` };
}
