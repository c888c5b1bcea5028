// The demo EHR's FHIR R4 API over medplum's router. Adds what the router lacks for our queries:
// /metadata, bare-id `patient=` references, `_include` of Medications and paging `next` links.
// Every request needs a bearer token, and only the launched patient's data is served.
import { matchesSearchRequest, parseSearchRequest } from '@medplum/core';
import type { FhirRequest } from '@medplum/fhir-router';
import { tokenGrant } from './auth';
import { sandboxStore } from './store';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const SERVED = ['Patient', 'MedicationStatement', 'MedicationRequest', 'Medication', 'Condition', 'Observation', 'Procedure'];
const DEFAULT_COUNT = 50;
const MAX_COUNT = 200;
/** medplum's in-memory search costs seconds on thousands of resources, so one search serves all its pages. */
const SEARCH_CACHE_MS = 60_000;
const searchCache = new Map<string, { at: number; entries: fhir4.BundleEntry[] }>();

const outcome = (status: number, code: string, text: string): ApiResponse => ({
  status,
  body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] },
});

export function capabilityStatement(base: string): unknown {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-24',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    implementation: { description: 'Leg cramp factors demo EHR', url: base },
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
        },
        resource: SERVED.map((type) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
        })),
      },
    ],
  };
}

export function smartConfiguration(origin: string): unknown {
  return {
    issuer: `${origin}/api/sandbox`,
    authorization_endpoint: `${origin}/api/sandbox/auth/authorize`,
    token_endpoint: `${origin}/api/sandbox/auth/token`,
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'offline_access', ...SERVED.flatMap((t) => [`patient/${t}.read`, `patient/${t}.rs`])],
    response_types_supported: ['code'],
    capabilities: ['launch-ehr', 'launch-standalone', 'client-public', 'context-ehr-patient', 'context-standalone-patient', 'context-banner', 'context-style', 'permission-patient', 'permission-v1', 'permission-v2'],
  };
}

/** The clinically relevant date of a resource, for `_sort=-date` (ISO strings sort in time order). */
function resourceDate(resource: fhir4.FhirResource): string {
  const r = resource as { effectiveDateTime?: string; issued?: string; performedDateTime?: string; performedPeriod?: { start?: string }; onsetDateTime?: string; authoredOn?: string };
  return r.effectiveDateTime ?? r.performedDateTime ?? r.performedPeriod?.start ?? r.onsetDateTime ?? r.authoredOn ?? r.issued ?? '';
}

/**
 * Does the granted scope allow this interaction on this type? SMART v1 (`patient/Type.read`,
 * `patient/*.read`, `.*`) and v2 (`patient/Type.rs`: r = read, s = search; `.cruds`). Only patient-level
 * scopes count: the demo tokens are for one patient.
 */
export function scopeAllows(scope: string, type: string, action: 'read' | 'search'): boolean {
  return scope.split(/\s+/).some((s) => {
    const m = /^patient\/(\*|[A-Za-z]+)\.(read|write|\*|[cruds]+)$/.exec(s);
    if (!m || (m[1] !== '*' && m[1] !== type)) return false;
    const perm = m[2]!;
    if (perm === 'read' || perm === '*') return true;
    if (perm === 'write') return false;
    return perm.includes(action === 'read' ? 'r' : 's');
  });
}

function patientParam(value: string | null): string | undefined {
  if (!value) return undefined;
  const m = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(value);
  return m?.[1];
}

/** GET on the FHIR base: `path` is what follows the base (e.g. "Observation" or "Patient/123"). */
export async function handleFhirGet(path: string, query: URLSearchParams, authorization: string | undefined, base: string): Promise<ApiResponse> {
  if (path === 'metadata') return { status: 200, body: capabilityStatement(base) };
  const grant = tokenGrant(authorization);
  if (!grant) {
    return { ...outcome(401, 'login', 'A valid bearer token is required.'), headers: { 'WWW-Authenticate': 'Bearer realm="demo-ehr"' } };
  }
  const [type, id, ...rest] = path.split('/');
  if (!type || !SERVED.includes(type) || rest.length > 0) return outcome(404, 'not-supported', `${path} is not served here.`);
  const action = id !== undefined ? 'read' : 'search';
  if (!scopeAllows(grant.scope, type, action)) {
    return outcome(403, 'forbidden', `The token's scopes do not allow ${action === 'read' ? 'reading' : 'searching'} ${type}.`);
  }
  if (grant.fail && grant.fail.resourceType === type) {
    return outcome(grant.fail.status, grant.fail.status === 403 ? 'forbidden' : 'exception', `Demo failure switched on for ${type}.`);
  }
  const { repo, router, byPatient } = await sandboxStore();
  const call = async (url: string) => {
    const request = { method: 'GET', url, pathname: '', params: {}, query: {}, body: undefined } as unknown as FhirRequest;
    const [result, resource] = await router.handleRequest(request, repo);
    return { result, resource };
  };

  if (id !== undefined) {
    if (type === 'Patient' && id !== grant.patientId) return outcome(403, 'forbidden', 'This token is for another patient.');
    if (type !== 'Patient' && type !== 'Medication') return outcome(403, 'forbidden', 'Read this type by searching with patient=.');
    const { resource } = await call(`/${type}/${encodeURIComponent(id)}`);
    return resource ? { status: 200, body: resource } : outcome(404, 'not-found', `${type}/${id} was not found.`);
  }

  if (type === 'Medication' || type === 'Patient') return outcome(403, 'forbidden', 'Search of this type is not offered.');
  const patient = patientParam(query.get('patient') ?? query.get('subject'));
  if (!patient) return outcome(400, 'required', 'Searches need patient=.');
  if (patient !== grant.patientId) return outcome(403, 'forbidden', 'This token is for another patient.');

  const count = Math.min(Math.max(Number(query.get('_count') ?? DEFAULT_COUNT) || DEFAULT_COUNT, 1), MAX_COUNT);
  const offset = Math.max(Number(query.get('_offset') ?? 0) || 0, 0);
  const includes = query.getAll('_include');
  const forward = new URLSearchParams();
  for (const [key, value] of query) {
    if (key === 'patient' || key === 'subject' || key === '_include' || key === '_count' || key === '_offset') continue;
    forward.append(key, value);
  }
  const key = `${patient}|${type}?${forward.toString()}`;
  let cached = searchCache.get(key);
  if (!cached || Date.now() - cached.at > SEARCH_CACHE_MS) {
    // medplum's matcher over this patient's resources only: the full repository search scans every
    // patient's records and took ~1.5 s per Observation query.
    let request: ReturnType<typeof parseSearchRequest>;
    try {
      forward.delete('_sort');
      request = parseSearchRequest(`${type}?${forward.toString()}`);
    } catch (e) {
      return outcome(400, 'invalid', e instanceof Error ? e.message : 'The search could not be parsed.');
    }
    let own = byPatient.get(`${patient}|${type}`) ?? [];
    const codes = forward.get('code');
    if (codes) {
      // A cheap first pass on the code alone; medplum's matcher then applies every parameter exactly.
      const wanted = new Set(codes.split(',').map((c) => c.split('|').pop()));
      own = own.filter((r) => (r as { code?: fhir4.CodeableConcept }).code?.coding?.some((c) => wanted.has(c.code)));
    }
    const matches = own.filter((r) => matchesSearchRequest(r as Parameters<typeof matchesSearchRequest>[0], request));
    if (query.get('_sort') === '-date') matches.sort((a, b) => resourceDate(b).localeCompare(resourceDate(a)));
    cached = { at: Date.now(), entries: matches.map((resource) => ({ resource })) };
    searchCache.set(key, cached);
  }
  const all = cached.entries;
  const entries: fhir4.BundleEntry[] = all.slice(offset, offset + count).map((e) => ({
    fullUrl: `${base}/${e.resource?.resourceType}/${e.resource?.id}`,
    resource: e.resource as fhir4.FhirResource,
    search: { mode: 'match' },
  }));

  if (includes.includes(`${type}:medication`)) {
    const ids = new Set<string>();
    for (const e of entries) {
      const ref = (e.resource as fhir4.MedicationRequest | undefined)?.medicationReference?.reference;
      const m = ref ? /^Medication\/(.+)$/.exec(ref) : null;
      if (m?.[1]) ids.add(m[1]);
    }
    // Included Medications only when the token may read them.
    if (!scopeAllows(grant.scope, 'Medication', 'read')) ids.clear();
    for (const medId of ids) {
      const { resource: med } = await call(`/Medication/${encodeURIComponent(medId)}`);
      if (med) entries.push({ fullUrl: `${base}/Medication/${medId}`, resource: med as unknown as fhir4.FhirResource, search: { mode: 'include' } });
    }
  }

  const total = all.length;
  const link: fhir4.BundleLink[] = [{ relation: 'self', url: `${base}/${type}?${query.toString()}` }];
  if (offset + count < total) {
    const next = new URLSearchParams(query);
    next.set('_count', String(count));
    next.set('_offset', String(offset + count));
    link.push({ relation: 'next', url: `${base}/${type}?${next.toString()}` });
  }
  return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total, link, entry: entries } satisfies fhir4.Bundle };
}
