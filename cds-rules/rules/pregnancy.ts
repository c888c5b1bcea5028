// Rule: a current pregnancy (KNOWLEDGE section 2). Pregnancy loss, delivery, the puerperium and
// abated pregnancy conditions do not fire. Shows the estimated trimester from the onset date.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'pregnancy',
  title: 'Pregnancy',
  reads: 'condition',
  valueSet: 'pregnancy',
  excludeValueSet: 'pregnancy-ended',
  names: ['pregnancy', 'pregnant'],
  excludeNames: [
    'miscarriage', 'abortion', 'ectopic', 'tubal', 'blighted ovum', 'molar', 'postpartum', 'puerperium', 'puerperal',
    'delivery', 'delivered', 'termination', 'pregnancy loss', 'not pregnant', 'history of', 'test',
  ],
  showsGestation: true,
  cause: {
    section: 'Pregnancy',
    authority: 'the source article',
    summary:
      'Night cramps are common in pregnancy, above all in the second and third trimesters, as the growing uterus presses on the veins that carry blood back from the legs.',
  },
} satisfies ConditionRule;
