// Rule: hemodialysis (KNOWLEDGE section 3): a hemodialysis session in the last 90 days, or a current
// condition recording dependence on dialysis or end-stage renal disease (Z99.2, N18.6).
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'hemodialysis',
  title: 'Hemodialysis',
  reads: 'condition',
  valueSet: 'dialysis-dependence',
  names: ['dependence on renal dialysis', 'dependence on hemodialysis', 'end stage renal disease', 'end-stage renal disease', 'ESRD'],
  excludeNames: ['peritoneal', 'family history', 'risk of'],
  procedure: {
    valueSet: 'hemodialysis-procedures',
    names: ['hemodialysis', 'haemodialysis', 'hemodiafiltration'],
    excludeNames: ['catheter', 'fistula', 'graft', 'access', 'education', 'peritoneal'],
    withinDays: 90,
  },
  evidence: {
    level: 'strong',
    references: ['R1', 'article'],
  },
  cause: {
    section: 'Unopposed Flexion',
    authority: 'the source article (section citing the National Medical Society)',
    summary: 'Cramps at night are described in people on hemodialysis, where fluid and salts shift quickly during and after each session.',
  },
} satisfies ConditionRule;
