// Turns an evaluation into CDS Hooks cards: one per finding or linked group (indicator "info":
// documented associations to review, not alerts), and one "warning" card when some data could not
// be checked, so an empty answer always means "checked and nothing found".
import { randomUUID } from 'node:crypto';
import { TYPE_WORDS } from '../engine/typeLabels';
import type { EvaluationResult, Evidence, EvidenceLevel, Finding } from '../engine/types';

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

const LEVEL_WORDS: Record<EvidenceLevel, string> = {
  safety: 'safety warning',
  strong: 'evidence: strong',
  moderate: 'evidence: moderate',
  weak: 'evidence: weak',
};

/** The first reference with an address: rules list their strongest reference first. */
export function strongestReferenceUrl(findings: readonly Finding[]): string | undefined {
  const order: readonly EvidenceLevel[] = ['safety', 'strong', 'moderate', 'weak'];
  const sorted = [...findings].sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
  for (const f of sorted) for (const r of f.references) if (r.url) return r.url;
  return undefined;
}

function referencesLine(f: Finding): string {
  const refs = f.references.map((r) =>
    r.id === 'article'
      ? `the source article, “${escapeMarkdown(f.cause.section)}”`
      : r.url
        ? `[${escapeMarkdown(r.short)}](${r.url})`
        : escapeMarkdown(r.short),
  );
  return `_References: ${refs.join('; ')}._`;
}

function findingSection(f: Finding): string {
  return [
    `**${escapeMarkdown(f.title)}** \\(${LEVEL_WORDS[f.level]}\\)${f.matchedBy === 'name' ? ' \\(matched by name\\)' : ''}: ${escapeMarkdown(f.cause.summary)}`,
    ...f.evidence.map(evidenceLine),
    ...(f.caveat ? [`_Caveat: ${escapeMarkdown(f.caveat)}_`] : []),
    ...(f.verify ? [`**Verify:** ${escapeMarkdown(f.verify)}`] : []),
    referencesLine(f),
  ].join('\n');
}

export interface CardOptions {
  readonly article: string;
  /** The SMART app's launch URL, for the card's `smart` link. */
  readonly launchUrl: string;
}

/** The sources of a card, strongest first: the literature by short citation, the article by name. */
function sourceLabel(findings: readonly Finding[], article: string): string {
  const names: string[] = [];
  for (const f of findings) {
    for (const r of f.references) {
      const name = r.id === 'article' ? `“${article}”` : r.short;
      if (!names.includes(name)) names.push(name);
    }
  }
  return clip(names.join('; '), 200);
}

const withUrl = (url: string | undefined) => (url ? { url } : {});

export function cardsFor(result: EvaluationResult, options: CardOptions): Card[] {
  const cards: Card[] = [];
  const link = [{ label: 'Open Leg cramp factors', url: options.launchUrl, type: 'smart' as const }];
  const byId = new Map(result.findings.map((f) => [f.ruleId, f] as const));
  const grouped = new Set<string>();
  // Cards come in the order of their strongest finding: safety, strong, moderate, weak.
  const rank = new Map<Card, number>();
  const LEVELS: readonly EvidenceLevel[] = ['safety', 'strong', 'moderate', 'weak'];
  const rankOf = (findings: readonly Finding[]) => Math.min(...findings.map((f) => LEVELS.indexOf(f.level)));

  for (const group of result.linked) {
    const findings = group.ruleIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined);
    for (const f of findings) grouped.add(f.ruleId);
    const card: Card = {
      uuid: randomUUID(),
      summary: clip(`Leg cramps: ${findings.map((f) => f.title).join(' + ')} (${group.label.toLowerCase()})`),
      detail: [escapeMarkdown(group.sentence), ...findings.map(findingSection)].join('\n\n'),
      indicator: 'info',
      source: {
        label: sourceLabel(findings, options.article),
        ...withUrl(strongestReferenceUrl(findings)),
        topic: { system: TOPIC_SYSTEM, code: group.linkId, display: group.label },
      },
      links: link,
    };
    rank.set(card, rankOf(findings));
    cards.push(card);
  }
  for (const f of result.findings) {
    if (grouped.has(f.ruleId)) continue;
    const card: Card = {
      uuid: randomUUID(),
      // A safety finding is not a cause: it warns against a treatment.
      summary: clip(f.level === 'safety' ? `Leg cramps safety: ${f.title}` : `Leg cramps: documented cause: ${f.title}`),
      detail: findingSection(f),
      indicator: f.level === 'safety' ? 'warning' : 'info',
      source: {
        label: sourceLabel([f], options.article),
        ...withUrl(strongestReferenceUrl([f])),
        topic: { system: TOPIC_SYSTEM, code: f.ruleId, display: f.title },
      },
      links: link,
    };
    rank.set(card, rankOf([f]));
    cards.push(card);
  }
  cards.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));

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
