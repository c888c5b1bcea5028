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

/**
 * How strong the documentation of a cause is (EVIDENCE levels): `strong` a peer-reviewed review or a
 * population study with a clear effect; `moderate` an observational, weaker or mixed association;
 * `weak` consumer sources only, or conflicting evidence; `safety` not a cause but a treatment that
 * should not be used for cramps.
 */
export type EvidenceLevel = 'strong' | 'moderate' | 'weak' | 'safety';

/** Display order: safety first, then from the strongest evidence down. */
export const LEVEL_ORDER: readonly EvidenceLevel[] = ['safety', 'strong', 'moderate', 'weak'];

/** A published source a rule rests on. */
export interface Reference {
  readonly id: string;
  /** Short citation shown beside a finding ("Allen RE, Kirby KA. Am Fam Physician 2012"). */
  readonly short: string;
  /** Full citation. */
  readonly citation: string;
  /** Where to read it; absent only for the source article, which we hold as text. */
  readonly url?: string;
  readonly pmid?: string;
  /** `literature` (peer-reviewed or a regulator), `guidance` (clinical notes, guidance), `consumer` (patient pages, the article). */
  readonly kind: 'literature' | 'guidance' | 'consumer';
}

/**
 * A caveat that applies only to what matched: `all` when every supporting record matches the
 * names or codes (every calcium channel blocker is diltiazem or verapamil), `none` when no record
 * does (no liver record is cirrhosis).
 */
export interface MatchCaveat {
  readonly when: 'all' | 'none';
  /** Names matched as whole words in the record's drug or condition names. */
  readonly names: readonly string[];
  /** Codes (value-set file name) that count as a match. */
  readonly valueSet?: string;
  readonly caveat: string;
}

/** What the literature says about a rule: its level, the caveat a clinician should read, the sources. */
export interface RuleEvidence {
  readonly level: EvidenceLevel;
  /** One line, in our words, where the literature qualifies the association. */
  readonly caveat?: string;
  /** Replaces `caveat` when it applies to what matched; the first that applies wins. */
  readonly matchCaveats?: readonly MatchCaveat[];
  /** Reference ids (see cds-rules/references.ts), strongest first. */
  readonly references: readonly string[];
}

/**
 * When a finding's records are too old to present as current (KNOWLEDGE section 6). The finding
 * stays, with a `verify` sentence: `recorded-within` when the newest supporting record is older
 * than `days` or undated (medications); `measured-within` when no measured result within `days`
 * supports it, only a diagnosis (overweight); `gestation` when a pregnancy is past the rule's
 * gestation limit. Rules without freshness (chronic conditions, lab results) never age.
 */
export type Freshness =
  | { readonly kind: 'recorded-within'; readonly days: number }
  | { readonly kind: 'measured-within'; readonly days: number; readonly measure: string }
  | { readonly kind: 'gestation' };

interface RuleBase {
  readonly id: string;
  readonly title: string;
  readonly cause: CauseSummary;
  readonly evidence: RuleEvidence;
  readonly freshness?: Freshness;
}

/** One of several drugs a rule names, so a finding can say which one it found. */
export interface NamedAgent {
  readonly label: string;
  /** Ingredient and brand names, matched as whole words. */
  readonly names: readonly string[];
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
  /** The drugs the rule groups, so each finding names the one it found (reported-cramp-medication). */
  readonly agents?: readonly NamedAgent[];
  /** What the order-time CDS services say when a drug of this class is drafted. */
  readonly atOrder?: OrderAdvice;
}

/**
 * Order-time advice (CDS Hooks order-select and order-sign): `warn` always, with a suggestion to
 * remove the draft (a treatment not to use); `inform` only when the record documents a leg-cramp
 * complaint.
 */
export type OrderAdvice =
  | { readonly kind: 'warn'; readonly summary: string; readonly removeLabel: string; readonly advice: string }
  | { readonly kind: 'inform' };

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
  /**
   * A better measure of the same thing (ionized calcium before total calcium): when it has a recent,
   * interpretable result, that result decides and `analyte` is not read.
   */
  readonly preferred?: { readonly analyte: string };
  /** A note added to a finding that rests on `analyte` ("not corrected for albumin"). */
  readonly analyteNote?: string;
  /**
   * A diagnosis that fires the rule when no recent, interpretable result exists (hypothyroidism
   * without a TSH in the last year). A recent result always decides, so a treated condition with a
   * normal result does not fire.
   */
  readonly condition?: {
    readonly valueSet: string;
    readonly excludeValueSet?: string;
    readonly names: readonly string[];
    readonly excludeNames?: readonly string[];
    /** Added to each condition record in the finding ("No TSH in the last 365 days."). */
    readonly note: string;
  };
}

export type Rule = MedicationRule | ConditionRule | LabRule;

export function groupOf(rule: Rule): RuleGroup {
  switch (rule.reads) {
    case 'medication':
      return 'medications';
    case 'condition':
      return 'conditions';
    case 'lab':
      // A lab rule that also reads a diagnosis (hypothyroidism) is about the condition.
      return rule.condition ? 'conditions' : 'labs';
  }
}

/** A laboratory analyte: which LOINC codes report it, in which unit the rules reason, and its default limits. */
export interface Analyte {
  readonly id: string;
  readonly label: string;
  readonly loinc: readonly string[];
  /** UCUM code of the unit the limits are written in. */
  readonly unit: string;
  /** How a clinician writes that unit, when the UCUM code reads oddly ("mIU/L" for m[IU]/L). */
  readonly displayUnit?: string;
  /** Needed to convert between mass and substance amounts (g/mol). */
  readonly molecularWeight?: number;
  /** Absolute ionic charge, needed to convert equivalents. */
  readonly charge?: number;
  readonly defaultLow?: number;
  readonly defaultHigh?: number;
  /** Show the recent results as a trend in the sidebar. */
  readonly trend?: TrendSettings;
  /** Another analyte this one measures the same thing as, for the "never measured" list (ionized -> calcium). */
  readonly family?: string;
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
  /** Every reference a rule cites, by id. */
  readonly references: Readonly<Record<string, Reference>>;
  readonly analytes: readonly Analyte[];
  readonly links: readonly MechanismLink[];
  readonly valueSets: Readonly<Record<string, ValueSetResource>>;
  /** Causes the record cannot show, for the "ask the patient" list. */
  readonly askThePatient: readonly string[];
  /** How a documented leg-cramp complaint is recognised (codes first, names when uncoded). */
  readonly complaint?: ComplaintDefinition;
}

/** The codes and phrases of a documented leg-cramp complaint, and how recent it must be. */
export interface ComplaintDefinition {
  readonly valueSet: string;
  readonly excludeValueSet?: string;
  readonly names: readonly string[];
  readonly excludeNames?: readonly string[];
  /** A complaint that is no longer current counts when its onset or recorded date lies within this many days. */
  readonly recentDays: number;
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
  /** The rule's evidence level; `safety` findings are warnings, never counted as causes. */
  readonly level: EvidenceLevel;
  /** The caveat that applies to what matched, if any. */
  readonly caveat?: string;
  /** The rule's references, strongest first. */
  readonly references: readonly Reference[];
  /** Present when the supporting records are old: one sentence saying what to confirm. */
  readonly verify?: string;
}

/** Whether the record documents a leg-cramp complaint (KNOWLEDGE section 6), and where. */
export interface Complaint {
  readonly recorded: boolean;
  readonly evidence: readonly Evidence[];
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
  readonly complaint: Complaint;
  /**
   * Analytes (family ids: potassium, sodium, magnesium, calcium, tsh) with no usable result at all.
   * Empty when Observations could not be read: what was not read is "not checked", not "never measured".
   */
  readonly unmeasured: readonly string[];
  /** Present when the patient has died: the findings describe the record up to then. */
  readonly deceased?: { readonly date?: string };
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
