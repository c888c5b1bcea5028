// How long a record stays current before a finding asks the clinician to verify it (KNOWLEDGE
// section 6). Data, not engine constants, so each rule states its own window.
import type { Freshness } from '../../lib/engine/types';

/** A medication whose newest supporting record is over a year old, or undated, is shown "to verify". */
export const MEDICATION_FRESHNESS = { kind: 'recorded-within', days: 365 } as const satisfies Freshness;
