// Rule: alcohol use (KNOWLEDGE section 3): a current alcohol use disorder, abuse or dependence
// (F10.1, F10.2; SNOMED 7200002). Remission codes (F10.11, F10.21) do not fire.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'alcohol-use',
  title: 'Alcohol use disorder',
  reads: 'condition',
  valueSet: 'alcohol-use',
  excludeValueSet: 'alcohol-use-excluded',
  names: ['alcoholism', 'alcohol abuse', 'alcohol dependence', 'alcohol use disorder', 'alcohol dependency'],
  excludeNames: ['remission', 'family history', 'screening', 'risk of'],
  evidence: {
    level: 'weak',
    caveat:
      'Named only by the source article.',
    references: ['article'],
  },
  cause: {
    section: 'Overextension and Other Factors',
    authority: 'the source article (citing Dr. Bhupinder K, AskMedicalDoctor)',
    summary: 'Drinking too much alcohol is named as a cause of leg cramps.',
  },
} satisfies ConditionRule;
