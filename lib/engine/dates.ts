// FHIR date and dateTime parsing. A partial date ("2024", "2024-05", "2024-05-17") is a period:
// read as its first instant when it starts something and its last instant when it ends something.

const PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export type DateEdge = 'start' | 'end';

export function parseFhirDate(value: unknown, edge: DateEdge = 'start'): Date | undefined {
  if (typeof value !== 'string' || value.length < 4 || value.length > 40) return undefined;
  const partial = PARTIAL.exec(value);
  if (partial) {
    const year = Number(partial[1]);
    const month = partial[2] ? Number(partial[2]) - 1 : undefined;
    const day = partial[3] ? Number(partial[3]) : undefined;
    if (month !== undefined && (month < 0 || month > 11)) return undefined;
    if (day !== undefined && (day < 1 || day > 31)) return undefined;
    if (edge === 'start') return new Date(Date.UTC(year, month ?? 0, day ?? 1));
    const next =
      day !== undefined
        ? Date.UTC(year, month ?? 0, day + 1)
        : month !== undefined
          ? Date.UTC(year, month + 1, 1)
          : Date.UTC(year + 1, 0, 1);
    return new Date(next - 1);
  }
  // Full dateTime: FHIR requires a time zone; Date.parse handles the ISO form.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysBetween(earlier: Date, later: Date): number {
  return (later.getTime() - earlier.getTime()) / DAY_MS;
}

/** "2024-05-17" from a FHIR date or dateTime, for display. */
export function displayDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.length > 10 ? value.slice(0, 10) : value;
}

/** Whole years between a FHIR birth date and an instant, or undefined when the birth date is unusable. */
export function ageInYears(birthDate: unknown, at: Date): number | undefined {
  const born = parseFhirDate(birthDate, 'start');
  if (!born || born.getTime() > at.getTime()) return undefined;
  let years = at.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday =
    at.getUTCMonth() < born.getUTCMonth() ||
    (at.getUTCMonth() === born.getUTCMonth() && at.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}
