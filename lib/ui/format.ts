// Small display helpers for the sidebar.
import { ageInYears } from '../engine/dates';

export function patientName(patient: fhir4.Patient | undefined): string {
  const name = patient?.name?.find((n) => n.use === 'official') ?? patient?.name?.[0];
  if (!name) return 'Unnamed patient';
  if (name.text) return name.text;
  return [...(name.given ?? []), name.family].filter(Boolean).join(' ') || 'Unnamed patient';
}

/** Whole years on a date; the engine's reckoning, so the banner and the BMI age check agree. */
export function ageOn(birthDate: string | undefined, on: Date): number | undefined {
  return ageInYears(birthDate, on);
}

export function shortDate(value: string | undefined): string {
  if (!value) return 'date not recorded';
  return value.slice(0, 10);
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
