// Rule: nerve compression (KNOWLEDGE section 3): a current lumbosacral radiculopathy, sciatica,
// lumbar spinal stenosis or entrapment of a leg nerve (M54.1x lumbar, M54.3, M54.4, M48.06, G57).
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'nerve-compression',
  title: 'Nerve compression',
  reads: 'condition',
  valueSet: 'nerve-compression',
  names: [
    'sciatica', 'lumbar radiculopathy', 'lumbosacral radiculopathy', 'lumbar spinal stenosis', 'spinal stenosis of lumbar region',
    'spinal stenosis, lumbar region', 'tarsal tunnel syndrome', 'meralgia paresthetica', 'peroneal nerve palsy', 'sciatic nerve lesion',
  ],
  excludeNames: ['cervical', 'thoracic', 'family history', 'risk of'],
  evidence: {
    level: 'moderate',
    caveat:
      'The review names lumbar canal stenosis; other nerve compressions are less studied.',
    references: ['R1', 'article'],
  },
  cause: {
    section: 'Overextension and Other Factors',
    authority: 'the source article (citing Dr. Bhupinder K, AskMedicalDoctor)',
    summary: 'A pinched or compressed nerve supplying the legs is named as a possible culprit.',
  },
} satisfies ConditionRule;
