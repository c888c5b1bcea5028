// The engine: evaluate(knowledge, patientData, now) -> findings, linked groups and gaps.
// Pure and synchronous; the clock and unit conversion are injected so tests control them.
import { createUnitConverter, type UnitConverter } from '../terminology/units';
import { findName } from '../terminology/names';
import { typesReadBy, type CompiledConditionRule, type CompiledKnowledge, type CompiledMedicationRule } from './compile';
import { conditionDate, isCurrentCondition } from './conditions';
import { DAY_MS, parseFhirDate } from './dates';
import { beyond, formatNumber, latestByAnalyte, limitFor, readValue, recordedValue, type DatedResult } from './labs';
import { identifyDrug, isCurrentMedication, medicationDate, MedicationIndex, type DrugIdentity } from './medications';
import { isObject, labelOf, namesOf, codingsOf } from './text';
import {
  groupOf,
  type Evidence,
  type EvaluationResult,
  type Finding,
  type LinkedGroup,
  type NotChecked,
  type NotCheckedReport,
  type PatientData,
  type ResultNote,
  type StaleResult,
} from './types';

export const RECENT_DAYS = 365;
const WEEK_MS = 7 * DAY_MS;

export interface EvaluateOptions {
  readonly units?: UnitConverter;
  /** Maps a Medication resource to the fullUrl it had in a Bundle, for urn:uuid references. */
  readonly medicationFullUrls?: ReadonlyMap<fhir4.Medication, string>;
}

interface Match {
  readonly matchedBy: 'code' | 'name';
  readonly evidence: Evidence;
}

function addMatch(found: Map<string, Match[]>, ruleId: string, match: Match): void {
  const list = found.get(ruleId);
  if (list) list.push(match);
  else found.set(ruleId, [match]);
}

function medicationMatch(compiled: CompiledMedicationRule, drug: DrugIdentity): 'code' | 'name' | undefined {
  if (drug.codings.some((c) => compiled.codes.has(c))) return 'code';
  return findName(compiled.names, drug.names) ? 'name' : undefined;
}

function conditionMatch(compiled: CompiledConditionRule, condition: fhir4.Condition): 'code' | 'name' | undefined {
  const codings = codingsOf(condition.code);
  if (codings.some((c) => compiled.excludedCodes.has(c))) return undefined;
  if (codings.some((c) => compiled.codes.has(c))) return 'code';
  const names = namesOf(condition.code);
  if (findName(compiled.excludedNames, names)) return undefined;
  return findName(compiled.names, names) ? 'name' : undefined;
}

function gestationNotes(condition: fhir4.Condition, now: Date): string[] {
  const onset = parseFhirDate(condition.onsetDateTime ?? condition.onsetPeriod?.start, 'start');
  if (!onset) return ['Onset date not recorded, so the trimester cannot be estimated.'];
  const weeks = Math.floor((now.getTime() - onset.getTime()) / WEEK_MS);
  if (weeks > 42) return [`Verify: recorded ${weeks} weeks ago and never closed.`];
  const trimester = weeks < 14 ? 'first' : weeks < 28 ? 'second' : 'third';
  return [`About ${weeks} weeks since the recorded onset: estimated ${trimester} trimester.`];
}

function ref(resource: { resourceType: string; id?: string }): string {
  return `${resource.resourceType}/${resource.id ?? '(no id)'}`;
}

function describeNotChecked(notChecked: readonly NotChecked[], knowledge: CompiledKnowledge): NotCheckedReport[] {
  return notChecked.map((entry) => ({
    ...entry,
    affectedRules: knowledge.kb.rules.filter((r) => typesReadBy(r).includes(entry.resourceType)).map((r) => r.id),
  }));
}

export function evaluate(
  knowledge: CompiledKnowledge,
  data: PatientData,
  now: Date,
  options: EvaluateOptions = {},
): EvaluationResult {
  const units = options.units ?? createUnitConverter();
  const found = new Map<string, Match[]>();
  const extraNotChecked: NotChecked[] = [];

  // Medications: both statements and requests count.
  const index = new MedicationIndex(data.medications, options.medicationFullUrls);
  const unresolved = new Set<string>();
  for (const record of [...data.medicationStatements, ...data.medicationRequests]) {
    if (!isObject(record) || !isCurrentMedication(record, now)) continue;
    const drug = identifyDrug(record, index);
    if (drug.unresolvedReference && drug.names.length === 0) unresolved.add(drug.unresolvedReference);
    for (const compiled of knowledge.medication) {
      const matchedBy = medicationMatch(compiled, drug);
      if (!matchedBy) continue;
      const date = medicationDate(record);
      addMatch(found, compiled.rule.id, {
        matchedBy,
        evidence: {
          reference: ref(record),
          resourceType: record.resourceType,
          name: drug.label,
          status: String(record.status),
          ...(date ? { date } : {}),
        },
      });
    }
  }
  if (unresolved.size > 0 && !data.notChecked.some((n) => n.resourceType === 'Medication')) {
    extraNotChecked.push({
      resourceType: 'Medication',
      reason: `${unresolved.size} current medication record(s) point to a Medication that could not be read, so the drug is unknown.`,
    });
  }

  // Conditions.
  for (const condition of data.conditions) {
    if (!isObject(condition) || !isCurrentCondition(condition, now)) continue;
    for (const compiled of knowledge.condition) {
      const matchedBy = conditionMatch(compiled, condition);
      if (!matchedBy) continue;
      const date = conditionDate(condition);
      const clinical = condition.clinicalStatus?.coding?.[0]?.code;
      addMatch(found, compiled.rule.id, {
        matchedBy,
        evidence: {
          reference: ref(condition),
          resourceType: 'Condition',
          name: labelOf(condition.code, 'Unnamed condition'),
          ...(date ? { date } : {}),
          ...(clinical ? { status: clinical } : {}),
          ...(compiled.rule.showsGestation ? { notes: gestationNotes(condition, now) } : {}),
        },
      });
    }
  }

  // Lab results: only each analyte's latest result decides.
  const { latest, undated } = latestByAnalyte(data.observations, knowledge.analyteByLoinc, now);
  const stale: StaleResult[] = [];
  const resultNotes: ResultNote[] = undated.map(({ analyte, obs }) => ({
    analyte,
    reference: ref(obs),
    message: 'This result has no date, so it cannot be placed in time and was not used.',
  }));
  const recent = new Map<string, DatedResult>();
  for (const [analyteId, result] of latest) {
    const analyte = knowledge.analytes.get(analyteId);
    if (!analyte) continue;
    if (now.getTime() - result.when.getTime() > RECENT_DAYS * DAY_MS) {
      const value = recordedValue(result.obs);
      stale.push({
        analyte: analyteId,
        label: analyte.label,
        reference: ref(result.obs),
        date: result.date,
        ...(value ? { value } : {}),
      });
    } else {
      recent.set(analyteId, result);
    }
  }
  const notedUnits = new Set<string>();
  for (const { rule, analyte } of knowledge.lab) {
    const result = recent.get(analyte.id);
    if (!result) continue;
    const { obs, date } = result;
    const reading = readValue(obs, analyte, units);
    const notes = obs.status === 'preliminary' ? ['Preliminary result.'] : [];
    const base = {
      reference: ref(obs),
      resourceType: 'Observation',
      name: labelOf(obs.code, analyte.label),
      date,
      status: String(obs.status),
    };
    if (reading.kind === 'unconvertible' || reading.kind === 'none') {
      if (!notedUnits.has(analyte.id)) {
        notedUnits.add(analyte.id);
        resultNotes.push({
          analyte: analyte.id,
          reference: ref(obs),
          message:
            reading.kind === 'unconvertible'
              ? `The latest ${analyte.label.toLowerCase()} result is in "${reading.unit}", which cannot be converted to ${analyte.unit}; it was not interpreted.`
              : `The latest ${analyte.label.toLowerCase()} result has no numeric value or abnormal flag; it was not interpreted.`,
        });
      }
      continue;
    }
    if (reading.kind === 'flag') {
      if (!(rule.direction === 'low' ? reading.low : reading.high)) continue;
      addMatch(found, rule.id, {
        matchedBy: 'code',
        evidence: {
          ...base,
          value: `flagged ${reading.flags.join(', ')}`,
          limitSource: 'interpretation',
          notes: [...notes, 'No numeric value; the laboratory flag decided.'],
        },
      });
      continue;
    }
    const limit = limitFor(obs, analyte, rule.direction, units);
    if (!limit || !beyond(rule.direction, reading.value, reading.comparator, limit.value)) continue;
    const recorded = recordedValue(obs) ?? `${formatNumber(reading.value)} ${analyte.unit}`;
    const converted = `${reading.comparator ?? ''}${formatNumber(reading.value)} ${analyte.unit}`;
    addMatch(found, rule.id, {
      matchedBy: 'code',
      evidence: {
        ...base,
        value: recorded,
        ...(converted !== recorded ? { convertedValue: converted } : {}),
        limit: `${rule.direction === 'low' ? 'lower limit' : 'upper limit'} ${formatNumber(limit.value)} ${analyte.unit}`,
        limitSource: limit.source,
        ...(notes.length > 0 ? { notes } : {}),
      },
    });
  }

  const findings: Finding[] = [];
  for (const rule of knowledge.kb.rules) {
    const matches = found.get(rule.id);
    if (!matches) continue;
    findings.push({
      ruleId: rule.id,
      title: rule.title,
      group: groupOf(rule),
      // A code match anywhere is the stronger statement; "name" only when nothing matched by code.
      matchedBy: matches.some((m) => m.matchedBy === 'code') ? 'code' : 'name',
      evidence: matches.map((m) => m.evidence),
      cause: rule.cause,
    });
  }

  const fired = new Set(findings.map((f) => f.ruleId));
  const linked: LinkedGroup[] = [];
  for (const link of knowledge.kb.links) {
    const causes = link.causes.filter((id) => fired.has(id));
    const effects = link.effects.filter((id) => fired.has(id));
    if (causes.length > 0 && effects.length > 0) {
      linked.push({ linkId: link.id, label: link.label, sentence: link.sentence, ruleIds: [...causes, ...effects] });
    }
  }

  const patientId = data.patient?.id;
  return {
    ...(patientId ? { patient: `Patient/${patientId}` } : {}),
    now: now.toISOString(),
    findings,
    linked,
    notChecked: describeNotChecked([...data.notChecked, ...extraNotChecked], knowledge),
    stale,
    resultNotes,
    truncated: data.truncated ?? [],
  };
}
