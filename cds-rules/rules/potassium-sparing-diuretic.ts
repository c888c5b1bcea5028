// Rule: a current potassium-sparing diuretic, alone or combined (KNOWLEDGE section 5; Garrison 2012).
// Finerenone was not studied and does not fire. The mechanism is not potassium loss: this rule
// joins no potassium link, and its text never claims one.
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

export default {
  id: 'potassium-sparing-diuretic',
  title: 'Potassium-sparing diuretic',
  reads: 'medication',
  valueSet: 'potassium-sparing-diuretics',
  names: [
    'spironolactone', 'eplerenone', 'amiloride', 'triamterene',
    'Aldactone', 'CaroSpir', 'Inspra', 'Midamor', 'Dyrenium', 'Dyazide', 'Maxzide', 'Aldactazide', 'Moduretic',
  ],
  excludeNames: SUPPLY_WORDS,
  freshness: MEDICATION_FRESHNESS,
  // A drafted order is worth a word only when the record documents leg cramps.
  atOrder: { kind: 'inform' },
  evidence: {
    level: 'strong',
    caveat:
      'Of the diuretic classes, starting a potassium-sparing one was followed most often by new cramp treatment (ASR 2.12, 95% CI 1.61-2.78); how it causes cramps is not known, and it is not by losing potassium.',
    references: ['R2'],
  },
  cause: {
    section: 'Prescriptions that precede cramp treatment',
    authority: 'Garrison et al., Arch Intern Med 2012',
    summary:
      'In a study of 4.2 million adults, starting a potassium-sparing diuretic was followed by more treatment for night cramps than any other kind of water pill.',
  },
} satisfies MedicationRule;
