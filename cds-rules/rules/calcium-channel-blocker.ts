// Rule: a current calcium channel blocker (KNOWLEDGE section 2).
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

export default {
  id: 'calcium-channel-blocker',
  title: 'Calcium channel blocker',
  reads: 'medication',
  valueSet: 'calcium-channel-blockers',
  names: [
    'amlodipine', 'levamlodipine', 'felodipine', 'isradipine', 'nicardipine', 'nifedipine', 'nimodipine',
    'nisoldipine', 'clevidipine', 'diltiazem', 'verapamil',
    'Norvasc', 'Katerzia', 'Norliqva', 'Conjupri', 'Procardia', 'Adalat', 'Cardizem', 'Cartia', 'Tiazac', 'Calan',
    'Isoptin', 'Verelan', 'Plendil', 'Sular', 'Cardene', 'Nymalize', 'Cleviprex', 'DynaCirc', 'Exforge', 'Lotrel',
    'Azor', 'Tribenzor', 'Caduet', 'Tarka', 'Twynsta', 'Prestalia', 'Consensi',
  ],
  excludeNames: SUPPLY_WORDS,
  freshness: MEDICATION_FRESHNESS,
  evidence: {
    level: 'weak',
    caveat:
      'Reviews list calcium channel blockers among possible treatments for cramps; cramps as a side effect are reported mainly with dihydropyridines such as nifedipine.',
    matchCaveats: [
      {
        when: 'all',
        names: ['diltiazem', 'verapamil', 'Cardizem', 'Cartia', 'Tiazac', 'Calan', 'Isoptin', 'Verelan', 'Tarka'],
        caveat:
          'Diltiazem and verapamil are not dihydropyridines, and diltiazem has been studied as a treatment for cramps: this association is doubtful.',
      },
    ],
    references: ['R1', 'R4', 'article'],
  },
  cause: {
    section: 'Unopposed Flexion',
    authority: 'the source article (section citing the National Medical Society)',
    summary: 'Taking a calcium channel blocker is listed among the triggers of cramps that come on at night.',
  },
} satisfies MedicationRule;
