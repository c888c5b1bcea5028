// Rule: a current potassium-losing diuretic (KNOWLEDGE section 2). Potassium-sparing agents alone
// do not fire: the documented mechanism is potassium loss.
import type { MedicationRule } from '../../lib/engine/types';
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
  cause: {
    section: 'Diuretics and Leg Cramping',
    authority: 'the source article',
    summary:
      'Water pills make the kidneys pass more salt and water, and in doing so can drain potassium; a low potassium level can set off leg cramps.',
  },
} satisfies MedicationRule;
