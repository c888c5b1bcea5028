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
  gestation: {
    // Gestational age: estimated (11884-4), by last menstrual period (11885-1), generic (18185-9), in weeks (49051-6), in days (49052-4).
    loinc: ['11884-4', '11885-1', '18185-9', '49051-6', '49052-4'],
    maxWeeks: 42,
    secondTrimesterWeek: 14,
    thirdTrimesterWeek: 28,
  },
  // Pregnancy status (82810-3) answered "Pregnant", within 42 weeks.
  statusResult: {
    loinc: ['82810-3'],
    answers: [
      { system: 'http://snomed.info/sct', code: '77386006' },
      { system: 'http://loinc.org', code: 'LA15173-0' },
    ],
    withinDays: 294,
  },
  // A pregnancy recorded longer ago than gestation.maxWeeks and never closed is shown to verify.
  freshness: { kind: 'gestation' },
  evidence: {
    level: 'strong',
    references: ['R1', 'article'],
  },
  cause: {
    section: 'Pregnancy',
    authority: 'the source article',
    summary:
      'Night cramps are common in pregnancy, above all in the second and third trimesters, as the growing uterus presses on the veins that carry blood back from the legs.',
  },
} satisfies ConditionRule;
