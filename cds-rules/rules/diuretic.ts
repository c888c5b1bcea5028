// Rule: a current potassium-losing diuretic (KNOWLEDGE section 2). Potassium-sparing agents alone
// do not fire: the documented mechanism is potassium loss.
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

export default {
  id: 'diuretic',
  title: 'Diuretic (water pill)',
  reads: 'medication',
  valueSet: 'diuretics-potassium-losing',
  names: [
    'furosemide', 'bumetanide', 'torsemide', 'ethacrynic acid', 'hydrochlorothiazide', 'HCTZ', 'chlorothiazide',
    'methyclothiazide', 'chlorthalidone', 'indapamide', 'metolazone', 'acetazolamide',
    'Lasix', 'Furoscix', 'Bumex', 'Demadex', 'Soaanz', 'Edecrin', 'Microzide', 'Diuril', 'Thalitone', 'Zaroxolyn',
    'Diamox', 'Dyazide', 'Maxzide', 'Hyzaar', 'Zestoretic', 'Tenoretic', 'Aldactazide', 'Ziac', 'Edarbyclor',
    'Benicar HCT', 'Diovan HCT', 'Lotensin HCT', 'Micardis HCT', 'Exforge HCT', 'Tribenzor',
  ],
  excludeNames: SUPPLY_WORDS,
  freshness: MEDICATION_FRESHNESS,
  // A drafted order is worth a word only when the record documents leg cramps.
  atOrder: { kind: 'inform' },
  evidence: {
    level: 'moderate',
    caveat:
      'Thiazide-type diuretics were followed by more new cramp treatment (ASR 1.48, 95% CI 1.29-1.68); reviews do not trace this to electrolytes, so potassium loss is shown only beside a low potassium.',
    matchCaveats: [
      {
        when: 'all',
        names: ['furosemide', 'bumetanide', 'torsemide', 'ethacrynic acid', 'Lasix', 'Furoscix', 'Bumex', 'Demadex', 'Soaanz', 'Edecrin'],
        caveat: 'Loop diuretics showed no significant association in the population study (ASR 1.20, 95% CI 1.00-1.44).',
      },
    ],
    references: ['R2', 'R1', 'article'],
  },
  cause: {
    section: 'Diuretics and Leg Cramping',
    authority: 'the source article',
    summary:
      'Water pills make the kidneys pass more salt and water, and in doing so can drain potassium; a low potassium level can set off leg cramps.',
  },
} satisfies MedicationRule;
