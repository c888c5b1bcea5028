// A documented leg-cramp complaint (KNOWLEDGE section 6): the codes of the `leg-cramp-complaint`
// value set, or, for a Condition with no SNOMED CT or ICD coding, one of these phrases in its text
// (negation respected). The complaint is never a finding: it decides how loudly the app speaks.
import type { ComplaintDefinition } from '../lib/engine/types';

export const complaint = {
  valueSet: 'leg-cramp-complaint',
  names: [
    'leg cramp', 'leg cramps', 'nocturnal cramp', 'nocturnal cramps', 'nocturnal leg cramp', 'nocturnal leg cramps',
    'night cramps', 'night leg cramps', 'charley horse', 'charley horses', 'cramp in calf', 'cramps in calf',
    'calf cramp', 'calf cramps', 'cramp in lower leg', 'sleep related leg cramps', 'sleep-related leg cramps',
  ],
  excludeNames: ['family history', 'risk of', 'risk for'],
  recentDays: 365,
} as const satisfies ComplaintDefinition;
