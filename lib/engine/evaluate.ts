// The engine: evaluate(knowledge, patientData, now) -> findings, linked groups, trends and gaps.
// Pure and synchronous; the clock and unit conversion are injected so tests control them.
import { createUnitConverter, type UnitConverter } from '../terminology/units';
import { findName, mentions } from '../terminology/names';
import {
  typesReadBy,
  type CompiledConditionRule,
  type CompiledKnowledge,
  type CompiledLabRule,
  type CompiledMatchCaveat,
  type CompiledMedicationRule,
  type ConditionMatcher,
} from './compile';
import { conditionDate, isCurrentCondition, isDiscountedCondition } from './conditions';
import {
  gestationFromResult,
  gestationNotes,
  procedureMatches,
  weeksSince,
  ref,
  resultMatches,
  ResultIndex,
  statusMatch,
  type Match,
} from './criteria';
import { DAY_MS, parseFhirDate, withDateMemo } from './dates';
import { beyond, formatNumber, unitLabel, latestByAnalyte, limitFor, readValue, recordedValue, USABLE_RESULT_STATUS, type DatedResult } from './labs';
import { codingKeys, CONDITION_SYSTEMS, SYSTEMS, type CodingKey } from '../terminology/codes';
import { linkFindings } from './links';
import { identifyDrug, isCurrentMedication, medicationDate, MedicationIndex, newestSupportingDate, type DrugIdentity } from './medications';
import { codesIn, isObject, labelOf, namesOf, codingsOf, str } from './text';
import { trendsFor } from './trends';
import {
  groupOf,
  LEVEL_ORDER,
  type Analyte,
  type Evidence,
  type EvaluationResult,
  type Finding,
  type NotChecked,
  type NotCheckedReport,
  type PatientData,
  type Complaint,
  type ResultNote,
  type Rule,
  type StaleResult,
} from './types';

export const RECENT_DAYS = 365;

export interface EvaluateOptions {
  readonly units?: UnitConverter;
  /** Maps a Medication resource to the fullUrl it had in a Bundle, for urn:uuid references. */
  readonly medicationFullUrls?: ReadonlyMap<fhir4.Medication, string>;
}

/**
 * A match, with what the finding's caveat and freshness need: for each of the rule's match caveats
 * whether this record is one it speaks of; a medication record's newest supporting date; whether a
 * pregnancy record is past the gestation limit (and how many weeks ago it was recorded).
 */
type TaggedMatch = Match & {
  readonly caveatHits?: readonly boolean[];
  readonly supportedAt?: { readonly when: Date; readonly date: string; readonly verb: 'ordered' | 'recorded' };
  readonly overdueWeeks?: number;
};

/** "9 days", "14 months", "20 years": how long ago, in the unit a clinician would say. */
export function ageText(from: Date, now: Date): string {
  const days = Math.max(0, Math.floor((now.getTime() - from.getTime()) / DAY_MS));
  if (days < 60) return `${days} day${days === 1 ? '' : 's'}`;
  const months = Math.floor(days / 30.4375);
  if (months < 24) return `${months} months`;
  const years = Math.floor(days / 365.25);
  return `${years} years`;
}

/** The `verify` sentence for a finding whose supporting records are old, per the rule's freshness. */
function verifyFor(rule: Rule, matches: readonly TaggedMatch[], now: Date): string | undefined {
  const freshness = rule.freshness;
  if (!freshness) return undefined;
  switch (freshness.kind) {
    case 'recorded-within': {
      let newest: TaggedMatch['supportedAt'];
      for (const m of matches) if (m.supportedAt && (!newest || m.supportedAt.when > newest.when)) newest = m.supportedAt;
      if (!newest) return 'No date recorded: confirm it is still taken.';
      if (now.getTime() - newest.when.getTime() <= freshness.days * DAY_MS) return undefined;
      return `Last ${newest.verb} ${newest.date.slice(0, 10)}, ${ageText(newest.when, now)} ago: confirm it is still taken.`;
    }
    case 'measured-within': {
      if (matches.some((m) => m.evidence.resourceType === 'Observation')) return undefined;
      const dates = matches.map((m) => parseFhirDate(m.evidence.date, 'start')).filter((d): d is Date => d !== undefined);
      const newest = dates.length > 0 ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined;
      const years = Math.round(freshness.days / 365);
      const recorded = newest ? `recorded ${newest.toISOString().slice(0, 10)}, ${ageText(newest, now)} ago` : 'date not recorded';
      return `Only a diagnosis supports this (${recorded}), with no ${freshness.measure} in the last ${years} years: measure it to confirm.`;
    }
    case 'gestation': {
      if (matches.length === 0 || !matches.every((m) => m.overdueWeeks !== undefined)) return undefined;
      const newest = Math.min(...matches.map((m) => m.overdueWeeks ?? 0));
      const limit = rule.reads === 'condition' ? rule.gestation?.maxWeeks : undefined;
      return `Recorded ${newest} weeks ago${limit ? ` (longer than ${limit} weeks)` : ''} and never closed: confirm whether the pregnancy is ongoing.`;
    }
  }
}

/** A record's codes (as lookup keys) and names, worked out once and checked against every rule. */
interface Concept {
  readonly codings: readonly fhir4.Coding[];
  readonly keys: readonly CodingKey[];
  readonly names: readonly string[];
}

function conceptOf(code: fhir4.CodeableConcept | undefined): Concept {
  const codings = codingsOf(code);
  return { codings, keys: codingKeys(codings), names: distinct(namesOf(code)) };
}

/**
 * The texts to search, each once: a concept's text is often its coding's display word for word, and
 * searching the same text twice finds nothing new (findName takes the first text that has a name).
 */
function distinct(names: readonly string[]): readonly string[] {
  if (names.length < 2) return names;
  if (names.length === 2) return names[0] === names[1] ? [names[0] as string] : names;
  return [...new Set(names)];
}

function caveatHits(caveats: readonly CompiledMatchCaveat[] | undefined, concept: Pick<Concept, 'keys' | 'names'>): boolean[] | undefined {
  if (!caveats || caveats.length === 0) return undefined;
  return caveats.map((c) => c.codes.hasAnyKey(concept.keys) || findName(c.names, concept.names) !== undefined);
}

/** The caveat that applies to what matched: the first match caveat that holds, else the rule's own. */
function caveatFor(caveats: readonly CompiledMatchCaveat[] | undefined, matches: readonly TaggedMatch[], general: string | undefined): string | undefined {
  for (const [i, c] of (caveats ?? []).entries()) {
    const hits = matches.map((m) => m.caveatHits?.[i] === true);
    if (c.when === 'all' ? hits.every(Boolean) : !hits.some(Boolean)) return c.caveat;
  }
  return general;
}

function addMatch(found: Map<string, TaggedMatch[]>, ruleId: string, match: TaggedMatch): void {
  const list = found.get(ruleId);
  if (list) list.push(match);
  else found.set(ruleId, [match]);
}

/**
 * mentions(), remembered in `seen` for one record: most medication rules share one exclusion matcher
 * (the supply words), so it is tested once per drug, not once per rule.
 */
function mentionsOnce(matcher: RegExp | undefined, names: readonly string[], seen: Map<RegExp, boolean> | undefined): boolean {
  if (!matcher || !seen) return mentions(matcher, names);
  let found = seen.get(matcher);
  if (found === undefined) seen.set(matcher, (found = mentions(matcher, names)));
  return found;
}

/** Whether a drug belongs to a medication rule's class: by code, else by name (vetoed by supply words). */
export function medicationMatch(
  compiled: CompiledMedicationRule,
  drug: DrugIdentity,
  keys: readonly CodingKey[] = codingKeys(drug.codings),
  mentioned?: Map<RegExp, boolean>,
): 'code' | 'name' | undefined {
  if (compiled.codes.hasAnyKey(keys)) return 'code';
  // A name, unless an excluded word is there too. The names are looked for first: most drugs have
  // none of a rule's names, and then the exclusions need no search.
  if (!findName(compiled.names, drug.names)) return undefined;
  return mentionsOnce(compiled.excludedNames, drug.names, mentioned) ? undefined : 'name';
}

function conditionMatch(compiled: ConditionMatcher, concept: Concept): 'code' | 'name' | undefined {
  if (compiled.excludedCodes.hasAnyKey(concept.keys)) return undefined;
  if (compiled.codes.hasAnyKey(concept.keys)) return 'code';
  // Names first, as for drugs: the exclusions matter only once a name is found.
  if (!findName(compiled.names, concept.names)) return undefined;
  return mentions(compiled.excludedNames, concept.names) ? undefined : 'name';
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

/** What several rules ask of each Condition, worked out once per evaluation. */
interface ConditionFacts {
  concept(condition: fhir4.Condition): Concept;
  current(condition: fhir4.Condition): boolean;
}

function conditionFacts(now: Date): ConditionFacts {
  const concepts = new Map<fhir4.Condition, Concept>();
  const currents = new Map<fhir4.Condition, boolean>();
  return {
    concept(condition) {
      let concept = concepts.get(condition);
      if (!concept) concepts.set(condition, (concept = conceptOf(condition.code)));
      return concept;
    },
    current(condition) {
      let current = currents.get(condition);
      if (current === undefined) currents.set(condition, (current = isCurrentCondition(condition, now)));
      return current;
    },
  };
}

/** Whether, and where, the record documents a leg-cramp complaint (KNOWLEDGE section 6). */
function complaintIn(knowledge: CompiledKnowledge, conditions: readonly fhir4.Condition[], now: Date, facts: ConditionFacts): Complaint {
  const matcher = knowledge.complaint;
  const recentDays = knowledge.kb.complaint?.recentDays ?? 0;
  if (!matcher) return { recorded: false, evidence: [] };
  const evidence: Evidence[] = [];
  for (const condition of conditions) {
    if (!isObject(condition) || isDiscountedCondition(condition)) continue;
    const { codings, keys, names } = facts.concept(condition);
    // Codes decide when the entry is coded in SNOMED CT or ICD; the phrases only for uncoded entries.
    const coded = codings.some((c) => typeof c.system === 'string' && (CONDITION_SYSTEMS.has(c.system) || c.system === SYSTEMS.icd9cm));
    const matched = coded
      ? matcher.codes.hasAnyKey(keys) && !matcher.excludedCodes.hasAnyKey(keys)
      : findName(matcher.names, names) !== undefined && !mentions(matcher.excludedNames, names);
    if (!matched) continue;
    const current = facts.current(condition);
    const dates = [conditionDate(condition), str(condition.recordedDate)]
      .map((d) => parseFhirDate(d, 'start'))
      .filter((d): d is Date => d !== undefined && d.getTime() <= now.getTime());
    const recent = dates.some((d) => now.getTime() - d.getTime() <= recentDays * DAY_MS);
    if (!current && !recent) continue;
    const date = conditionDate(condition);
    evidence.push({
      reference: ref(condition),
      resourceType: 'Condition',
      name: labelOf(condition.code, 'Leg cramps'),
      ...(date ? { date } : {}),
      ...(current ? { status: 'current' } : { status: 'recent, not current' }),
    });
  }
  return { recorded: evidence.length > 0, evidence };
}

/**
 * Which analytes the lab rules read have no usable result at all (any date, any unit): never
 * measured is not normal. Ionized and total calcium count together as "calcium".
 */
function unmeasuredAnalytes(knowledge: CompiledKnowledge, observations: readonly fhir4.Observation[]): string[] {
  const measured = new Set<string>();
  for (const obs of observations) {
    if (!isObject(obs) || !USABLE_RESULT_STATUS.has(String(obs.status))) continue;
    for (const code of codesIn(obs.code, SYSTEMS.loinc)) {
      const id = knowledge.analyteByLoinc.get(code);
      const analyte = id ? knowledge.analytes.get(id) : undefined;
      if (analyte) measured.add(analyte.family ?? analyte.id);
    }
  }
  const families = [...new Set(knowledge.latestAnalytes.map((a) => a.family ?? a.id))];
  return families.filter((id) => !measured.has(id));
}

function deceasedOf(patient: fhir4.Patient | undefined): { date?: string } | undefined {
  if (!isObject(patient)) return undefined;
  const date = str(patient.deceasedDateTime);
  if (date) return { date };
  return patient.deceasedBoolean === true ? {} : undefined;
}

export function evaluate(
  knowledge: CompiledKnowledge,
  data: PatientData,
  now: Date,
  options: EvaluateOptions = {},
): EvaluationResult {
  // Several rules read the same dates: each is parsed once per evaluation, and forgotten after it.
  return withDateMemo(() => evaluateRecord(knowledge, data, now, options));
}

function evaluateRecord(knowledge: CompiledKnowledge, data: PatientData, now: Date, options: EvaluateOptions): EvaluationResult {
  const units = options.units ?? createUnitConverter();
  const found = new Map<string, TaggedMatch[]>();
  const extraNotChecked: NotChecked[] = [];

  // Medications: both statements and requests count.
  const index = new MedicationIndex(data.medications, options.medicationFullUrls);
  const unresolved = new Set<string>();
  for (const record of [...data.medicationStatements, ...data.medicationRequests]) {
    if (!isObject(record) || !isCurrentMedication(record, now)) continue;
    const drug = identifyDrug(record, index);
    if (drug.unresolvedReference && drug.names.length === 0) unresolved.add(drug.unresolvedReference);
    const keys = codingKeys(drug.codings);
    const names = distinct(drug.names);
    const searched = names === drug.names ? drug : { ...drug, names };
    const mentioned = new Map<RegExp, boolean>();
    for (const compiled of knowledge.medication) {
      const matchedBy = medicationMatch(compiled, searched, keys, mentioned);
      if (!matchedBy) continue;
      const date = medicationDate(record);
      // Which of the rule's named drugs this is ("Reported with cramps: naproxen").
      const agents = compiled.agents.filter((a) => findName(a.names, names) !== undefined).map((a) => a.label);
      const hits = caveatHits(knowledge.matchCaveats.get(compiled.rule.id), { keys, names });
      const supportedAt = newestSupportingDate(record, now);
      addMatch(found, compiled.rule.id, {
        ...(supportedAt ? { supportedAt } : {}),
        matchedBy,
        evidence: {
          reference: ref(record),
          resourceType: record.resourceType,
          name: drug.label,
          status: String(record.status),
          ...(date ? { date } : {}),
          ...(agents.length > 0 ? { notes: [`Named in the reports: ${agents.join(', ')}.`] } : {}),
        },
        ...(hits ? { caveatHits: hits } : {}),
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
  const facts = conditionFacts(now);
  for (const condition of data.conditions) {
    if (!isObject(condition)) continue;
    const current = facts.current(condition);
    const concept = facts.concept(condition);
    for (const compiled of knowledge.condition) {
      const { counts, note } = conditionCounts(compiled, condition, current, now);
      if (!counts) continue;
      const matchedBy = conditionMatch(compiled, concept);
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
      const hits = caveatHits(knowledge.matchCaveats.get(compiled.rule.id), concept);
      // A pregnancy recorded longer ago than the longest gestation, and never closed, is to verify
      // (unless a gestational-age result shows it is ongoing).
      const gestation = compiled.rule.gestation;
      const onset = gestation && !gestationByRule.get(compiled.rule.id) ? parseFhirDate(condition.onsetDateTime ?? condition.onsetPeriod?.start, 'start') : undefined;
      const overdueWeeks = gestation && onset && weeksSince(onset, now) > gestation.maxWeeks ? weeksSince(onset, now) : undefined;
      addMatch(found, compiled.rule.id, {
        ...(overdueWeeks !== undefined ? { overdueWeeks } : {}),
        matchedBy,
        evidence: {
          reference: ref(condition),
          resourceType: 'Condition',
          name: labelOf(condition.code, 'Unnamed condition'),
          ...(date ? { date } : {}),
          ...(clinical ? { status: clinical } : {}),
          ...(notes.length > 0 ? { notes } : {}),
        },
        ...(hits ? { caveatHits: hits } : {}),
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
  const latestIds = new Set(knowledge.latestAnalytes.map((a) => a.id));
  const resultNotes: ResultNote[] = undated.filter(({ analyte }) => latestIds.has(analyte)).map(({ analyte, obs }) => ({
    analyte,
    reference: ref(obs),
    message: 'This result has no date, so it cannot be placed in time and was not used.',
  }));
  const recent = new Map<string, DatedResult>();
  for (const analyte of knowledge.latestAnalytes) {
    const result = latest.get(analyte.id);
    if (!result) continue;
    if (now.getTime() - result.when.getTime() > RECENT_DAYS * DAY_MS) {
      const value = recordedValue(result.obs);
      stale.push({
        analyte: analyte.id,
        label: analyte.label,
        reference: ref(result.obs),
        date: result.date,
        ...(value ? { value } : {}),
      });
    } else {
      recent.set(analyte.id, result);
    }
  }
  const notedUnits = new Set<string>();
  /**
   * The analyte's latest recent result, read against the rule's direction: `absent` when there is
   * none (or it cannot be interpreted, which gets a note once per analyte), else whether it lies
   * beyond the limit and the evidence that says so.
   */
  const readLatest = (analyte: Analyte, direction: 'low' | 'high'): { kind: 'absent' } | { kind: 'read'; evidence?: Evidence } => {
    const result = recent.get(analyte.id);
    if (!result) return { kind: 'absent' };
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
              ? `The latest ${analyte.label.toLowerCase()} result is in "${reading.unit}", which cannot be converted to ${unitLabel(analyte)}; it was not interpreted.`
              : `The latest ${analyte.label.toLowerCase()} result has no numeric value or abnormal flag; it was not interpreted.`,
        });
      }
      return { kind: 'absent' };
    }
    if (reading.kind === 'flag') {
      if (!(direction === 'low' ? reading.low : reading.high)) return { kind: 'read' };
      return {
        kind: 'read',
        evidence: {
          ...base,
          value: `flagged ${reading.flags.join(', ')}`,
          limitSource: 'interpretation',
          notes: [...notes, 'No numeric value; the laboratory flag decided.'],
        },
      };
    }
    const limit = limitFor(obs, analyte, direction, units);
    if (!limit || !beyond(direction, reading.value, reading.comparator, limit.value)) return { kind: 'read' };
    const recorded = recordedValue(obs) ?? `${formatNumber(reading.value)} ${unitLabel(analyte)}`;
    const converted = `${reading.comparator ?? ''}${formatNumber(reading.value)} ${unitLabel(analyte)}`;
    return {
      kind: 'read',
      evidence: {
        ...base,
        value: recorded,
        ...(converted !== recorded ? { convertedValue: converted } : {}),
        limit: `${direction === 'low' ? 'lower limit' : 'upper limit'} ${formatNumber(limit.value)} ${unitLabel(analyte)}`,
        limitSource: limit.source,
        ...(notes.length > 0 ? { notes } : {}),
      },
    };
  };
  const labConditionMatches = (compiled: CompiledLabRule): TaggedMatch[] => {
    const spec = compiled.rule.condition;
    const matcher = compiled.condition;
    if (!spec || !matcher) return [];
    const out: TaggedMatch[] = [];
    for (const condition of data.conditions) {
      if (!isObject(condition) || !facts.current(condition)) continue;
      const matchedBy = conditionMatch(matcher, facts.concept(condition));
      if (!matchedBy) continue;
      const date = conditionDate(condition);
      out.push({
        matchedBy,
        evidence: {
          reference: ref(condition),
          resourceType: 'Condition',
          name: labelOf(condition.code, 'Unnamed condition'),
          ...(date ? { date } : {}),
          notes: [spec.note],
        },
      });
    }
    return out;
  };
  for (const compiled of knowledge.lab) {
    const { rule, analyte, preferred } = compiled;
    // A better measure (ionized calcium) decides whenever it has a recent, interpretable result.
    let reading = preferred ? readLatest(preferred, rule.direction) : ({ kind: 'absent' } as const);
    let fromPreferred = reading.kind === 'read';
    if (reading.kind === 'absent') {
      reading = readLatest(analyte, rule.direction);
      fromPreferred = false;
    }
    if (reading.kind === 'read') {
      const evidence = reading.evidence;
      if (!evidence) continue;
      const extra = !fromPreferred && rule.analyteNote ? [rule.analyteNote] : [];
      addMatch(found, rule.id, {
        matchedBy: 'code',
        evidence: extra.length > 0 ? { ...evidence, notes: [...(evidence.notes ?? []), ...extra] } : evidence,
      });
      continue;
    }
    // No recent result: a documented diagnosis fires instead (hypothyroidism with no recent TSH).
    for (const m of labConditionMatches(compiled)) addMatch(found, rule.id, m);
  }

  const findings: Finding[] = [];
  for (const rule of knowledge.kb.rules) {
    const matches = found.get(rule.id);
    if (!matches) continue;
    const caveat = caveatFor(knowledge.matchCaveats.get(rule.id), matches, rule.evidence.caveat);
    const verify = verifyFor(rule, matches, now);
    findings.push({
      ruleId: rule.id,
      title: rule.title,
      group: groupOf(rule),
      // A code match anywhere is the stronger statement; "name" only when nothing matched by code.
      matchedBy: matches.some((m) => m.matchedBy === 'code') ? 'code' : 'name',
      evidence: matches.map((m) => m.evidence),
      cause: rule.cause,
      level: rule.evidence.level,
      ...(caveat ? { caveat } : {}),
      references: knowledge.references.get(rule.id) ?? [],
      ...(verify ? { verify } : {}),
    });
  }
  // Safety first, then the strongest evidence; rule order within a level (the sort is stable).
  findings.sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));

  // Mechanisms tie current findings only: an old order to verify is not presented as explaining a current result.
  const linked = linkFindings(knowledge.kb.links, knowledge.kb.rules, new Set(findings.filter((f) => !f.verify).map((f) => f.ruleId)));

  const patientId = data.patient?.id;
  const observationsRead = !data.notChecked.some((n) => n.resourceType === 'Observation');
  const deceased = deceasedOf(data.patient);
  return {
    ...(patientId ? { patient: `Patient/${patientId}` } : {}),
    now: now.toISOString(),
    complaint: complaintIn(knowledge, data.conditions, now, facts),
    unmeasured: observationsRead ? unmeasuredAnalytes(knowledge, data.observations) : [],
    ...(deceased ? { deceased } : {}),
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
