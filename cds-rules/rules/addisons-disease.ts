// Rule: current Addison's disease (primary adrenocortical insufficiency) (KNOWLEDGE section 2).
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'addisons-disease',
  title: "Addison's disease",
  reads: 'condition',
  valueSet: 'addisons-disease',
  excludeValueSet: 'addisons-disease-excluded',
  names: [
    "Addison's disease", 'Addison disease', 'Addisons disease', 'Addisonian crisis',
    'primary adrenocortical insufficiency', 'primary adrenal insufficiency',
  ],
  excludeNames: ['secondary', 'Cushing', "Cushing's", 'family history'],
  evidence: {
    level: 'weak',
    caveat:
      "Expert opinion only: endocrine disorders such as Addison's disease are among the causes to ask about.",
    references: ['R11', 'R5', 'article'],
  },
  cause: {
    section: "Addison's Disease & Parkinson's Disease",
    authority: 'MedicineNet.com',
    summary: 'When the adrenal glands fail, as in Addison’s disease, night-time leg cramps can follow.',
  },
} satisfies ConditionRule;
