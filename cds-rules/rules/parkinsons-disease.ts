// Rule: current Parkinson's disease (KNOWLEDGE section 2). Secondary or drug-induced parkinsonism does not fire.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'parkinsons-disease',
  title: "Parkinson's disease",
  reads: 'condition',
  valueSet: 'parkinsons-disease',
  excludeValueSet: 'parkinsons-disease-excluded',
  names: ["Parkinson's disease", 'Parkinson disease', 'Parkinsons disease', 'paralysis agitans'],
  excludeNames: ['parkinsonism', 'secondary', 'drug-induced', 'drug induced', 'family history'],
  cause: {
    section: "Addison's Disease & Parkinson's Disease",
    authority: 'Mayo Clinic',
    summary: 'Leg cramps are common in people living with Parkinson’s disease.',
  },
} satisfies ConditionRule;
