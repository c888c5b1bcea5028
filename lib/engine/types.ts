// The engine's vocabulary: rules as data, the patient data it reads, and what it reports back.
// Nothing here depends on React, Next or fhirclient, so every face of the product can share it.

/** The FHIR resource types the product reads; each one can independently fail to load. */
export type ReadableType =
  | 'Patient'
  | 'MedicationStatement'
  | 'MedicationRequest'
  | 'Medication'
  | 'Condition'
  | 'Observation'
  | 'Procedure';

export type RuleGroup = 'medications' | 'conditions' | 'labs';

/** Where the article documents a cause, written in our own words. */
export interface CauseSummary {
  /** Heading of the source article's section. */
  readonly section: string;
  /** The authority the article names for it. */
  readonly authority: string;
  /** One or two sentences in our words, for clinicians. */
  readonly summary: string;
}

interface RuleBase {
  readonly id: string;
  readonly title: string;
  readonly cause: CauseSummary;
}

/** Fires on a current medication whose code is in the value set, or failing that whose name contains one of `names`. */
export interface MedicationRule extends RuleBase {
  readonly reads: 'medication';
  /** File name (without .json) of the ValueSet in cds-rules/valuesets. */
  readonly valueSet: string;
  /** Ingredient, brand and abbreviation names matched as whole words, case-insensitive. */
  readonly names: readonly string[];
  /** Words that veto a name match: supplies and devices named after the drug ("insulin pump supplies"). */
  readonly excludeNames?: readonly string[];
}

/** Fires on a current condition coded in `valueSet` and not in `excludeValueSet`, or failing that named as such. */
export interface ConditionRule extends RuleBase {
  readonly reads: 'condition';
  readonly valueSet: string;
  readonly excludeValueSet?: string;
  readonly names: readonly string[];
  /** Words that veto a name match (e.g. "prediabetes", "family history"). */
  readonly excludeNames?: readonly string[];
  /** Show the estimated trimester from a gestational-age result or the onset date (pregnancy). */
  readonly gestation?: GestationSettings;
  /** A condition counts only when its onset (else its recorded date) lies within this many days before `now`. */
  readonly onsetWithinDays?: number;
  /** The rule also fires on a procedure performed within a window (hemodialysis). */
  readonly procedure?: ProcedureCriterion;
  /** The rule also fires on a measured value beyond a fixed threshold (glucose, BMI). */
  readonly result?: ResultCriterion;
  /** The rule also fires on a coded status result (pregnancy status "pregnant"). */
  readonly statusResult?: StatusResultCriterion;
}

export interface GestationSettings {
  /** LOINC codes of gestational-age results (in weeks or days), preferred over the onset date. */
  readonly loinc: readonly string[];
  /** Longer than this since the onset, and never closed: shown with a "verify" note. */
  readonly maxWeeks: number;
  /** First week of the second and of the third trimester. */
  readonly secondTrimesterWeek: number;
  readonly thirdTrimesterWeek: number;
}

export interface TrendSettings {
  /** At most this many of the latest results are shown. */
  readonly points: number;
  /** Only results from this many days before `now`. */
  readonly days: number;
}

export interface ProcedureCriterion {
  readonly valueSet: string;
  /** Names matched as whole words when no code decided. */
  readonly names: readonly string[];
  /** Words that veto a name match ("hemodialysis catheter insertion" is not a session). */
  readonly excludeNames?: readonly string[];
  readonly withinDays: number;
}

export interface ResultCriterion {
  /** Id of an analyte in the knowledge base. */
  readonly analyte: string;
  /** `below`: value < threshold; `at-or-above`: value >= threshold. */
  readonly comparison: 'below' | 'at-or-above';
  /** In the analyte's unit. */
  readonly threshold: number;
  readonly withinDays: number;
  /** `latest`: only the latest result in the window decides; `any`: any result in the window fires. */
  readonly which: 'latest' | 'any';
  /** The patient must have been at least this old when the result was taken. */
  readonly minAgeYears?: number;
}

export interface StatusResultCriterion {
  readonly loinc: readonly string[];
  /** Answer codes (any system) that mean the status holds. */
  readonly answers: readonly { readonly system: string; readonly code: string }[];
  readonly withinDays: number;
}

/** Fires when the latest recent result of an analyte lies beyond a limit. */
export interface LabRule extends RuleBase {
  readonly reads: 'lab';
  readonly analyte: string;
  readonly direction: 'low' | 'high';
}

export type Rule = MedicationRule | ConditionRule | LabRule;

export function groupOf(rule: Rule): RuleGroup {
  switch (rule.reads) {
    case 'medication':
      return 'medications';
    case 'condition':
      return 'conditions';
    case 'lab':
      return 'labs';
  }
}

/** A laboratory analyte: which LOINC codes report it, in which unit the rules reason, and its default limits. */
export interface Analyte {
  readonly id: string;
  readonly label: string;
  readonly loinc: readonly string[];
  /** UCUM code of the unit the limits are written in. */
  readonly unit: string;
  /** Needed to convert between mass and substance amounts (g/mol). */
  readonly molecularWeight?: number;
  /** Absolute ionic charge, needed to convert equivalents. */
  readonly charge?: number;
  readonly defaultLow?: number;
  readonly defaultHigh?: number;
  /** Show the recent results as a trend in the sidebar. */
  readonly trend?: TrendSettings;
}

/** A documented mechanism that ties findings together, e.g. a diuretic causing potassium loss. */
export interface MechanismLink {
  readonly id: string;
  readonly label: string;
  /**
   * `causes`: the first list explains the second. `mutual`: the two lists go together and each
   * may explain the other (alcohol use and liver disease).
   */
  readonly relation: 'causes' | 'mutual';
  /** Rules that cause the effect. */
  readonly causes: readonly string[];
  /** Rules that are the effect. */
  readonly effects: readonly string[];
  /** Why the article ties them, in our words; the engine prefixes the fired rules' names. */
  readonly sentence: string;
}

/** A minimal FHIR ValueSet with the parts the engine uses. */
export interface ValueSetResource {
  readonly resourceType: 'ValueSet';
  readonly id?: string;
  readonly url?: string;
  readonly expansion?: {
    readonly timestamp?: string;
    readonly contains?: readonly { readonly system?: string; readonly code?: string; readonly display?: string }[];
  };
}

export interface KnowledgeBase {
  readonly rules: readonly Rule[];
  readonly analytes: readonly Analyte[];
  readonly links: readonly MechanismLink[];
  readonly valueSets: Readonly<Record<string, ValueSetResource>>;
  /** Causes the record cannot show, for the "ask the patient" list. */
  readonly askThePatient: readonly string[];
}

/** A resource type that could not be read, and why, in words a clinician understands. */
export interface NotChecked {
  readonly resourceType: ReadableType;
  readonly reason: string;
  /** HTTP status, when the server answered with one (401 means the session has expired). */
  readonly status?: number;
}

/** A search that hit the page limit: results beyond it were not read. */
export interface Truncation {
  readonly resourceType: ReadableType;
  readonly pagesRead: number;
}

/** Everything the engine needs about one patient, as plain FHIR R4 resources. */
export interface PatientData {
  readonly patient?: fhir4.Patient;
  readonly medicationStatements: readonly fhir4.MedicationStatement[];
  readonly medicationRequests: readonly fhir4.MedicationRequest[];
  /** Medications found by _include, in the same Bundle, or read by id. */
  readonly medications: readonly fhir4.Medication[];
  readonly conditions: readonly fhir4.Condition[];
  readonly observations: readonly fhir4.Observation[];
  /** Absent when no rule reads procedures (older callers); treated as empty. */
  readonly procedures?: readonly fhir4.Procedure[];
  readonly notChecked: readonly NotChecked[];
  readonly truncated?: readonly Truncation[];
  /** Quiet notes on how the server's data covers the rules (e.g. medications kept only as orders). */
  readonly coverageNotes?: readonly string[];
}

export interface Evidence {
  /** `Type/id` of the resource. */
  readonly reference: string;
  readonly resourceType: string;
  /** The name as recorded in the resource. */
  readonly name: string;
  /** ISO date or date-time as recorded (onset, authored, effective). */
  readonly date?: string;
  readonly status?: string;
  /** Value as recorded, e.g. "3.1 mmol/L". */
  readonly value?: string;
  /** The value in the rule's unit, when it was converted. */
  readonly convertedValue?: string;
  /** The limit used, e.g. "3.5 mmol/L". */
  readonly limit?: string;
  readonly limitSource?: 'reference range' | 'default' | 'interpretation' | 'rule threshold';
  /** Extra facts worth reading, e.g. "preliminary result" or "estimated second trimester". */
  readonly notes?: readonly string[];
}

export interface Finding {
  readonly ruleId: string;
  readonly title: string;
  readonly group: RuleGroup;
  readonly matchedBy: 'code' | 'name';
  readonly evidence: readonly Evidence[];
  readonly cause: CauseSummary;
}

/** A result too old to count, listed so the clinician knows it exists. */
export interface StaleResult {
  readonly analyte: string;
  readonly label: string;
  readonly reference: string;
  readonly date: string;
  readonly value?: string;
}

/** A result the engine refused to interpret (unknown unit, no value). */
export interface ResultNote {
  readonly analyte: string;
  readonly reference: string;
  readonly message: string;
}

export interface NotCheckedReport extends NotChecked {
  /** Rule ids whose answer may be incomplete because of it. */
  readonly affectedRules: readonly string[];
}

/** Findings tied by one or more mechanisms; links that share a finding are merged so each finding shows once. */
export interface LinkedGroup {
  /** Ids of the mechanism links in the group, joined with "+". */
  readonly linkId: string;
  readonly label: string;
  /** The chain, one sentence per mechanism. */
  readonly sentence: string;
  readonly ruleIds: readonly string[];
}

/** One result in a trend, in the analyte's unit. */
export interface TrendPoint {
  readonly reference: string;
  readonly date: string;
  readonly value: number;
  readonly comparator?: string;
  /** Whether it lies beyond the limit that applied to it. */
  readonly flag?: 'low' | 'high';
}

/** The latest results of an analyte (oldest first), so a falling value is seen at a glance. */
export interface Trend {
  readonly analyte: string;
  readonly label: string;
  readonly unit: string;
  readonly low?: number;
  readonly high?: number;
  readonly points: readonly TrendPoint[];
  /** Results in the window that could not be converted and were left out. */
  readonly omitted: number;
  /** The analyte's trend settings, so the sidebar can say what it shows. */
  readonly settings: TrendSettings;
}

export interface EvaluationResult {
  readonly patient?: string;
  readonly now: string;
  readonly findings: readonly Finding[];
  readonly linked: readonly LinkedGroup[];
  readonly notChecked: readonly NotCheckedReport[];
  readonly stale: readonly StaleResult[];
  readonly resultNotes: readonly ResultNote[];
  readonly truncated: readonly Truncation[];
  readonly trends: readonly Trend[];
  /** Passed through from PatientData: how the server's data covers the rules; not a gap. */
  readonly coverageNotes?: readonly string[];
}
