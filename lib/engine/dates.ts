// FHIR date and dateTime parsing. A partial date ("2024", "2024-05", "2024-05-17") is a period:
// read as its first instant when it starts something and its last instant when it ends something.

const PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export type DateEdge = 'start' | 'end';

/** The instant in ms, or NaN when the value is not a usable FHIR date or dateTime. */
function parseMs(value: string, edge: DateEdge): number {
  // Only "YYYY", "YYYY-MM" and "YYYY-MM-DD" can be partial dates.
  const partial = value.length === 4 || value.length === 7 || value.length === 10 ? PARTIAL.exec(value) : null;
  if (partial) {
    const year = Number(partial[1]);
    const month = partial[2] ? Number(partial[2]) - 1 : undefined;
    const day = partial[3] ? Number(partial[3]) : undefined;
    if (month !== undefined && (month < 0 || month > 11)) return NaN;
    if (day !== undefined && (day < 1 || day > 31)) return NaN;
    if (edge === 'start') return Date.UTC(year, month ?? 0, day ?? 1);
    const next =
      day !== undefined
        ? Date.UTC(year, month ?? 0, day + 1)
        : month !== undefined
          ? Date.UTC(year, month + 1, 1)
          : Date.UTC(year + 1, 0, 1);
    return next - 1;
  }
  // Full dateTime: FHIR requires a time zone; Date.parse handles the ISO form.
  if (!DATE_TIME.test(value)) return NaN;
  return Date.parse(value);
}

/**
 * Parsed values, while one evaluation runs (see withDateMemo): the same dates are read by several
 * rules. Null outside an evaluation, so nothing of a patient outlives it.
 */
let memo: { readonly start: Map<string, Date | null>; readonly end: Map<string, Date | null> } | null = null;

/**
 * Runs `fn` (synchronous) with parsed dates remembered, and forgets them when it returns. Nested calls
 * share the outer memo. Inside it the same text gives the same Date object: the engine only reads
 * dates, never changes one.
 */
export function withDateMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = { start: new Map(), end: new Map() };
  try {
    return fn();
  } finally {
    memo = null;
  }
}

/** Whether a date memo is active (tests: nothing is kept between evaluations). */
export function dateMemoActive(): boolean {
  return memo !== null;
}

function toDate(ms: number): Date | undefined {
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function parseFhirDate(value: unknown, edge: DateEdge = 'start'): Date | undefined {
  if (typeof value !== 'string' || value.length < 4 || value.length > 40) return undefined;
  if (!memo) return toDate(parseMs(value, edge));
  const seen = edge === 'start' ? memo.start : memo.end;
  let date = seen.get(value);
  if (date === undefined) seen.set(value, (date = toDate(parseMs(value, edge)) ?? null));
  return date ?? undefined;
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
