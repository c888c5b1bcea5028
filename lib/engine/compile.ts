// Turns the knowledge base (rules and ValueSet JSON) into lookup structures once, so evaluating
// a patient never re-parses a value set or rebuilds a regular expression.
import { CodeSet } from '../terminology/codes';
import { wordMatcher } from '../terminology/names';
import type { Analyte, ConditionRule, KnowledgeBase, LabRule, MedicationRule, ReadableType, Rule } from './types';

export interface CompiledMedicationRule {
  readonly rule: MedicationRule;
  readonly codes: CodeSet;
  readonly names?: RegExp;
  readonly excludedNames?: RegExp;
}

export interface CompiledConditionRule {
  readonly rule: ConditionRule;
  readonly codes: CodeSet;
  readonly excludedCodes: CodeSet;
  readonly names?: RegExp;
  readonly excludedNames?: RegExp;
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
      return ['Observation'];
  }
}

function valueSet(kb: KnowledgeBase, id: string | undefined, ruleId: string): CodeSet {
  if (id === undefined) return new CodeSet(undefined);
  const vs = kb.valueSets[id];
  if (!vs) throw new Error(`Rule ${ruleId} names value set "${id}", which does not exist`);
  return new CodeSet(vs);
}

export function compileKnowledge(kb: KnowledgeBase): CompiledKnowledge {
  const analytes = new Map(kb.analytes.map((a) => [a.id, a] as const));
  const analyteByLoinc = new Map<string, string>();
  for (const a of kb.analytes) for (const code of a.loinc) analyteByLoinc.set(code, a.id);

  const medication: CompiledMedicationRule[] = [];
  const condition: CompiledConditionRule[] = [];
  const lab: CompiledLabRule[] = [];
  for (const rule of kb.rules) {
    switch (rule.reads) {
      case 'medication':
        medication.push({
          rule,
          codes: valueSet(kb, rule.valueSet, rule.id),
          names: wordMatcher(rule.names),
          excludedNames: wordMatcher(rule.excludeNames ?? []),
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
          codes: valueSet(kb, rule.valueSet, rule.id),
          excludedCodes: valueSet(kb, rule.excludeValueSet, rule.id),
          names: wordMatcher(rule.names),
          excludedNames: wordMatcher(rule.excludeNames ?? []),
          ...(rule.procedure
            ? {
                procedure: {
                  codes: valueSet(kb, rule.procedure.valueSet, rule.id),
                  names: wordMatcher(rule.procedure.names),
                  excludedNames: wordMatcher(rule.procedure.excludeNames ?? []),
                  withinDays: rule.procedure.withinDays,
                },
              }
            : {}),
          ...(resultAnalyte ? { resultAnalyte } : {}),
        });
        break;
      }
      case 'lab': {
        const analyte = analytes.get(rule.analyte);
        if (!analyte) throw new Error(`Rule ${rule.id} names analyte "${rule.analyte}", which does not exist`);
        lab.push({ rule, analyte });
        break;
      }
    }
  }
  const observationCodes = new Set<string>();
  for (const { analyte } of lab) for (const code of analyte.loinc) observationCodes.add(code);
  for (const { rule, resultAnalyte } of condition) {
    for (const code of resultAnalyte?.loinc ?? []) observationCodes.add(code);
    for (const code of rule.statusResult?.loinc ?? []) observationCodes.add(code);
    for (const code of rule.gestation?.loinc ?? []) observationCodes.add(code);
  }
  return { kb, medication, condition, lab, analytes, analyteByLoinc, observationCodes: [...observationCodes] };
}
