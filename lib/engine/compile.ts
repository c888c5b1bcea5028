// Turns the knowledge base (rules and ValueSet JSON) into lookup structures once, so evaluating
// a patient never re-parses a value set or rebuilds a regular expression.
import { CodeSet } from '../terminology/codes';
import { wordMatcher } from '../terminology/names';
import type { Analyte, ConditionRule, KnowledgeBase, LabRule, MatchCaveat, MedicationRule, ReadableType, Reference, Rule } from './types';

/** A caveat that depends on what matched, ready to test against a record's codings and names. */
export interface CompiledMatchCaveat {
  readonly when: MatchCaveat['when'];
  readonly codes: CodeSet;
  readonly names?: RegExp;
  readonly caveat: string;
}

export interface CompiledMedicationRule {
  readonly rule: MedicationRule;
  readonly codes: CodeSet;
  readonly names?: RegExp;
  readonly excludedNames?: RegExp;
  readonly agents: readonly { readonly label: string; readonly names?: RegExp }[];
}

/** Codes and names that identify a condition, with their exclusions. */
export interface ConditionMatcher {
  readonly codes: CodeSet;
  readonly excludedCodes: CodeSet;
  readonly names?: RegExp;
  readonly excludedNames?: RegExp;
}

export interface CompiledConditionRule extends ConditionMatcher {
  readonly rule: ConditionRule;
  readonly procedure?: {
    readonly codes: CodeSet;
    readonly names?: RegExp;
    readonly excludedNames?: RegExp;
    readonly withinDays: number;
  };
  readonly resultAnalyte?: Analyte;
}

export interface CompiledLabRule {
  readonly rule: LabRule;
  readonly analyte: Analyte;
  /** Read first; when it has a recent, interpretable result, `analyte` is not read. */
  readonly preferred?: Analyte;
  /** A diagnosis that fires the rule when no recent, interpretable result exists. */
  readonly condition?: ConditionMatcher;
}

export interface CompiledKnowledge {
  readonly kb: KnowledgeBase;
  readonly medication: readonly CompiledMedicationRule[];
  readonly condition: readonly CompiledConditionRule[];
  readonly lab: readonly CompiledLabRule[];
  readonly analytes: ReadonlyMap<string, Analyte>;
  /** LOINC code -> analyte id. */
  readonly analyteByLoinc: ReadonlyMap<string, string>;
  /** Every LOINC code some rule reads: analytes, status results and gestational age. */
  readonly observationCodes: readonly string[];
  /**
   * The analytes whose latest result a lab rule reads, preferred ones included, in rule order. The
   * loader asks for their whole history newest first; the stale, trend and unmeasured lists use them.
   */
  readonly latestAnalytes: readonly Analyte[];
  /** Caveats per rule id that depend on what matched. */
  readonly matchCaveats: ReadonlyMap<string, readonly CompiledMatchCaveat[]>;
  /** Each rule's references, resolved, strongest first. */
  readonly references: ReadonlyMap<string, readonly Reference[]>;
  /** The codes and names of a documented leg-cramp complaint, when the knowledge base has them. */
  readonly complaint?: ConditionMatcher;
}

/** The resource types a rule needs; the loader asks for exactly these. */
export function typesReadBy(rule: Rule): readonly ReadableType[] {
  switch (rule.reads) {
    case 'medication':
      return ['MedicationStatement', 'MedicationRequest', 'Medication'];
    case 'condition': {
      const types: ReadableType[] = ['Condition'];
      if (rule.procedure) types.push('Procedure');
      if (rule.result || rule.statusResult || rule.gestation) types.push('Observation');
      if (rule.result?.minAgeYears !== undefined) types.push('Patient');
      return types;
    }
    case 'lab':
      return rule.condition ? ['Observation', 'Condition'] : ['Observation'];
  }
}

function valueSet(kb: KnowledgeBase, id: string | undefined, ruleId: string): CodeSet {
  if (id === undefined) return new CodeSet(undefined);
  const vs = kb.valueSets[id];
  if (!vs) throw new Error(`Rule ${ruleId} names value set "${id}", which does not exist`);
  return new CodeSet(vs);
}

/** Builds word matchers, one per distinct list of names: rules that share a list share the matcher. */
type Words = (names: readonly string[]) => RegExp | undefined;

function sharedWords(): Words {
  const built = new Map<string, RegExp | undefined>();
  return (names) => {
    const key = JSON.stringify(names);
    if (!built.has(key)) built.set(key, wordMatcher(names));
    return built.get(key);
  };
}

function conditionMatcher(
  kb: KnowledgeBase,
  ruleId: string,
  spec: { valueSet: string; excludeValueSet?: string; names: readonly string[]; excludeNames?: readonly string[] },
  words: Words,
): ConditionMatcher {
  return {
    codes: valueSet(kb, spec.valueSet, ruleId),
    excludedCodes: valueSet(kb, spec.excludeValueSet, ruleId),
    names: words(spec.names),
    excludedNames: words(spec.excludeNames ?? []),
  };
}

function analyteOf(analytes: ReadonlyMap<string, Analyte>, id: string, ruleId: string): Analyte {
  const analyte = analytes.get(id);
  if (!analyte) throw new Error(`Rule ${ruleId} names analyte "${id}", which does not exist`);
  return analyte;
}

export function compileKnowledge(kb: KnowledgeBase): CompiledKnowledge {
  const analytes = new Map(kb.analytes.map((a) => [a.id, a] as const));
  const analyteByLoinc = new Map<string, string>();
  for (const a of kb.analytes) for (const code of a.loinc) analyteByLoinc.set(code, a.id);

  const words = sharedWords();
  const medication: CompiledMedicationRule[] = [];
  const condition: CompiledConditionRule[] = [];
  const lab: CompiledLabRule[] = [];
  for (const rule of kb.rules) {
    switch (rule.reads) {
      case 'medication':
        medication.push({
          rule,
          codes: valueSet(kb, rule.valueSet, rule.id),
          names: words(rule.names),
          excludedNames: words(rule.excludeNames ?? []),
          agents: (rule.agents ?? []).map((a) => ({ label: a.label, names: words(a.names) })),
        });
        break;
      case 'condition': {
        let resultAnalyte: Analyte | undefined;
        if (rule.result) {
          resultAnalyte = analytes.get(rule.result.analyte);
          if (!resultAnalyte) throw new Error(`Rule ${rule.id} names analyte "${rule.result.analyte}", which does not exist`);
        }
        condition.push({
          rule,
          ...conditionMatcher(kb, rule.id, rule, words),
          ...(rule.procedure
            ? {
                procedure: {
                  codes: valueSet(kb, rule.procedure.valueSet, rule.id),
                  names: words(rule.procedure.names),
                  excludedNames: words(rule.procedure.excludeNames ?? []),
                  withinDays: rule.procedure.withinDays,
                },
              }
            : {}),
          ...(resultAnalyte ? { resultAnalyte } : {}),
        });
        break;
      }
      case 'lab': {
        lab.push({
          rule,
          analyte: analyteOf(analytes, rule.analyte, rule.id),
          ...(rule.preferred ? { preferred: analyteOf(analytes, rule.preferred.analyte, rule.id) } : {}),
          ...(rule.condition ? { condition: conditionMatcher(kb, rule.id, rule.condition, words) } : {}),
        });
        break;
      }
    }
  }
  const latestAnalytes = [...new Map(lab.flatMap((l) => [...(l.preferred ? [l.preferred] : []), l.analyte]).map((a) => [a.id, a] as const)).values()];
  const observationCodes = new Set<string>();
  for (const analyte of latestAnalytes) for (const code of analyte.loinc) observationCodes.add(code);
  for (const { rule, resultAnalyte } of condition) {
    for (const code of resultAnalyte?.loinc ?? []) observationCodes.add(code);
    for (const code of rule.statusResult?.loinc ?? []) observationCodes.add(code);
    for (const code of rule.gestation?.loinc ?? []) observationCodes.add(code);
  }
  const matchCaveats = new Map<string, CompiledMatchCaveat[]>();
  const references = new Map<string, Reference[]>();
  for (const rule of kb.rules) {
    matchCaveats.set(
      rule.id,
      (rule.evidence.matchCaveats ?? []).map((c) => ({
        when: c.when,
        codes: valueSet(kb, c.valueSet, rule.id),
        names: words(c.names),
        caveat: c.caveat,
      })),
    );
    references.set(
      rule.id,
      rule.evidence.references.map((id) => {
        const found = kb.references[id];
        if (!found) throw new Error(`Rule ${rule.id} cites reference "${id}", which does not exist`);
        return found;
      }),
    );
  }
  const complaint = kb.complaint ? conditionMatcher(kb, 'complaint', kb.complaint, words) : undefined;
  return {
    kb,
    medication,
    condition,
    lab,
    analytes,
    analyteByLoinc,
    observationCodes: [...observationCodes],
    latestAnalytes,
    matchCaveats,
    references,
    ...(complaint ? { complaint } : {}),
  };
}
