// Turns an evaluation into CDS Hooks cards: one per finding or linked group (indicator "info":
// documented associations to review, not alerts), and one "warning" card when some data could not
// be checked, so an empty answer always means "checked and nothing found".
import { randomUUID } from 'node:crypto';
import { TYPE_WORDS } from '../engine/typeLabels';
import type { EvaluationResult, Evidence, Finding } from '../engine/types';

export interface Card {
  uuid: string;
  summary: string;
  detail: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: { system: string; code: string; display: string } };
  links?: { label: string; url: string; type: 'absolute' | 'smart'; appContext?: string }[];
}

export const SUMMARY_MAX = 140;
const TOPIC_SYSTEM = 'https://leg-cramp-factors.example.org/rules';

/** Resource text goes into Markdown: neutralise the characters that would change its meaning. */
export function escapeMarkdown(text: string): string {
  return String(text).replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\s+/g, ' ').trim();
}

/** A resource reference as Markdown: `Type/id` in a code span when it is a valid FHIR reference, else a plain marker. */
function referenceMarkdown(reference: string): string {
  return /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/.test(String(reference)) ? `\`${reference}\`` : '\\(reference not shown: not a valid FHIR id\\)';
}

function clip(text: string, max = SUMMARY_MAX - 1): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function evidenceLine(e: Evidence): string {
  const parts = [`${escapeMarkdown(e.resourceType)}: **${escapeMarkdown(e.name)}**`];
  parts.push(`date ${escapeMarkdown(e.date ? e.date.slice(0, 10) : 'not recorded')}`);
  if (e.value) parts.push(`value ${escapeMarkdown(e.value)}${e.convertedValue ? ` \\(= ${escapeMarkdown(e.convertedValue)}\\)` : ''}`);
  if (e.limit) parts.push(`limit ${escapeMarkdown(e.limit)} \\(${escapeMarkdown(e.limitSource ?? 'default')}\\)`);
  if (e.status) parts.push(`status ${escapeMarkdown(e.status)}`);
  const notes = (e.notes ?? []).map((n) => ` _${escapeMarkdown(n)}_`).join('');
  return `- ${parts.join(', ')} ${referenceMarkdown(e.reference)}${notes}`;
}

function findingSection(f: Finding): string {
  return [
    `**${escapeMarkdown(f.title)}**${f.matchedBy === 'name' ? ' \\(matched by name\\)' : ''}: ${escapeMarkdown(f.cause.summary)}`,
    ...f.evidence.map(evidenceLine),
    `_Source: “${escapeMarkdown(f.cause.section)}”, ${escapeMarkdown(f.cause.authority)}._`,
  ].join('\n');
}

export interface CardOptions {
  readonly article: string;
  /** The SMART app's launch URL, for the card's `smart` link. */
  readonly launchUrl: string;
}

function sourceLabel(findings: readonly Finding[], article: string): string {
  const authorities = [...new Set(findings.map((f) => f.cause.authority))].join('; ');
  return clip(`${authorities}, as cited in “${article}”`, 200);
}

export function cardsFor(result: EvaluationResult, options: CardOptions): Card[] {
  const cards: Card[] = [];
  const link = [{ label: 'Open Leg cramp factors', url: options.launchUrl, type: 'smart' as const }];
  const byId = new Map(result.findings.map((f) => [f.ruleId, f] as const));
  const grouped = new Set<string>();

  for (const group of result.linked) {
    const findings = group.ruleIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined);
    for (const f of findings) grouped.add(f.ruleId);
    cards.push({
      uuid: randomUUID(),
      summary: clip(`Leg cramps: ${findings.map((f) => f.title).join(' + ')} (${group.label.toLowerCase()})`),
      detail: [escapeMarkdown(group.sentence), ...findings.map(findingSection)].join('\n\n'),
      indicator: 'info',
      source: {
        label: sourceLabel(findings, options.article),
        topic: { system: TOPIC_SYSTEM, code: group.linkId, display: group.label },
      },
      links: link,
    });
  }
  for (const f of result.findings) {
    if (grouped.has(f.ruleId)) continue;
    cards.push({
      uuid: randomUUID(),
      summary: clip(`Leg cramps: documented cause: ${f.title}`),
      detail: findingSection(f),
      indicator: 'info',
      source: { label: sourceLabel([f], options.article), topic: { system: TOPIC_SYSTEM, code: f.ruleId, display: f.title } },
      links: link,
    });
  }

  const gaps = [
    ...result.notChecked.map(
      (n) =>
        `- **${escapeMarkdown(TYPE_WORDS[n.resourceType])} not checked**: ${escapeMarkdown(n.reason)}. Affects: ${escapeMarkdown(n.affectedRules.join(', ') || 'none')}.`,
    ),
    ...result.truncated.map((t) => `- **${escapeMarkdown(TYPE_WORDS[t.resourceType])}**: only the first ${t.pagesRead} pages were read.`),
    ...result.resultNotes.map((n) => `- ${escapeMarkdown(n.message)} ${referenceMarkdown(n.reference)}`),
  ];
  if (gaps.length > 0) {
    const types = result.notChecked.map((n) => TYPE_WORDS[n.resourceType].toLowerCase());
    const what = types.length > 0 ? `${types.join(', ')} could not be read` : 'some results could not be interpreted';
    // First, so nobody reads the cards below as the whole answer.
    cards.unshift({
      uuid: randomUUID(),
      summary: clip(`Leg cramp causes not fully checked: ${what}`),
      detail: ['Absence of a card below does not mean absence of a cause.', ...gaps].join('\n'),
      indicator: 'warning',
      source: { label: clip(`Leg cramp factors, rules from “${options.article}”`, 200) },
      links: link,
    });
  }
  return cards;
}
