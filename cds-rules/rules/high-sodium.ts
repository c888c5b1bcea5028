// Rule: the latest recent sodium is above the upper limit (KNOWLEDGE section 2).
import type { LabRule } from '../../lib/engine/types';

export default {
  id: 'high-sodium',
  title: 'High sodium',
  reads: 'lab',
  analyte: 'sodium',
  direction: 'high',
  evidence: {
    level: 'weak',
    caveat:
      'Named only by the source article.',
    references: ['article'],
  },
  cause: {
    section: 'Overextension and Other Factors',
    authority: 'Dr. Bhupinder K (AskMedicalDoctor)',
    summary: 'A sodium level that is too high is named among the causes of cramping.',
  },
} satisfies LabRule;
