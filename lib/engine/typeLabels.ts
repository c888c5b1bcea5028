// Words for each readable resource type, shared by every face that reports what was not checked.
import type { ReadableType } from './types';

export const TYPE_WORDS: Record<ReadableType, string> = {
  Patient: 'Patient details',
  MedicationStatement: 'Medication statements',
  MedicationRequest: 'Medication orders',
  Medication: 'Medication details',
  Condition: 'Conditions',
  Observation: 'Lab results',
  Procedure: 'Procedures',
};
