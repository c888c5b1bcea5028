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
  evidence: {
    level: 'weak',
    caveat:
      'Named by patient pages and clinical notes (parkinsonism as a risk factor); not measured in a study.',
    references: ['R7', 'R5', 'article'],
  },
  cause: {
    section: "Addison's Disease & Parkinson's Disease",
    authority: 'Mayo Clinic',
    summary: 'Leg cramps are common in people living with Parkinson’s disease.',
  },
} satisfies ConditionRule;
