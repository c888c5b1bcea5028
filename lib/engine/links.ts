// Mechanism links: findings tied by a documented mechanism are shown together, once. Links that
// share a finding (a diuretic with both low potassium and low sodium) merge into one group, so no
// finding appears twice.
import type { LinkedGroup, MechanismLink, Rule } from './types';

function list(titles: readonly string[]): string {
  if (titles.length <= 1) return titles.join('');
  return `${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;
}

/** One sentence per fired link: "Diuretic → low potassium: why." */
function chainSentence(link: MechanismLink, causes: string[], effects: string[], title: (id: string) => string): string {
  const arrow = link.relation === 'mutual' ? ' with ' : ' → ';
  const head = `${list(causes.map(title))}${arrow}${list(effects.map(title)).toLowerCase()}`;
  return `${head}: ${link.sentence}`;
}

/** Each rule list's order and titles by rule id, built once per list (rules are knowledge, not patient data). */
const indexes = new WeakMap<readonly Rule[], { readonly order: ReadonlyMap<string, number>; readonly titles: ReadonlyMap<string, string> }>();

function indexOf(rules: readonly Rule[]) {
  let index = indexes.get(rules);
  if (!index) {
    index = { order: new Map(rules.map((r, i) => [r.id, i] as const)), titles: new Map(rules.map((r) => [r.id, r.title] as const)) };
    indexes.set(rules, index);
  }
  return index;
}

export function linkFindings(
  links: readonly MechanismLink[],
  rules: readonly Rule[],
  fired: ReadonlySet<string>,
): LinkedGroup[] {
  const { order, titles } = indexOf(rules);
  const title = (id: string) => titles.get(id) ?? id;

  const active = links
    .map((link) => ({
      link,
      causes: link.causes.filter((id) => fired.has(id)),
      effects: link.effects.filter((id) => fired.has(id)),
    }))
    .filter((a) => a.causes.length > 0 && a.effects.length > 0);

  // Union the active links that share a rule, in declaration order.
  const groups: { members: typeof active; rules: Set<string> }[] = [];
  for (const a of active) {
    const ids = new Set([...a.causes, ...a.effects]);
    const touching = groups.filter((g) => [...ids].some((id) => g.rules.has(id)));
    const merged = { members: [...touching.flatMap((g) => g.members), a], rules: new Set(ids) };
    for (const g of touching) for (const id of g.rules) merged.rules.add(id);
    for (const g of touching) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }

  return groups
    .map((g) => ({
      linkId: g.members.map((m) => m.link.id).join('+'),
      label: g.members.map((m) => m.link.label).join(' · '),
      sentence: g.members.map((m) => chainSentence(m.link, m.causes, m.effects, title)).join(' '),
      ruleIds: [...g.rules].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    }))
    .sort((a, b) => (order.get(a.ruleIds[0] ?? '') ?? 0) - (order.get(b.ruleIds[0] ?? '') ?? 0));
}
