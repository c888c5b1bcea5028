// Rule: a current medication among those most often reported with leg cramps (KNOWLEDGE section 5;
// Allen and Kirby 2012). Other NSAIDs, estradiol and other estrogens, and oral iron do not fire.
// Each finding names the drug it found.
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

const agents = [
  { label: 'intravenous iron sucrose', names: ['iron sucrose', 'Venofer'] },
  {
    label: 'conjugated estrogens',
    names: ['conjugated estrogens', 'estrogens, conjugated', 'Premarin', 'Prempro', 'Premphase', 'Duavee'],
  },
  { label: 'raloxifene', names: ['raloxifene', 'Evista'] },
  { label: 'naproxen', names: ['naproxen', 'Naprosyn', 'Anaprox', 'Aleve', 'EC-Naprosyn', 'Vimovo'] },
  { label: 'teriparatide', names: ['teriparatide', 'Forteo', 'Bonsity'] },
] as const;

export default {
  id: 'reported-cramp-medication',
  title: 'Medication often reported with cramps',
  reads: 'medication',
  valueSet: 'reported-cramp-medications',
  names: agents.flatMap((a) => a.names),
  excludeNames: SUPPLY_WORDS,
  agents,
  freshness: MEDICATION_FRESHNESS,
  // A drafted order is worth a word only when the record documents leg cramps.
  atOrder: { kind: 'inform' },
  evidence: {
    level: 'moderate',
    caveat: 'These drugs are the ones most often reported with leg cramps, although cramps are uncommon with each.',
    references: ['R1'],
  },
  cause: {
    section: 'Medications associated with leg cramps',
    authority: 'Allen & Kirby, Am Fam Physician 2012',
    summary:
      'A family-medicine review names intravenous iron sucrose, conjugated estrogens, raloxifene, naproxen and teriparatide as the medications most often linked to leg cramps.',
  },
} satisfies MedicationRule;
