// Rule: a current insulin, alone or in combination (KNOWLEDGE section 2).
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

export default {
  id: 'insulin',
  title: 'Insulin',
  reads: 'medication',
  valueSet: 'insulins',
  names: [
    'insulin', 'lispro', 'aspart', 'glulisine', 'glargine', 'detemir', 'degludec', 'isophane',
    'Humulin', 'Novolin', 'Humalog', 'Admelog', 'Lyumjev', 'Novolog', 'Fiasp', 'Apidra', 'Lantus', 'Basaglar',
    'Semglee', 'Rezvoglar', 'Toujeo', 'Levemir', 'Tresiba', 'Afrezza', 'Xultophy', 'Soliqua', 'Myxredlin',
  ],
  excludeNames: SUPPLY_WORDS,
  freshness: MEDICATION_FRESHNESS,
  evidence: {
    level: 'weak',
    caveat:
      'Named only by the source article, which ties it to a falling potassium; no study was found.',
    references: ['article'],
  },
  cause: {
    section: 'Diabetes',
    authority: 'the source article',
    summary: 'Insulin can lower the blood potassium level, and low potassium can bring on leg cramps.',
  },
} satisfies MedicationRule;
