// The engine: evaluate(knowledge, patientData, now) -> findings, linked groups, trends and gaps.
// Pure and synchronous; the clock and unit conversion are injected so tests control them.
import { createUnitConverter, type UnitConverter } from '../terminology/units';
import { findName, mentions } from '../terminology/names';
import { typesReadBy, type CompiledConditionRule, type CompiledKnowledge, type CompiledMedicationRule } from './compile';
import { conditionDate, isCurrentCondition, isDiscountedCondition } from './conditions';
import {
  gestationFromResult,
  gestationNotes,
  procedureMatches,
  ref,
  resultMatches,
  ResultIndex,
  statusMatch,
  type Match,
} from './criteria';
import { DAY_MS, parseFhirDate } from './dates';
import { beyond, formatNumber, latestByAnalyte, limitFor, readValue, recordedValue, type DatedResult } from './labs';
import { linkFindings } from './links';
import { identifyDrug, isCurrentMedication, medicationDate, MedicationIndex, type DrugIdentity } from './medications';
import { isObject, labelOf, namesOf, codingsOf, str } from './text';
import { trendsFor } from './trends';
import {
  groupOf,
  type EvaluationResult,
  type Finding,
  type NotChecked,
  type NotCheckedReport,
  type PatientData,
  type ResultNote,
  type StaleResult,
} from './types';

export const RECENT_DAYS = 365;

export interface EvaluateOptions {
  readonly units?: UnitConverter;
  /** Maps a Medication resource to the fullUrl it had in a Bundle, for urn:uuid references. */
  readonly medicationFullUrls?: ReadonlyMap<fhir4.Medication, string>;
}

function addMatch(found: Map<string, Match[]>, ruleId: string, match: Match): void {
  const list = found.get(ruleId);
  if (list) list.push(match);
  else found.set(ruleId, [match]);
}

function medicationMatch(compiled: CompiledMedicationRule, drug: DrugIdentity): 'code' | 'name' | undefined {
  if (drug.codings.some((c) => compiled.codes.has(c))) return 'code';
  if (mentions(compiled.excludedNames, drug.names)) return undefined;
  return findName(compiled.names, drug.names) ? 'name' : undefined;
}

function conditionMatch(compiled: CompiledConditionRule, condition: fhir4.Condition): 'code' | 'name' | undefined {
  const codings = codingsOf(condition.code);
  if (codings.some((c) => compiled.excludedCodes.has(c))) return undefined;
  if (codings.some((c) => compiled.codes.has(c))) return 'code';
  const names = namesOf(condition.code);
  if (mentions(compiled.excludedNames, names)) return undefined;
  return findName(compiled.names, names) ? 'name' : undefined;
}

/**
 * Whether a condition counts for a rule. Most rules need a current condition; a rule with an onset
 * window counts any episode that began within it (even one since resolved), and an undated one
 * only while it is current.
 */
function conditionCounts(
  compiled: CompiledConditionRule,
  condition: fhir4.Condition,
  current: boolean,
  now: Date,
): { counts: boolean; note?: string } {
  const window = compiled.rule.onsetWithinDays;
  if (window === undefined) return { counts: current };
  if (isDiscountedCondition(condition)) return { counts: false };
  const started = parseFhirDate(conditionDate(condition), 'start');
  if (!started) return current ? { counts: true, note: 'Onset date not recorded; check that it is recent.' } : { counts: false };
  const age = now.getTime() - started.getTime();
  if (age < 0 || age > window * DAY_MS) return { counts: false };
  return { counts: true, note: `Began within the last ${window} days.` };
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

  // Conditions, and the other criteria condition rules carry.
  const results = new ResultIndex(data.observations, new Set(knowledge.observationCodes), now);
  // Each rule's gestational age from results, worked out once, not per pregnancy record.
  const gestationByRule = new Map(
    knowledge.condition.flatMap(({ rule }) => (rule.gestation ? [[rule.id, gestationFromResult(rule.gestation, results, now)] as const] : [])),
  );
  for (const condition of data.conditions) {
    if (!isObject(condition)) continue;
    const current = isCurrentCondition(condition, now);
    for (const compiled of knowledge.condition) {
      const { counts, note } = conditionCounts(compiled, condition, current, now);
      if (!counts) continue;
      const matchedBy = conditionMatch(compiled, condition);
      if (!matchedBy) continue;
      const date = conditionDate(condition);
      const clinical = str(isObject(condition.clinicalStatus) && Array.isArray(condition.clinicalStatus.coding) ? condition.clinicalStatus.coding[0]?.code : undefined);
      const notes = [
        ...(note ? [note] : []),
        ...(compiled.rule.gestation
          ? gestationNotes(
              condition.onsetDateTime ?? condition.onsetPeriod?.start,
              gestationByRule.get(compiled.rule.id),
              compiled.rule.gestation,
              now,
            )
          : []),
      ];
      addMatch(found, compiled.rule.id, {
        matchedBy,
        evidence: {
          reference: ref(condition),
          resourceType: 'Condition',
          name: labelOf(condition.code, 'Unnamed condition'),
          ...(date ? { date } : {}),
          ...(clinical ? { status: clinical } : {}),
          ...(notes.length > 0 ? { notes } : {}),
        },
      });
    }
  }
  const criteriaNotes: ResultNote[] = [];
  for (const compiled of knowledge.condition) {
    const id = compiled.rule.id;
    for (const m of procedureMatches(compiled, data.procedures ?? [], now)) addMatch(found, id, m);
    const measured = resultMatches(compiled, results, data.patient, now, units);
    for (const m of measured.matches) addMatch(found, id, m);
    criteriaNotes.push(...measured.notes);
    const status = compiled.rule.statusResult;
    if (!status) continue;
    const reading = statusMatch(status, results, now);
    if (reading.match) {
      // A status result has no onset date: only a gestational-age result can give the trimester.
      const fromResult = gestationByRule.get(id);
      const notes = compiled.rule.gestation && fromResult ? gestationNotes(undefined, fromResult, compiled.rule.gestation, now) : [];
      addMatch(found, id, notes.length > 0 ? { ...reading.match, evidence: { ...reading.match.evidence, notes } } : reading.match);
    } else if (reading.contradicting && found.has(id)) {
      // A newer status result says otherwise: keep the finding, but say so beside each record.
      const later = reading.contradicting;
      const matches = found.get(id) ?? [];
      found.set(
        id,
        matches.map((m) => {
          const when = parseFhirDate(m.evidence.date, 'start');
          if (when && when.getTime() >= later.when.getTime()) return m;
          const warning = `Verify: a later result (${later.date.slice(0, 10)}, ${ref(later.obs)}) records "${labelOf(later.obs.valueCodeableConcept, 'not pregnant')}".`;
          return { ...m, evidence: { ...m.evidence, notes: [...(m.evidence.notes ?? []), warning] } };
        }),
      );
    }
  }

  // Lab results: only each analyte's latest result decides.
  const { latest, undated } = latestByAnalyte(data.observations, knowledge.analyteByLoinc, now);
  const stale: StaleResult[] = [];
  const labAnalytes = new Set(knowledge.lab.map((l) => l.analyte.id));
  const resultNotes: ResultNote[] = undated.filter(({ analyte }) => labAnalytes.has(analyte)).map(({ analyte, obs }) => ({
    analyte,
    reference: ref(obs),
    message: 'This result has no date, so it cannot be placed in time and was not used.',
  }));
  const recent = new Map<string, DatedResult>();
  for (const [analyteId, result] of latest) {
    const analyte = knowledge.analytes.get(analyteId);
    if (!analyte || !labAnalytes.has(analyteId)) continue;
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

  const linked = linkFindings(knowledge.kb.links, knowledge.kb.rules, new Set(findings.map((f) => f.ruleId)));

  const patientId = data.patient?.id;
  return {
    ...(patientId ? { patient: `Patient/${patientId}` } : {}),
    now: now.toISOString(),
    findings,
    linked,
    notChecked: describeNotChecked([...data.notChecked, ...extraNotChecked], knowledge),
    stale,
    resultNotes: [...resultNotes, ...criteriaNotes],
    truncated: data.truncated ?? [],
    trends: trendsFor(knowledge.analytes.values(), results, now, units),
    ...(data.coverageNotes && data.coverageNotes.length > 0 ? { coverageNotes: data.coverageNotes } : {}),
  };
}
