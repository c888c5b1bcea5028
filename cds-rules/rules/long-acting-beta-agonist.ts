// Rule: a current long-acting beta-2 agonist, alone or combined (KNOWLEDGE section 5; Garrison 2012).
// Short-acting agonists, long-acting anticholinergics alone and inhaled corticosteroids alone do not fire.
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

export default {
  id: 'long-acting-beta-agonist',
  title: 'Long-acting beta-agonist inhaler',
  reads: 'medication',
  valueSet: 'long-acting-beta-agonists',
  names: [
    'salmeterol', 'formoterol', 'arformoterol', 'vilanterol', 'indacaterol', 'olodaterol',
    'Serevent', 'Advair', 'Wixela', 'AirDuo', 'Symbicort', 'Breyna', 'Dulera', 'Breo', 'Anoro', 'Trelegy', 'Stiolto',
    'Striverdi', 'Arcapta', 'Bevespi', 'Breztri', 'Duaklir', 'Perforomist', 'Brovana', 'Foradil', 'Utibron',
  ],
  excludeNames: SUPPLY_WORDS,
  freshness: MEDICATION_FRESHNESS,
  // A drafted order is worth a word only when the record documents leg cramps.
  atOrder: { kind: 'inform' },
  evidence: {
    level: 'strong',
    caveat:
      'Starting a LABA was followed by new cramp treatment more than twice as often (ASR 2.42, 95% CI 2.02-2.89); inhaled anticholinergics, the comparison drugs, showed no such rise.',
    references: ['R2'],
  },
  cause: {
    section: 'Prescriptions that precede cramp treatment',
    authority: 'Garrison et al., Arch Intern Med 2012',
    summary:
      'In a study of 4.2 million adults, people who started a long-acting beta-agonist were much more likely to be treated for night cramps in the following year.',
  },
} satisfies MedicationRule;
