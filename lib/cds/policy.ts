// When the CDS service speaks, and with which cards (issue: a service a CDS committee would switch
// on). Pure: an evaluation, the site's settings and the patient's snoozes in, a card plan out. The
// renderer (cards.ts) turns the plan into CDS Hooks cards.
//
// patient-view: silent for a deceased patient; silent without a documented leg-cramp complaint
// (unless the site sets the trigger to `always`), except for a current quinine, which is a safety
// warning whatever the complaint. With a complaint: one card per strong or moderate finding or
// linked group, at most one card gathering the weak ones, and the not-checked warning. Findings
// whose records are old (`verify`) are never pushed; disabled and snoozed rules neither.
import type { EvaluationResult, Finding, LinkedGroup } from '../engine/types';
import type { DraftOrderMatch } from '../engine/orders';

export type PatientViewTrigger = 'complaint' | 'always';

export interface CardPolicy {
  readonly trigger: PatientViewTrigger;
  /** Rules switched off at this site (CDS_DISABLED_RULES). */
  readonly disabledRules: ReadonlySet<string>;
}

export type CardPlan =
  | { readonly kind: 'safety'; readonly finding: Finding }
  | { readonly kind: 'finding'; readonly finding: Finding }
  | { readonly kind: 'group'; readonly link: LinkedGroup; readonly findings: readonly Finding[] }
  | { readonly kind: 'weak'; readonly findings: readonly Finding[] }
  | { readonly kind: 'gaps' };

export type Silence = 'deceased' | 'no-complaint' | 'complaint-unknown' | 'nothing-current';

export interface PatientViewPlan {
  readonly plans: readonly CardPlan[];
  /** Why no finding card was pushed, when none was (for the log and the tests). */
  readonly silence?: Silence;
}

/** The rules a plan speaks for: what a snooze on its card silences. */
export function rulesOf(plan: CardPlan): string[] {
  switch (plan.kind) {
    case 'safety':
    case 'finding':
      return [plan.finding.ruleId];
    case 'group':
    case 'weak':
      return plan.findings.map((f) => f.ruleId);
    case 'gaps':
      return [];
  }
}

const STRONG_ENOUGH = new Set(['strong', 'moderate']);

export function planPatientView(result: EvaluationResult, policy: CardPolicy, snoozed: ReadonlySet<string>): PatientViewPlan {
  if (result.deceased) return { plans: [], silence: 'deceased' };
  const pushable = result.findings.filter((f) => !f.verify && !policy.disabledRules.has(f.ruleId) && !snoozed.has(f.ruleId));
  const plans: CardPlan[] = pushable.filter((f) => f.level === 'safety').map((finding) => ({ kind: 'safety' as const, finding }));
  const speak = policy.trigger === 'always' || result.complaint.recorded;
  const gaps = result.notChecked.length > 0 || result.truncated.length > 0 || result.resultNotes.length > 0;
  if (!speak) {
    // Conditions (or the Patient) that could not be read leave the complaint (or death) unknown: say
    // that data was not checked rather than stay silent as if there were no complaint.
    const unknown = result.notChecked.some((n) => n.resourceType === 'Condition' || n.resourceType === 'Patient');
    return unknown ? { plans: [{ kind: 'gaps' }, ...plans], silence: 'complaint-unknown' } : { plans, silence: 'no-complaint' };
  }

  const causes = pushable.filter((f) => f.level !== 'safety');
  const byId = new Map(causes.map((f) => [f.ruleId, f] as const));
  const placed = new Set<string>();
  const weak: Finding[] = [];
  for (const finding of causes) {
    if (placed.has(finding.ruleId)) continue;
    const link = result.linked.find((l) => l.ruleIds.includes(finding.ruleId));
    const members = link ? link.ruleIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined) : [];
    if (link && members.length >= 2 && members.some((m) => STRONG_ENOUGH.has(m.level))) {
      for (const m of members) placed.add(m.ruleId);
      plans.push({ kind: 'group', link, findings: members });
      continue;
    }
    placed.add(finding.ruleId);
    if (STRONG_ENOUGH.has(finding.level)) plans.push({ kind: 'finding', finding });
    else weak.push(finding);
  }
  if (weak.length > 0) plans.push({ kind: 'weak', findings: weak });
  if (gaps) plans.unshift({ kind: 'gaps' });
  const spoke = plans.some((p) => p.kind !== 'gaps' && p.kind !== 'safety');
  return spoke ? { plans } : { plans, silence: 'nothing-current' };
}

export type OrderPlan =
  | { readonly kind: 'warn'; readonly order: DraftOrderMatch; readonly ruleId: string }
  | { readonly kind: 'order-info'; readonly order: DraftOrderMatch; readonly ruleIds: readonly string[] };

/**
 * order-select / order-sign, as each rule's `atOrder` says (cds-rules): `warn` rules (quinine)
 * always get a warning with a suggestion to remove the draft; `inform` rules get an information
 * card only when the record documents a leg-cramp complaint. Nothing for a deceased patient.
 */
export function planOrders(
  orders: readonly DraftOrderMatch[],
  context: { readonly complaint: boolean; readonly deceased: boolean },
  policy: CardPolicy,
  snoozed: ReadonlySet<string>,
): OrderPlan[] {
  if (context.deceased) return [];
  const open = (id: string) => !policy.disabledRules.has(id) && !snoozed.has(id);
  const plans: OrderPlan[] = [];
  for (const order of orders) {
    const rules = order.rules.filter((r) => open(r.ruleId));
    for (const r of rules) if (r.atOrder?.kind === 'warn') plans.push({ kind: 'warn', order, ruleId: r.ruleId });
    const info = rules.filter((r) => r.atOrder?.kind === 'inform').map((r) => r.ruleId);
    if (context.complaint && info.length > 0) plans.push({ kind: 'order-info', order, ruleIds: info });
  }
  return plans;
}
