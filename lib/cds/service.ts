// The CDS Hooks service, independent of Next: discovery, the patient-view hook and feedback.
// Same loader, engine and rules as the app. Handlers take a parsed request and return a response
// description, so they are tested without a server.
import { SOURCE_ARTICLE } from '../../cds-rules';
import { evaluate } from '../engine/evaluate';
import { loadPatientData } from '../fhir/loader';
import { createFetchTransport } from '../fhir/transport';
import { knowledge } from '../knowledge';
import { serverUnitConverter } from '../terminology/ucumNode';
import { CdsAuthError, verifyCdsJwt } from './auth';
import { cardsFor, type Card } from './cards';
import type { CdsConfig } from './config';
import { prefetchTemplates } from './prefetch';
import { feedbackSchema, firstIssue, HOOK, hookRequestSchema, SERVICE_ID } from './request';

export interface CdsResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CdsCall {
  readonly method: string;
  /** Path under /cds-services, e.g. "" or "leg-cramp-factors" or "leg-cramp-factors/feedback". */
  readonly path: string;
  readonly authorization?: string;
  /** Parsed JSON body (undefined for GET). */
  readonly body?: unknown;
  /** Public base URL of this app, e.g. https://cramps.example.org. */
  readonly baseUrl: string;
  readonly now?: Date;
}

export function discovery(): unknown {
  return {
    services: [
      {
        hook: HOOK,
        id: SERVICE_ID,
        title: 'Leg cramp factors',
        description:
          'Lists the documented causes of nocturnal leg cramps that apply to the patient (medications, conditions, electrolytes), with the evidence and the source, and says when data could not be checked.',
        prefetch: prefetchTemplates(),
        usageRequirements:
          'Send prefetch, or fhirServer with fhirAuthorization granting read access to the prefetch resource types. Requests must carry a JWT from a trusted issuer.',
      },
    ],
  };
}

/** Received feedback, without patient data: card id, outcome, reason code and times only. */
export interface FeedbackRecord {
  readonly card: string;
  readonly outcome: 'accepted' | 'overridden';
  readonly reasonCode?: string;
  readonly outcomeTimestamp: string;
  readonly receivedAt: string;
}
const FEEDBACK_LIMIT = 1000;
export const feedbackLog: FeedbackRecord[] = [];

const error = (status: number, message: string): CdsResponse => ({ status, body: { error: message } });

/** Keys whose prefetch value can be used as is. */
function usablePrefetch(value: unknown, key: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { resourceType?: unknown }).resourceType;
  return key === 'patient' ? type === 'Patient' : type === 'Bundle';
}

async function authorize(call: CdsCall, config: CdsConfig, audiences: string[]): Promise<CdsResponse | undefined> {
  if (!config.jwtRequired) return undefined;
  try {
    await verifyCdsJwt(call.authorization, audiences, config);
    return undefined;
  } catch (e) {
    const reason = e instanceof CdsAuthError ? e.message : 'the token could not be verified';
    return { status: 401, body: { error: `Unauthorized: ${reason}` }, headers: { 'WWW-Authenticate': 'Bearer' } };
  }
}

async function hook(call: CdsCall, config: CdsConfig): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${SERVICE_ID}`;
  const denied = await authorize(call, config, [serviceUrl]);
  if (denied) return denied;
  const parsed = hookRequestSchema.safeParse(call.body);
  if (!parsed.success) return error(400, `Bad request: ${firstIssue(parsed.error)}`);
  const request = parsed.data;
  if (request.hook !== HOOK) return error(400, `Bad request: this service answers the "${HOOK}" hook, not "${request.hook}"`);
  if (request.fhirAuthorization?.patient && request.fhirAuthorization.patient !== request.context.patientId) {
    return error(400, 'Bad request: fhirAuthorization.patient does not match context.patientId');
  }
  if (request.fhirServer && !config.allowHttpFhir && !request.fhirServer.startsWith('https://')) {
    return error(400, 'Bad request: fhirServer must use https');
  }

  const prefetch = request.prefetch ?? {};
  const needed = Object.keys(prefetchTemplates());
  const missing = needed.filter((key) => !usablePrefetch(prefetch[key], key));
  if (missing.length > 0 && !request.fhirServer) {
    return error(412, `Precondition failed: prefetch lacks ${missing.join(', ')} and no fhirServer was given to read them`);
  }

  const now = call.now ?? new Date();
  const token = request.fhirAuthorization?.access_token;
  const transport = request.fhirServer
    ? createFetchTransport({ baseUrl: request.fhirServer, token: () => token, timeoutMs: config.fhirTimeoutMs })
    : undefined;
  const data = await loadPatientData(transport, request.context.patientId, knowledge(), { now, prefetch });
  const result = evaluate(knowledge(), data, now, { units: serverUnitConverter() });
  const cards: Card[] = cardsFor(result, { article: SOURCE_ARTICLE, launchUrl: `${call.baseUrl}/launch` });
  return { status: 200, body: { cards } };
}

async function feedback(call: CdsCall, config: CdsConfig): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${SERVICE_ID}`;
  const denied = await authorize(call, config, [serviceUrl, `${serviceUrl}/feedback`]);
  if (denied) return denied;
  const parsed = feedbackSchema.safeParse(call.body);
  if (!parsed.success) return error(400, `Bad request: ${firstIssue(parsed.error)}`);
  for (const item of parsed.data.feedback) {
    if (item.outcome === 'overridden' && item.acceptedSuggestions?.length) {
      return error(400, 'Bad request: an overridden card cannot have accepted suggestions');
    }
  }
  const receivedAt = new Date().toISOString();
  for (const item of parsed.data.feedback) {
    // The free-text comment may name the patient, so it is not kept.
    feedbackLog.push({
      card: item.card,
      outcome: item.outcome,
      ...(item.overrideReason?.reason?.code ? { reasonCode: item.overrideReason.reason.code } : {}),
      outcomeTimestamp: item.outcomeTimestamp,
      receivedAt,
    });
  }
  if (feedbackLog.length > FEEDBACK_LIMIT) feedbackLog.splice(0, feedbackLog.length - FEEDBACK_LIMIT);
  return { status: 200, body: {} };
}

export async function handleCds(call: CdsCall, config: CdsConfig): Promise<CdsResponse> {
  const path = call.path.replace(/^\/+|\/+$/g, '');
  if (path === '') {
    if (call.method !== 'GET') return error(405, 'Use GET for discovery');
    return { status: 200, body: discovery() };
  }
  if (path === SERVICE_ID) {
    if (call.method !== 'POST') return error(405, 'Use POST to call the service');
    return hook(call, config);
  }
  if (path === `${SERVICE_ID}/feedback`) {
    if (call.method !== 'POST') return error(405, 'Use POST to send feedback');
    return feedback(call, config);
  }
  return error(404, `No CDS service at /cds-services/${path}`);
}
