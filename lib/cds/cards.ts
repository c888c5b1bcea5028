// Renders the cards a plan (policy.ts) asks for: a finding or linked group (indicator "info":
// documented associations to review, not alerts), the weak associations gathered in one card, a
// quinine "warning", and a "warning" when some data could not be checked. Every card carries its
// evidence, its strongest reference in source.url, and the override reasons (one of them snoozes).
import { randomUUID } from 'node:crypto';
import { TYPE_WORDS } from '../engine/typeLabels';
import { LEVEL_ORDER, type EvaluationResult, type Evidence, type EvidenceLevel, type Finding, type Reference } from '../engine/types';
import type { CompiledKnowledge } from '../engine/compile';
import type { CardPlan, OrderPlan } from './policy';

/** A CDS Hooks 2.0 card (https://cds-hooks.hl7.org/2.0/#card-attributes). */
export interface Card {
  uuid: string;
  summary: string;
  detail: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: { system: string; code: string; display: string } };
  suggestions?: {
    label: string;
    uuid: string;
    isRecommended?: boolean;
    actions: { type: 'create' | 'update' | 'delete'; description: string; resourceId?: string; resource?: unknown }[];
  }[];
  /** Required when suggestions are present. */
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: { system: string; code: string; display: string }[];
  links?: { label: string; url: string; type: 'absolute' | 'smart'; appContext?: string }[];
}

export const SUMMARY_MAX = 140;
const TOPIC_SYSTEM = 'https://leg-cramp-factors.example.org/rules';

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~]/g;
// Whitespace other than a lone space: only then is there anything to collapse.
const UNUSUAL_SPACE = /[^\S ]| {2}/;
const SPACES = /\s+/g;

/** Resource text goes into Markdown: neutralise the characters that would change its meaning. */
export function escapeMarkdown(text: string): string {
  // A replacement pattern ("$&"), not a callback: one pass, no function call per character.
  const escaped = String(text).replace(MARKDOWN_SPECIAL, '\\$&');
  return (UNUSUAL_SPACE.test(escaped) ? escaped.replace(SPACES, ' ') : escaped).trim();
}

/** Distinct rule texts whose escaped form is remembered; the memo starts afresh past it. */
export const RULE_TEXT_LIMIT = 1000;
const ruleTexts = new Map<string, string>();

/**
 * escapeMarkdown for text that comes from the rules alone (titles, summaries, caveats, citations,
 * mechanism sentences): the same few hundred strings are escaped for every card, so each is escaped
 * once. Never for text from a patient's record (names, values, dates, verify sentences).
 */
function escapeRuleText(text: string): string {
  let escaped = ruleTexts.get(text);
  if (escaped === undefined) {
    escaped = escapeMarkdown(text);
    if (ruleTexts.size >= RULE_TEXT_LIMIT) ruleTexts.clear();
    ruleTexts.set(text, escaped);
  }
  return escaped;
}

/** How many rule texts are remembered (tests: at most RULE_TEXT_LIMIT). */
export function rememberedRuleTexts(): number {
  return ruleTexts.size;
}

/** A resource reference as Markdown: `Type/id` in a code span when it is a valid FHIR reference, else a plain marker. */
function referenceMarkdown(reference: string): string {
  return /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/.test(String(reference)) ? `\`${reference}\`` : '\\(reference not shown: not a valid FHIR id\\)';
}

function clip(text: string, max = SUMMARY_MAX - 1): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function evidenceLine(e: Evidence): string {
  // The resource type and the limit's source are the engine's own words; the rest is the record's.
  const parts = [`${escapeRuleText(e.resourceType)}: **${escapeMarkdown(e.name)}**`];
  parts.push(`date ${escapeMarkdown(e.date ? e.date.slice(0, 10) : 'not recorded')}`);
  if (e.value) parts.push(`value ${escapeMarkdown(e.value)}${e.convertedValue ? ` \\(= ${escapeMarkdown(e.convertedValue)}\\)` : ''}`);
  if (e.limit) parts.push(`limit ${escapeMarkdown(e.limit)} \\(${escapeRuleText(e.limitSource ?? 'default')}\\)`);
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
  const sorted = [...findings].sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));
  for (const f of sorted) for (const r of f.references) if (r.url) return r.url;
  return undefined;
}

/** A reference as Markdown: its short citation, linked when it has an address. */
function referenceLink(r: Reference): string {
  return r.url ? `[${escapeRuleText(r.short)}](${r.url})` : escapeRuleText(r.short);
}

function referencesLine(f: Finding): string {
  const refs = f.references.map((r) => (r.id === 'article' ? `the source article, “${escapeRuleText(f.cause.section)}”` : referenceLink(r)));
  return `_References: ${refs.join('; ')}._`;
}

function findingSection(f: Finding): string {
  return [
    `**${escapeRuleText(f.title)}** \\(${LEVEL_WORDS[f.level]}\\)${f.matchedBy === 'name' ? ' \\(matched by name\\)' : ''}: ${escapeRuleText(f.cause.summary)}`,
    ...f.evidence.map(evidenceLine),
    ...(f.caveat ? [`_Caveat: ${escapeRuleText(f.caveat)}_`] : []),
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

const OVERRIDE_SYSTEM = 'https://leg-cramp-factors.example.org/override-reason';

/** Why a clinician dismissed a card; "Snooze 90 days" silences the card's rules for this patient. */
export const OVERRIDE_REASONS = [
  { system: OVERRIDE_SYSTEM, code: 'already-addressed', display: 'Already addressed' },
  { system: OVERRIDE_SYSTEM, code: 'not-relevant', display: 'Not relevant to this patient' },
  { system: OVERRIDE_SYSTEM, code: 'snooze-90-days', display: 'Snooze 90 days' },
] as const;
export const SNOOZE_REASON = { system: OVERRIDE_SYSTEM, code: 'snooze-90-days', days: 90 } as const;

/** A card and the rules it speaks for (what a snooze of it silences). */
export interface IssuedCard {
  readonly card: Card;
  readonly ruleIds: readonly string[];
}

function findingCard(findings: readonly Finding[], summary: string, detail: string, indicator: Card['indicator'], topic: Card['source']['topic'], options: CardOptions): Card {
  return {
    uuid: randomUUID(),
    summary: clip(summary),
    detail,
    indicator,
    source: { label: sourceLabel(findings, options.article), ...withUrl(strongestReferenceUrl(findings)), ...(topic ? { topic } : {}) },
    links: [{ label: 'Open Leg cramp factors', url: options.launchUrl, type: 'smart' }],
    overrideReasons: OVERRIDE_REASONS.map((r) => ({ ...r })),
  };
}

function gapsCard(result: EvaluationResult, options: CardOptions): Card {
  const gaps = [
    ...result.notChecked.map(
      (n) =>
        `- **${escapeMarkdown(TYPE_WORDS[n.resourceType])} not checked**: ${escapeMarkdown(n.reason)}. Affects: ${escapeMarkdown(n.affectedRules.join(', ') || 'none')}.`,
    ),
    ...result.truncated.map((t) => `- **${escapeMarkdown(TYPE_WORDS[t.resourceType])}**: only the first ${t.pagesRead} pages were read.`),
    ...result.resultNotes.map((n) => `- ${escapeMarkdown(n.message)} ${referenceMarkdown(n.reference)}`),
  ];
  const types = result.notChecked.map((n) => TYPE_WORDS[n.resourceType].toLowerCase());
  const what = types.length > 0 ? `${types.join(', ')} could not be read` : 'some results could not be interpreted';
  return {
    uuid: randomUUID(),
    summary: clip(`Leg cramp causes not fully checked: ${what}`),
    detail: ['Absence of a card below does not mean absence of a cause.', ...gaps].join('\n'),
    indicator: 'warning',
    source: { label: clip(`Leg cramp factors, rules from “${options.article}” and the clinical literature`, 200) },
    links: [{ label: 'Open Leg cramp factors', url: options.launchUrl, type: 'smart' }],
  };
}

/** The patient-view cards of a plan (policy.ts), in the plan's order. */
export function renderPatientView(plans: readonly CardPlan[], result: EvaluationResult, options: CardOptions): IssuedCard[] {
  return plans.map((plan): IssuedCard => {
    switch (plan.kind) {
      case 'gaps':
        return { card: gapsCard(result, options), ruleIds: [] };
      case 'safety': {
        const f = plan.finding;
        return {
          card: findingCard([f], `Leg cramps safety: ${f.title}`, findingSection(f), 'warning', { system: TOPIC_SYSTEM, code: f.ruleId, display: f.title }, options),
          ruleIds: [f.ruleId],
        };
      }
      case 'finding': {
        const f = plan.finding;
        return {
          card: findingCard([f], `Leg cramps: ${f.title} (${LEVEL_WORDS[f.level]})`, findingSection(f), 'info', { system: TOPIC_SYSTEM, code: f.ruleId, display: f.title }, options),
          ruleIds: [f.ruleId],
        };
      }
      case 'group': {
        const { link, findings } = plan;
        return {
          card: findingCard(
            findings,
            `Leg cramps: ${findings.map((f) => f.title).join(' + ')} (${link.label.toLowerCase()})`,
            [escapeRuleText(link.sentence), ...findings.map(findingSection)].join('\n\n'),
            'info',
            { system: TOPIC_SYSTEM, code: link.linkId, display: link.label },
            options,
          ),
          ruleIds: findings.map((f) => f.ruleId),
        };
      }
      case 'weak': {
        const { findings } = plan;
        const n = findings.length;
        return {
          card: findingCard(
            findings,
            `Leg cramps: ${n} more ${n === 1 ? 'association' : 'associations'} with weak evidence`,
            [
              `Associations named by consumer sources or with conflicting evidence: ${escapeRuleText(findings.map((f) => f.title).join(', '))}.`,
              ...findings.map(findingSection),
            ].join('\n\n'),
            'info',
            { system: TOPIC_SYSTEM, code: 'weak-evidence', display: 'Associations with weak evidence' },
            options,
          ),
          ruleIds: findings.map((f) => f.ruleId),
        };
      }
    }
  });
}

/** Cards for draft orders (order-select, order-sign). */
export function renderOrderCards(plans: readonly OrderPlan[], knowledge: CompiledKnowledge, options: CardOptions): IssuedCard[] {
  const rules = new Map(knowledge.kb.rules.map((r) => [r.id, r] as const));
  const refsOf = (id: string): readonly Reference[] => knowledge.references.get(id) ?? [];
  const caveatOf = (id: string) => rules.get(id)?.evidence.caveat;
  const titleOf = (id: string) => rules.get(id)?.title ?? id;
  return plans.map((plan): IssuedCard => {
    const reference = plan.order.reference;
    const drug = escapeMarkdown(plan.order.drug);
    if (plan.kind === 'warn') {
      const id = plan.ruleId;
      const rule = rules.get(id);
      const advice = rule?.reads === 'medication' && rule.atOrder?.kind === 'warn' ? rule.atOrder : undefined;
      const refs = refsOf(id);
      const card: Card = {
        uuid: randomUUID(),
        summary: clip(`${advice?.summary ?? titleOf(id)}: ${plan.order.drug}`),
        detail: [
          `**${drug}** is being ordered. ${escapeMarkdown(caveatOf(id) ?? '')}`,
          ...(advice ? [escapeMarkdown(advice.advice)] : []),
          `_References: ${refs.map(referenceLink).join('; ')}._`,
        ].join('\n\n'),
        indicator: 'warning',
        source: { label: clip(refs.map((r) => r.short).join('; '), 200), ...withUrl(refs.find((r) => r.url)?.url), topic: { system: TOPIC_SYSTEM, code: id, display: titleOf(id) } },
        suggestions: [
          {
            label: advice?.removeLabel ?? 'Remove the draft order',
            uuid: randomUUID(),
            isRecommended: true,
            actions: [{ type: 'delete', description: `Remove the draft order for ${plan.order.drug}`, resourceId: reference }],
          },
        ],
        selectionBehavior: 'at-most-one',
        overrideReasons: OVERRIDE_REASONS.map((r) => ({ ...r })),
      };
      return { card, ruleIds: [id] };
    }
    const ruleIds = plan.ruleIds;
    const refs = ruleIds.flatMap(refsOf);
    const levels = ruleIds.map((id) => rules.get(id)?.evidence.level ?? 'weak');
    const level = LEVEL_ORDER.find((l) => l !== 'safety' && levels.includes(l)) ?? 'weak';
    const titles = ruleIds.map(titleOf);
    const card: Card = {
      uuid: randomUUID(),
      summary: clip(`Leg cramps documented: ${plan.order.drug} is associated with cramps (${LEVEL_WORDS[level]})`),
      detail: [
        `The record documents leg cramps, and **${drug}** (${escapeMarkdown(titles.join(', ').toLowerCase())}) is associated with them \\(${LEVEL_WORDS[level]}\\).`,
        ...ruleIds.map(caveatOf).filter((c): c is string => Boolean(c)).map((c) => `_${escapeMarkdown(c)}_`),
        `_References: ${refs.filter((r) => r.id !== 'article').map(referenceLink).join('; ') || 'the source article'}._`,
      ].join('\n\n'),
      indicator: 'info',
      source: { label: clip([...new Set(refs.map((r) => (r.id === 'article' ? `“${options.article}”` : r.short)))].join('; '), 200), ...withUrl(refs.find((r) => r.url)?.url), topic: { system: TOPIC_SYSTEM, code: ruleIds[0] ?? 'order', display: titles[0] ?? 'Order' } },
      links: [{ label: 'Open Leg cramp factors', url: options.launchUrl, type: 'smart' }],
      overrideReasons: OVERRIDE_REASONS.map((r) => ({ ...r })),
    };
    return { card, ruleIds };
  });
}
