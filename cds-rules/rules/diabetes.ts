// Rule: current diabetes mellitus of any type (KNOWLEDGE section 2). Prediabetes, family history,
// screening and "at risk" entries do not fire; neither does diabetes insipidus.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'diabetes',
  title: 'Diabetes',
  reads: 'condition',
  valueSet: 'diabetes',
  excludeValueSet: 'diabetes-excluded',
  names: ['diabetes mellitus', 'diabetes', 'diabetic'],
  excludeNames: [
    'prediabetes', 'pre-diabetes', 'prediabetic', 'pre-diabetic', 'borderline', 'insipidus', 'family history',
    'screening', 'at risk', 'risk of', 'risk for',
  ],
  evidence: {
    level: 'weak',
    caveat:
      'Patient pages name diabetes; a national survey tied cramps to HbA1c among other markers (cross-sectional).',
    references: ['R6', 'R5', 'article'],
  },
  cause: {
    section: 'Diabetes',
    authority: 'Diabetes Information Library',
    summary:
      'People with diabetes can have leg cramps by night and by day, and often run short of magnesium and sodium, which can also cause cramps.',
  },
} satisfies ConditionRule;
