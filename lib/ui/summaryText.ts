// What the sidebar says in words: the summary line (KNOWLEDGE section 6), the complaint line, and the
// plain-text summary a clinician pastes into the visit note. Pure functions, so the sidebar, its
// tests and the copy button agree. The note never holds a URL, a token or a record id.
import { TYPE_WORDS } from '../engine/typeLabels';
import { LEVEL_ORDER, type EvaluationResult, type Evidence, type EvidenceLevel, type Finding } from '../engine/types';
import { ageOn, patientName, shortDate } from './format';

/** The state of the summary, which decides its wording and its style. */
export type SummaryTone = 'all-clear' | 'findings' | 'neutral' | 'incomplete';

export interface SummaryParts {
  /** Current findings that are causes (safety warnings are not causes, and are not counted). */
  readonly causes: readonly Finding[];
  readonly safety: readonly Finding[];
  readonly toVerify: readonly Finding[];
}

export function splitFindings(result: EvaluationResult): SummaryParts {
  return {
    causes: result.findings.filter((f) => !f.verify && f.level !== 'safety'),
    safety: result.findings.filter((f) => !f.verify && f.level === 'safety'),
    toVerify: result.findings.filter((f) => f.verify !== undefined),
  };
}

/** Names of analytes as a clinician reads them. */
const ANALYTE_WORDS: Record<string, string> = {
  potassium: 'potassium',
  sodium: 'sodium',
  magnesium: 'magnesium',
  calcium: 'calcium',
  tsh: 'TSH',
};

export function analyteWords(ids: readonly string[]): string {
  const words = ids.map((id) => ANALYTE_WORDS[id] ?? id);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function countByLevel(findings: readonly Finding[]): string {
  return LEVEL_ORDER.filter((level) => level !== 'safety')
    .map((level) => [level, findings.filter((f) => f.level === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`)
    .join(', ');
}

/**
 * The one-line answer, e.g. "3 documented causes: 1 strong, 2 weak; 1 to verify". The green
 * all-clear only when nothing was unchecked, nothing is to verify and every analyte was measured.
 */
export function summaryLine(result: EvaluationResult): { tone: SummaryTone; text: string } {
  const { causes, safety, toVerify } = splitFindings(result);
  const verifyPart = toVerify.length > 0 ? `; ${toVerify.length} to verify` : '';
  const safetyPart = safety.length > 0 ? ` ${safety.length === 1 ? 'One safety warning' : `${safety.length} safety warnings`} (shown first).` : '';
  if (causes.length > 0) {
    const noun = causes.length === 1 ? 'documented cause' : 'documented causes';
    return { tone: 'findings', text: `${causes.length} ${noun}: ${countByLevel(causes)}${verifyPart}.${safetyPart}` };
  }
  if (result.notChecked.length > 0) {
    return {
      tone: 'incomplete',
      text: `No current causes found in the data that could be read${verifyPart}, but some data was not checked (see below).${safetyPart}`,
    };
  }
  if (toVerify.length > 0 || safety.length > 0) {
    const verify = toVerify.length > 0 ? ` ${toVerify.length} older ${toVerify.length === 1 ? 'record' : 'records'} to verify.` : '';
    return { tone: 'findings', text: `No current documented causes.${verify}${safetyPart}` };
  }
  if (result.unmeasured.length > 0) {
    return {
      tone: 'neutral',
      text: `No documented causes found in the checked data, but ${analyteWords(result.unmeasured)} ${result.unmeasured.length === 1 ? 'has' : 'have'} never been measured.`,
    };
  }
  return { tone: 'all-clear', text: 'No documented causes found in the checked data.' };
}

export function complaintLine(result: EvaluationResult): string {
  const first = result.complaint.evidence[0];
  if (!result.complaint.recorded || !first) return 'No leg-cramp complaint in the record';
  return `Leg cramps recorded: ${first.name}, ${shortDate(first.date)}`;
}

export function deceasedLine(result: EvaluationResult): string | undefined {
  if (!result.deceased) return undefined;
  const when = result.deceased.date ? ` on ${shortDate(result.deceased.date)}` : '';
  return `The patient died${when}: these findings describe the record up to then.`;
}

const LEVEL_WORDS: Record<EvidenceLevel, string> = {
  safety: 'safety warning',
  strong: 'evidence: strong',
  moderate: 'evidence: moderate',
  weak: 'evidence: weak',
};

function evidenceText(e: Evidence): string {
  const parts = [`${e.name} (${e.resourceType}, ${shortDate(e.date)})`];
  if (e.value) parts.push(`value ${e.value}${e.convertedValue ? ` = ${e.convertedValue}` : ''}`);
  if (e.limit) parts.push(e.limit);
  return parts.join(', ');
}

function findingLines(f: Finding): string[] {
  const lines = [`- ${f.title} [${LEVEL_WORDS[f.level]}]${f.matchedBy === 'name' ? ' (matched by name)' : ''}: ${f.evidence.map(evidenceText).join('; ')}.`];
  if (f.verify) lines.push(`  To verify: ${f.verify}`);
  if (f.caveat) lines.push(`  Caveat: ${f.caveat}`);
  const refs = f.references.map((r) => (r.id === 'article' ? `the source article (“${f.cause.section}”)` : r.short));
  if (refs.length > 0) lines.push(`  Reference: ${refs.join('; ')}.`);
  return lines;
}

export interface NoteContext {
  readonly result: EvaluationResult;
  readonly patient?: fhir4.Patient;
  readonly sourceArticle: string;
}

/** The plain-text summary for the visit note: no links, no tokens, no record ids. */
export function plainTextSummary({ result, patient, sourceArticle }: NoteContext): string {
  const now = new Date(result.now);
  const { causes, safety, toVerify } = splitFindings(result);
  const lines: string[] = ['Leg cramp factors: documented causes of nocturnal leg cramps'];
  if (patient) {
    const age = ageOn(patient.birthDate, patient.deceasedDateTime ? new Date(patient.deceasedDateTime) : now);
    const facts = [patient.gender, patient.birthDate ? `born ${patient.birthDate}` : undefined, age !== undefined ? `${age} y` : undefined];
    lines.push(`Patient: ${patientName(patient)}${facts.some(Boolean) ? ` (${facts.filter(Boolean).join(', ')})` : ''}`);
  }
  lines.push(`Evaluated: ${result.now.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push(`Complaint: ${complaintLine(result)}.`);
  const deceased = deceasedLine(result);
  if (deceased) lines.push(deceased);
  lines.push(`Summary: ${summaryLine(result).text}`);
  if (safety.length > 0) {
    lines.push('', 'Safety:');
    for (const f of safety) lines.push(...findingLines(f));
  }
  if (causes.length > 0) {
    lines.push('', 'Documented causes (strongest evidence first):');
    for (const f of causes) lines.push(...findingLines(f));
    for (const link of result.linked) lines.push(`  Linked: ${link.sentence}`);
  }
  if (toVerify.length > 0) {
    lines.push('', 'To verify (older records):');
    for (const f of toVerify) lines.push(...findingLines(f));
  }
  if (result.notChecked.length > 0) {
    lines.push('', 'Not checked:');
    for (const n of result.notChecked) {
      lines.push(`- ${TYPE_WORDS[n.resourceType]}: ${n.reason}.${n.affectedRules.length > 0 ? ` Affects: ${n.affectedRules.join(', ')}.` : ''}`);
    }
  }
  if (result.unmeasured.length > 0) lines.push('', `Never measured: ${analyteWords(result.unmeasured)}.`);
  if (result.stale.length > 0) {
    lines.push('', 'No recent result (over a year old):');
    for (const s of result.stale) lines.push(`- ${s.label}: ${shortDate(s.date)}${s.value ? `, ${s.value}` : ''}`);
  }
  lines.push(
    '',
    `Documented associations for clinical review, not a diagnosis; they support, and do not replace, clinical judgement. Rules from “${sourceArticle}” and the clinical literature.`,
  );
  return lines.join('\n');
}
