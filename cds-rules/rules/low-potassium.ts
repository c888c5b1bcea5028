// Rule: the latest recent potassium is below the lower limit (KNOWLEDGE section 2).
import type { LabRule } from '../../lib/engine/types';

export default {
  id: 'low-potassium',
  title: 'Low potassium',
  reads: 'lab',
  analyte: 'potassium',
  direction: 'low',
  evidence: {
    level: 'weak',
    caveat:
      "Cramps were common with a low potassium in a veterans' study, but the review holds that cramps come mostly from muscle fatigue and nerve dysfunction; results conflict.",
    references: ['R1', 'R7', 'article'],
  },
  cause: {
    section: 'Diuretics and Leg Cramping; Diabetes',
    authority: 'the source article',
    summary: 'A low potassium level can cause leg cramps; water pills and insulin are two common reasons it falls.',
  },
} satisfies LabRule;
