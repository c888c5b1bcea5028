// Rule: current quinine (KNOWLEDGE section 5). A safety finding, not a cause: quinine is not
// recommended for leg cramps. Shown first and never counted among the causes. Tonic water and
// negated mentions do not fire.
import type { MedicationRule } from '../../lib/engine/types';
import { MEDICATION_FRESHNESS } from './freshness';
import { SUPPLY_WORDS } from './supplyWords';

export default {
  id: 'quinine',
  title: 'Quinine: not recommended for cramps',
  reads: 'medication',
  valueSet: 'quinine',
  names: ['quinine', 'quinine sulfate', 'Qualaquin'],
  excludeNames: [...SUPPLY_WORDS, 'tonic water', 'tonic'],
  freshness: MEDICATION_FRESHNESS,
  // A drafted quinine is always flagged, with a suggestion to remove the draft.
  atOrder: {
    kind: 'warn',
    summary: 'Quinine is not recommended for leg cramps (FDA)',
    removeLabel: 'Remove the quinine order',
    advice:
      'If it is meant for night cramps, consider removing the order; stretching has limited support, and the causes in the record are worth reviewing.',
  },
  evidence: {
    level: 'safety',
    caveat:
      'The FDA warned in 2010 that quinine must not be used for night-time leg cramps: it can cause serious, sometimes fatal, blood disorders, and its benefit in trials is modest.',
    references: ['R3', 'R10', 'R1'],
  },
  cause: {
    section: 'Drug Safety Communication on quinine sulfate',
    authority: 'US FDA, 2010',
    summary:
      'Quinine is no longer recommended for leg cramps because of serious hematologic reactions; review why it is being taken and consider stopping it.',
  },
} satisfies MedicationRule;
