// Rule: dehydration (KNOWLEDGE section 3): dehydration or hypovolemia that began in the last 90 days (E86).
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'dehydration',
  title: 'Dehydration',
  reads: 'condition',
  valueSet: 'dehydration',
  names: ['dehydration', 'dehydrated', 'hypovolemia', 'hypovolaemia', 'volume depletion'],
  excludeNames: ['risk of', 'risk for', 'family history', 'screening'],
  onsetWithinDays: 90,
  evidence: {
    level: 'weak',
    caveat:
      'Patient pages list it, but clinical notes count dehydration among factors that do not seem related.',
    references: ['R7', 'R5', 'article'],
  },
  cause: {
    section: 'Overextension and Other Factors',
    authority: 'the source article (citing Dr. Bhupinder K, AskMedicalDoctor)',
    summary: 'Being short of body water is named as a cause of cramping.',
  },
} satisfies ConditionRule;
