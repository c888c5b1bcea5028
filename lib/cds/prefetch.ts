// CDS Hooks prefetch: the templates (exactly the loader's searches, without date windows, since the
// spec has no date token), and the prefetch an EHR would send for a set of resources (benchmark,
// tests and demos build requests with it).
import { planSearches, searchUrl } from '../fhir/queries';
import { knowledge } from '../knowledge';

const PATIENT_TOKEN = '{{context.patientId}}';
let templates: Readonly<Record<string, string>> | undefined;

/** Prefetch key -> template; computed once, since it depends only on the rules. */
export function prefetchTemplates(): Readonly<Record<string, string>> {
  if (!templates) {
    const out: Record<string, string> = { patient: `Patient/${PATIENT_TOKEN}` };
    for (const plan of planSearches(knowledge(), new Date(), { windows: false })) {
      out[plan.key] = searchUrl(plan, PATIENT_TOKEN).replace(encodeURIComponent(PATIENT_TOKEN), PATIENT_TOKEN);
    }
    templates = out;
  }
  return templates;
}

/** The order-time services need only the Patient (deceased?) and the Conditions (a documented complaint?). */
export function orderPrefetchTemplates(): Readonly<Record<string, string>> {
  const all = prefetchTemplates();
  return Object.fromEntries(['patient', 'conditions'].flatMap((k) => (all[k] ? [[k, all[k]]] : [])));
}

/**
 * Answers each template (or only `keys`) from the given resources, as an EHR would: the Patient,
 * and for each search a searchset Bundle of the resources of its type (and LOINC codes, if any).
 */
export function prefetchFromResources(
  resources: readonly fhir4.FhirResource[],
  keys: readonly string[] = Object.keys(prefetchTemplates()),
): Record<string, unknown> {
  const all = prefetchTemplates();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const template = all[key];
    if (template === undefined) continue;
    if (key === 'patient') {
      out.patient = resources.find((r) => r.resourceType === 'Patient');
      continue;
    }
    const [type, query = ''] = template.split('?');
    const codes = new URLSearchParams(query).get('code')?.split(',').map((c) => c.split('|')[1]);
    const matches = resources.filter(
      (r) => r.resourceType === type && (!codes || (r as fhir4.Observation).code?.coding?.some((c) => codes.includes(c.code ?? ''))),
    );
    out[key] = { resourceType: 'Bundle', type: 'searchset', entry: matches.map((resource) => ({ resource, search: { mode: 'match' } })) };
  }
  return out;
}
