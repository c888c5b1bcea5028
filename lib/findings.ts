// The findings command's logic, separate from argv and process handling so tests can call it.
import { evaluate } from './engine/evaluate';
import type { EvaluationResult, PatientData } from './engine/types';
import { BadInputError, patientDataFromBundle } from './fhir/fromBundle';
import { loadPatientData } from './fhir/loader';
import { createFetchTransport } from './fhir/transport';
import { knowledge } from './knowledge';
import { serverUnitConverter } from './terminology/ucumNode';

export interface FindingsOutput {
  readonly patient: string | null;
  readonly now: string;
  readonly findings: { ruleId: string; title: string; evidence: string[]; matchedBy: 'code' | 'name' }[];
  readonly notChecked: { resourceType: string; reason: string; affectedRules: readonly string[] }[];
}

export function toFindingsOutput(result: EvaluationResult): FindingsOutput {
  return {
    patient: result.patient ?? null,
    now: result.now,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      title: f.title,
      evidence: f.evidence.map((e) => e.reference),
      matchedBy: f.matchedBy,
    })),
    notChecked: result.notChecked.map((n) => ({ resourceType: n.resourceType, reason: n.reason, affectedRules: n.affectedRules })),
  };
}

export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) {
    throw new BadInputError(`--now "${value}" is not an ISO-8601 date or date-time`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadInputError(`--now "${value}" is not a valid date`);
  return new Date(ms);
}

export function findingsFromBundle(bundle: unknown, now: Date, patientId?: string): FindingsOutput {
  const { data, fullUrls } = patientDataFromBundle(bundle, patientId);
  return toFindingsOutput(
    evaluate(knowledge(), data, now, { units: serverUnitConverter(), medicationFullUrls: fullUrls }),
  );
}

export async function findingsFromServer(
  server: string,
  patientId: string,
  now: Date,
  bearer?: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<FindingsOutput> {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new BadInputError(`--server "${server}" is not a URL`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new BadInputError('--server must be an http(s) URL');
  const transport = createFetchTransport({
    baseUrl: base.toString(),
    token: () => bearer,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const data: PatientData = await loadPatientData(transport, patientId, knowledge(), { now });
  if (!data.patient) {
    const reason = data.notChecked.find((n) => n.resourceType === 'Patient')?.reason ?? 'unknown reason';
    throw new BadInputError(`Patient/${patientId} could not be read from ${base.origin}: ${reason}`);
  }
  return toFindingsOutput(evaluate(knowledge(), data, now, { units: serverUnitConverter() }));
}
