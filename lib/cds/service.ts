// The CDS Hooks service, independent of Next: discovery, the patient-view hook and feedback.
// Same loader, engine and rules as the app. Handlers take a parsed request and return a response
// description, so they are tested without a server.
import { SOURCE_ARTICLE } from '../../cds-rules';
import { evaluate } from '../engine/evaluate';
import { loadPatientData } from '../fhir/loader';
import { FhirReadError } from '../fhir/errors';
import { createFetchTransport, type FhirTransport } from '../fhir/transport';
import { knowledge } from '../knowledge';
import { serverUnitConverter } from '../terminology/ucumNode';
import { securityEvent } from '../log/security';
import { createSafeFetch } from '../net/safeFetch';
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
  /**
   * Parsed JSON body (undefined for GET), or a function that reads and parses it: called only after
   * the JWT has been verified, and may throw CdsBodyError (too large, too slow, not JSON...).
   */
  readonly body?: unknown;
  /** Public base URL of this app from configuration (never from request headers), e.g. https://cramps.example.org. */
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
          'Lists the documented causes of nocturnal leg cramps that apply to the patient (medications, conditions, electrolytes), with the evidence and the source, and says when data could not be checked. The medicationRequests prefetch asks for _include=MedicationRequest:medication: the Medication resources that orders point to come in the same Bundle (search mode "include"), so drugs ordered by reference can be named without further reads; a client that cannot include them may leave them out, and they are then read from fhirServer when one is given.',
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

/** A request body refused while reading it; the status and message go back to the client. */
export class CdsBodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type BodyReader = () => Promise<unknown>;

async function readCallBody(call: CdsCall): Promise<{ body: unknown } | { refused: CdsResponse }> {
  if (typeof call.body !== 'function') return { body: call.body };
  try {
    return { body: await (call.body as BodyReader)() };
  } catch (e) {
    if (!(e instanceof CdsBodyError)) throw e;
    securityEvent('request.refused', { status: e.status, path: call.path });
    return { refused: error(e.status, e.message) };
  }
}

/** A `null` prefetch value means the client looked and found nothing (CDS Hooks 2.0): an empty result. */
function emptyResult(): unknown {
  return { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] };
}

const REFERENCE_FIELDS = ['subject', 'patient'] as const;

/**
 * Prefetched data must be about the patient in context: the Patient's id, and in each search
 * result every resource's subject/patient reference. Returns the first key that does not match.
 */
function foreignPrefetchKey(prefetch: Readonly<Record<string, unknown>>, patientId: string): string | undefined {
  // Patient/{id}, an absolute URL ending in it, or urn:uuid:{id} (bundles that use the id as fullUrl).
  const escaped = patientId.replace(/[.\\-]/g, '\\$&');
  const own = new RegExp(`^(?:(?:.*/)?Patient/${escaped}|urn:uuid:${escaped})$`);
  for (const [key, value] of Object.entries(prefetch)) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as { resourceType?: unknown; id?: unknown; entry?: unknown };
    if (v.resourceType === 'Patient') {
      if (v.id !== patientId) return key;
      continue;
    }
    if (v.resourceType !== 'Bundle' || !Array.isArray(v.entry)) continue;
    for (const entry of v.entry as unknown[]) {
      const resource = (entry as { resource?: unknown } | null)?.resource;
      if (typeof resource !== 'object' || resource === null) continue;
      const r = resource as Record<string, unknown>;
      if (r.resourceType === 'Patient' && r.id !== patientId) return key;
      for (const field of REFERENCE_FIELDS) {
        const ref = (r[field] as { reference?: unknown } | undefined)?.reference;
        if (typeof ref === 'string' && !own.test(ref)) return key;
      }
    }
  }
  return undefined;
}

/** A null Patient prefetch means the client found no such patient: do not read it again (it is reported not checked). */
function withoutPatientRead(transport: FhirTransport): FhirTransport {
  return {
    baseUrl: transport.baseUrl,
    get: (path) =>
      /^Patient\/[^/?]+$/.test(path) ? Promise.reject(new FhirReadError('unexpected', 'the EHR reported that it has no such patient')) : transport.get(path),
  };
}

const fetchers = new Map<string, typeof fetch>();
/** The SSRF-hardened fetch for the configured outbound policy (one connection pool per policy). */
function outboundFetch(config: CdsConfig): typeof fetch {
  const key = JSON.stringify([config.allowHttpFhir, config.allowPrivateFhir, config.exemptFhirOrigins]);
  let f = fetchers.get(key);
  if (!f) {
    f = createSafeFetch({ allowHttp: config.allowHttpFhir, allowPrivate: config.allowPrivateFhir, exemptOrigins: config.exemptFhirOrigins });
    fetchers.set(key, f);
  }
  return f;
}

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
    // Which check failed is for the operator (security log), not for the caller.
    const reason = e instanceof CdsAuthError ? e.message : 'the token could not be verified';
    securityEvent(e instanceof CdsAuthError && e.replay ? 'auth.replay' : 'auth.failed', { status: 401, reason, path: call.path });
    return { status: 401, body: { error: 'Unauthorized' }, headers: { 'WWW-Authenticate': 'Bearer' } };
  }
}

async function hook(call: CdsCall, config: CdsConfig): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${SERVICE_ID}`;
  const denied = await authorize(call, config, [serviceUrl]);
  if (denied) return denied;
  const read = await readCallBody(call);
  if ('refused' in read) return read.refused;
  const parsed = hookRequestSchema.safeParse(read.body);
  if (!parsed.success) return error(400, `Bad request: ${firstIssue(parsed.error)}`);
  const request = parsed.data;
  if (request.hook !== HOOK) return error(400, `Bad request: this service answers the "${HOOK}" hook, not "${request.hook}"`);
  if (request.fhirAuthorization?.patient && request.fhirAuthorization.patient !== request.context.patientId) {
    return error(400, 'Bad request: fhirAuthorization.patient does not match context.patientId');
  }
  const exempt = request.fhirServer !== undefined && config.exemptFhirOrigins.includes(new URL(request.fhirServer).origin);
  if (request.fhirServer && !exempt && !config.allowHttpFhir && !request.fhirServer.startsWith('https://')) {
    return error(400, 'Bad request: fhirServer must use https');
  }

  const given = request.prefetch ?? {};
  const foreign = foreignPrefetchKey(given, request.context.patientId);
  if (foreign !== undefined) {
    securityEvent('request.refused', { status: 400, reason: 'prefetch about another patient', key: foreign });
    return error(400, `Bad request: prefetch "${foreign}" holds data about another patient than context.patientId`);
  }
  const needed = Object.keys(prefetchTemplates());
  const prefetch: Record<string, unknown> = { ...given };
  // null = "searched, nothing found": an empty result for a search (no refetch, no 412).
  for (const key of needed) if (key !== 'patient' && prefetch[key] === null) prefetch[key] = emptyResult();
  const missing = needed.filter((key) => !usablePrefetch(prefetch[key], key) && prefetch[key] !== null);
  if (missing.length > 0 && !request.fhirServer) {
    return error(412, `Precondition failed: prefetch lacks ${missing.join(', ')} and no fhirServer was given to read them`);
  }

  const now = call.now ?? new Date();
  const token = request.fhirAuthorization?.access_token;
  let transport: FhirTransport | undefined = request.fhirServer
    ? createFetchTransport({ baseUrl: request.fhirServer, token: () => token, timeoutMs: config.fhirTimeoutMs, fetch: outboundFetch(config) })
    : undefined;
  if (transport && prefetch.patient === null) transport = withoutPatientRead(transport);
  const data = await loadPatientData(transport, request.context.patientId, knowledge(), { now, prefetch });
  const result = evaluate(knowledge(), data, now, { units: serverUnitConverter() });
  const cards: Card[] = cardsFor(result, { article: SOURCE_ARTICLE, launchUrl: `${call.baseUrl}/launch` });
  return { status: 200, body: { cards } };
}

async function feedback(call: CdsCall, config: CdsConfig): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${SERVICE_ID}`;
  const denied = await authorize(call, config, [serviceUrl, `${serviceUrl}/feedback`]);
  if (denied) return denied;
  const read = await readCallBody(call);
  if ('refused' in read) return read.refused;
  const parsed = feedbackSchema.safeParse(read.body);
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
