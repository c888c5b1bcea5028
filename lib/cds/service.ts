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
import { renderOrderCards, renderPatientView, SNOOZE_REASON, type IssuedCard } from './cards';
import type { CdsConfig } from './config';
import { planOrders, planPatientView } from './policy';
import { orderPrefetchTemplates, prefetchTemplates } from './prefetch';
import {
  feedbackSchema,
  firstIssue,
  HOOK,
  hookRequestSchema,
  ORDER_SERVICES,
  orderRequestSchema,
  SERVICE_ID,
  type OrderServiceId,
} from './request';
import { matchDraftOrders } from '../engine/orders';
import { CARD_MEMORY_DAYS, StoreInputError, type CdsStore } from '../store/types';

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

const DAY_MS = 24 * 60 * 60 * 1000;

function siteNote(config: CdsConfig): string {
  const off = [...config.disabledRules].sort();
  return off.length > 0 ? ` Rules switched off at this site: ${off.join(', ')}.` : '';
}

export function discovery(config?: CdsConfig): unknown {
  const off = config ? [...config.disabledRules].sort() : [];
  const extension = { 'org.leg-cramp-factors.disabled-rules': off };
  const trigger = config?.patientViewTrigger ?? 'complaint';
  return {
    services: [
      {
        hook: HOOK,
        id: SERVICE_ID,
        title: 'Leg cramp factors',
        description:
          `Documented causes of nocturnal leg cramps that apply to the patient (medications, conditions, results), each with its evidence level and reference. ${trigger === 'complaint' ? 'Speaks only when the record documents a leg-cramp complaint (a quinine order is always flagged); never for a deceased patient; old records are left to the app, not pushed.' : 'Configured to speak for every patient with a current finding (never for a deceased patient; old records are not pushed).'} Says when data could not be checked. Cards offer override reasons, one of which snoozes the card's rules for this patient for 90 days.${config ? siteNote(config) : ''} The medicationRequests prefetch asks for _include=MedicationRequest:medication: the Medication resources that orders point to come in the same Bundle (search mode "include"), so drugs ordered by reference can be named without further reads; a client that cannot include them may leave them out, and they are then read from fhirServer when one is given.`,
        prefetch: prefetchTemplates(),
        usageRequirements:
          'Send prefetch, or fhirServer with fhirAuthorization granting read access to the prefetch resource types. Requests must carry a JWT from a trusted issuer.',
        extension,
      },
      ...Object.entries(ORDER_SERVICES).map(([id, hookName]) => ({
        hook: hookName,
        id,
        title: `Leg cramp check of ${hookName === 'order-select' ? 'selected' : 'signed'} medication orders`,
        description: `Flags a draft quinine order (not recommended for leg cramps, FDA) with a suggestion to remove it; when the record documents a leg-cramp complaint, says that a drafted long-acting beta-agonist, diuretic, potassium-sparing diuretic or other drug often reported with cramps is associated with them, with its evidence level and reference.${config ? siteNote(config) : ''}`,
        prefetch: orderPrefetchTemplates(),
        usageRequirements: 'Send context.draftOrders with the draft MedicationRequests, and prefetch (patient, conditions) or fhirServer with fhirAuthorization. Requests must carry a JWT from a trusted issuer.',
        extension,
      })),
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

/**
 * The store failed while answering (a write or a read, not a refusal): the service answers 503, since it must not
 * answer as if replay protection, snoozes or card memory had worked. Carries no data, only the database's code.
 */
export class CdsStoreFailure extends Error {
  constructor(readonly code?: string) {
    super('the CDS store failed');
  }
}

/**
 * Runs a store operation; its failure becomes a CdsStoreFailure (the original error may quote stored values).
 * Input the store refuses (StoreInputError) is not a store failure and goes up as is.
 */
async function inStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (e) {
    if (e instanceof CdsStoreFailure || e instanceof StoreInputError) throw e;
    const code = (e as { code?: unknown } | null)?.code;
    throw new CdsStoreFailure(typeof code === 'string' ? code.slice(0, 20) : undefined);
  }
}

async function authorize(call: CdsCall, config: CdsConfig, audiences: string[], deps: CdsDeps): Promise<CdsResponse | undefined> {
  if (!config.jwtRequired) return undefined;
  const open = deps.store;
  try {
    await verifyCdsJwt(
      call.authorization,
      audiences,
      config,
      open
        ? async (iss, jti, expiresAt) => {
            try {
              return await inStore(async () => (await open()).rememberJti(iss, jti, expiresAt));
            } catch (e) {
              // A jti the store cannot keep (empty, over 1,024 characters) is the token's fault.
              if (e instanceof StoreInputError) throw new CdsAuthError(`the token’s "jti" claim is not acceptable (${e.message})`);
              throw e;
            }
          }
        : undefined,
    );
    return undefined;
  } catch (e) {
    if (!(e instanceof CdsAuthError)) throw e;
    // Which check failed is for the operator (security log), not for the caller.
    securityEvent(e.replay ? 'auth.replay' : 'auth.failed', { status: 401, reason: e.message, path: call.path });
    return { status: 401, body: { error: 'Unauthorized' }, headers: { 'WWW-Authenticate': 'Bearer' } };
  }
}

/** What the service keeps between requests; absent in some unit tests, where nothing is remembered. */
export interface CdsDeps {
  /** Opens (once) and returns the store; called only after the request's JWT has been verified. */
  readonly store?: () => Promise<CdsStore>;
}

const storeOf = async (deps: CdsDeps): Promise<CdsStore | undefined> => (deps.store ? deps.store() : undefined);

interface LoadedRequest {
  readonly patientId: string;
  readonly fhirServer?: string;
  readonly data: Awaited<ReturnType<typeof loadPatientData>>;
}

type ParsedBase = {
  readonly fhirServer?: string | undefined;
  readonly fhirAuthorization?: { readonly access_token: string; readonly patient?: string | undefined } | undefined;
  readonly context: { readonly patientId: string };
  readonly prefetch?: Record<string, unknown> | undefined;
};

/** Checks the request's server and prefetch, then loads what the rules need (prefetch first, the server for the rest). */
async function loadFor(request: ParsedBase, needed: readonly string[], config: CdsConfig, now: Date): Promise<LoadedRequest | CdsResponse> {
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
  const prefetch: Record<string, unknown> = { ...given };
  // null = "searched, nothing found": an empty result for a search (no refetch, no 412).
  for (const key of needed) if (key !== 'patient' && prefetch[key] === null) prefetch[key] = emptyResult();
  const missing = needed.filter((key) => !usablePrefetch(prefetch[key], key) && prefetch[key] !== null);
  if (missing.length > 0 && !request.fhirServer) {
    return error(412, `Precondition failed: prefetch lacks ${missing.join(', ')} and no fhirServer was given to read them`);
  }
  const token = request.fhirAuthorization?.access_token;
  let transport: FhirTransport | undefined = request.fhirServer
    ? createFetchTransport({ baseUrl: request.fhirServer, token: () => token, timeoutMs: config.fhirTimeoutMs, fetch: outboundFetch(config) })
    : undefined;
  if (transport && prefetch.patient === null) transport = withoutPatientRead(transport);
  // Searches this service does not need are answered as empty, so nothing is read for them.
  for (const key of Object.keys(prefetchTemplates())) if (!needed.includes(key) && prefetch[key] === undefined) prefetch[key] = emptyResult();
  const data = await loadPatientData(transport, request.context.patientId, knowledge(), { now, prefetch });
  return { patientId: request.context.patientId, ...(request.fhirServer ? { fhirServer: request.fhirServer } : {}), data };
}

/** The patient as the store keys it: qualified by the FHIR server, so two EHRs with the same ids never share snoozes. */
function storeKey(loaded: LoadedRequest): string {
  return `${loaded.fhirServer ?? 'prefetch-only'}|${loaded.patientId}`;
}

async function remember(store: CdsStore | undefined, serviceId: string, issued: readonly IssuedCard[], patient: string, now: Date): Promise<void> {
  const worth = issued.filter((i) => i.ruleIds.length > 0);
  if (!store || worth.length === 0) return;
  await inStore(() => store.rememberCards(
    worth.map((i) => ({ uuid: i.card.uuid, serviceId, ruleIds: [...i.ruleIds], patientId: patient })),
    new Date(now.getTime() + CARD_MEMORY_DAYS * DAY_MS),
  ));
}

async function snoozedFor(store: CdsStore | undefined, patient: string, now: Date): Promise<Set<string>> {
  return store ? inStore(() => store.snoozedRules(patient, now)) : new Set();
}

async function hook(call: CdsCall, config: CdsConfig, deps: CdsDeps): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${SERVICE_ID}`;
  const denied = await authorize(call, config, [serviceUrl], deps);
  if (denied) return denied;
  const read = await readCallBody(call);
  if ('refused' in read) return read.refused;
  const parsed = hookRequestSchema.safeParse(read.body);
  if (!parsed.success) return error(400, `Bad request: ${firstIssue(parsed.error)}`);
  const request = parsed.data;
  if (request.hook !== HOOK) return error(400, `Bad request: this service answers the "${HOOK}" hook, not "${request.hook}"`);
  const now = call.now ?? new Date();
  const loaded = await loadFor(request, Object.keys(prefetchTemplates()), config, now);
  if ('status' in loaded) return loaded;
  const result = evaluate(knowledge(), loaded.data, now, { units: serverUnitConverter() });
  const patient = storeKey(loaded);
  const store = await storeOf(deps);
  const snoozed = await snoozedFor(store, patient, now);
  const plan = planPatientView(result, { trigger: config.patientViewTrigger, disabledRules: config.disabledRules }, snoozed);
  const issued = renderPatientView(plan.plans, result, { article: SOURCE_ARTICLE, launchUrl: `${call.baseUrl}/launch` });
  await remember(store, SERVICE_ID, issued, patient, now);
  return { status: 200, body: { cards: issued.map((i) => i.card) } };
}

async function orderHook(call: CdsCall, config: CdsConfig, deps: CdsDeps, serviceId: OrderServiceId): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${serviceId}`;
  const denied = await authorize(call, config, [serviceUrl], deps);
  if (denied) return denied;
  const read = await readCallBody(call);
  if ('refused' in read) return read.refused;
  const parsed = orderRequestSchema.safeParse(read.body);
  if (!parsed.success) return error(400, `Bad request: ${firstIssue(parsed.error)}`);
  const request = parsed.data;
  const expected = ORDER_SERVICES[serviceId];
  if (request.hook !== expected) return error(400, `Bad request: this service answers the "${expected}" hook, not "${request.hook}"`);
  const now = call.now ?? new Date();
  const drafts = matchDraftOrders(knowledge(), request.context.draftOrders);
  // order-select: only the orders just selected, when the client names them.
  const selections = request.context.selections;
  const considered = selections && selections.length > 0 ? drafts.filter((d) => selections.some((s) => s === d.reference || s.endsWith(`/${d.reference}`))) : drafts;
  if (considered.every((d) => d.rules.length === 0)) return { status: 200, body: { cards: [] } };
  const loaded = await loadFor(request, Object.keys(orderPrefetchTemplates()), config, now);
  if ('status' in loaded) return loaded;
  const result = evaluate(knowledge(), loaded.data, now, { units: serverUnitConverter() });
  const patient = storeKey(loaded);
  const store = await storeOf(deps);
  const snoozed = await snoozedFor(store, patient, now);
  const plans = planOrders(considered, { complaint: result.complaint.recorded, deceased: result.deceased !== undefined }, { trigger: config.patientViewTrigger, disabledRules: config.disabledRules }, snoozed);
  const issued = renderOrderCards(plans, knowledge(), { article: SOURCE_ARTICLE, launchUrl: `${call.baseUrl}/launch` });
  await remember(store, serviceId, issued, patient, now);
  return { status: 200, body: { cards: issued.map((i) => i.card) } };
}

/** Feedback whose override reason is the snooze: silences the card's rules for that patient for 90 days. */
function isSnooze(reason: { code?: string | undefined; system?: string | undefined } | undefined): boolean {
  return reason?.code === SNOOZE_REASON.code && (reason.system === undefined || reason.system === SNOOZE_REASON.system);
}

async function feedback(call: CdsCall, config: CdsConfig, deps: CdsDeps, serviceId: string): Promise<CdsResponse> {
  const serviceUrl = `${call.baseUrl}/cds-services/${serviceId}`;
  const denied = await authorize(call, config, [serviceUrl, `${serviceUrl}/feedback`], deps);
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
  const receivedAt = call.now ?? new Date();
  const store = await storeOf(deps);
  for (const item of parsed.data.feedback) {
    const reason = item.overrideReason?.reason;
    // The free-text comment may name the patient, so it is not kept.
    if (store) {
      await inStore(() => store.recordFeedback(
        {
          serviceId,
          cardUuid: item.card,
          outcome: item.outcome,
          ...(reason?.code ? { reasonCode: reason.code } : {}),
          ...(reason?.system ? { reasonSystem: reason.system } : {}),
          outcomeTimestamp: new Date(item.outcomeTimestamp),
          receivedAt,
        },
        item.outcome === 'overridden' && isSnooze(reason) ? { snoozeUntil: new Date(receivedAt.getTime() + SNOOZE_REASON.days * DAY_MS) } : {},
      ));
    } else {
      feedbackLog.push({
        card: item.card,
        outcome: item.outcome,
        ...(reason?.code ? { reasonCode: reason.code } : {}),
        outcomeTimestamp: item.outcomeTimestamp,
        receivedAt: receivedAt.toISOString(),
      });
    }
  }
  if (feedbackLog.length > FEEDBACK_LIMIT) feedbackLog.splice(0, feedbackLog.length - FEEDBACK_LIMIT);
  return { status: 200, body: {} };
}

export async function handleCds(call: CdsCall, config: CdsConfig, deps: CdsDeps = {}): Promise<CdsResponse> {
  const path = call.path.replace(/^\/+|\/+$/g, '');
  if (path === '') {
    if (call.method !== 'GET') return error(405, 'Use GET for discovery');
    return { status: 200, body: discovery(config) };
  }
  const [id, rest] = path.split('/', 2) as [string, string | undefined];
  const known = id === SERVICE_ID || Object.prototype.hasOwnProperty.call(ORDER_SERVICES, id);
  if (known && rest === undefined) {
    if (call.method !== 'POST') return error(405, 'Use POST to call the service');
    return id === SERVICE_ID ? hook(call, config, deps) : orderHook(call, config, deps, id as OrderServiceId);
  }
  if (known && rest === 'feedback' && path === `${id}/feedback`) {
    if (call.method !== 'POST') return error(405, 'Use POST to send feedback');
    return feedback(call, config, deps, id);
  }
  return error(404, `No CDS service at /cds-services/${path}`);
}
