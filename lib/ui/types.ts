// What the sidebar renders: the evaluation plus the launch context facts it displays.
import type { EvaluationResult } from '../engine/types';

export interface SidebarModel {
  readonly result: EvaluationResult;
  readonly patient?: fhir4.Patient;
  /** From the launch context; the banner is hidden only when this is explicitly false. */
  readonly needPatientBanner?: boolean;
  readonly askThePatient: readonly string[];
  readonly sourceArticle: string;
}
