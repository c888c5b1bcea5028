// Whole-word, case-insensitive name matching for the fallback when no code matches.
// A name found in a negated clause ("no insulin", "denies alcohol use") does not count.

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds one regular expression that finds any of `names` as a whole word (or phrase). */
export function wordMatcher(names: readonly string[]): RegExp | undefined {
  const parts = names.map((n) => n.trim()).filter((n) => n.length > 0);
  if (parts.length === 0) return undefined;
  // Longest first so "insulin glargine" wins over "insulin" when reporting what matched.
  parts.sort((a, b) => b.length - a.length);
  // Letters and digits are word characters; "/" "-" and spaces separate words.
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${parts.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

// Words that, earlier in the same clause, deny what follows. Clauses end at . ; : , ( ) and line breaks.
const NEGATION = /(?<![\p{L}\p{N}])(?:no|not|without|denies|denied|never|negative for|free of|absence of|ruled out|rule out|r\/o)(?![\p{L}\p{N}])/iu;
// Fixed phrases that contain "not" but deny nothing.
const NOT_A_NEGATION = /not (?:otherwise specified|elsewhere classified)/giu;
const CLAUSE_END = /[.;:,()\n]/g;

/** True when the clause before `index` in `text` negates what stands at `index`. */
export function isNegatedAt(text: string, index: number): boolean {
  const before = text.slice(0, index);
  let start = 0;
  for (const m of before.matchAll(CLAUSE_END)) start = (m.index ?? 0) + 1;
  const clause = before.slice(start).replace(NOT_A_NEGATION, '');
  return NEGATION.test(clause);
}

// Medication lists often put the status after the name: "quinine: not taking", "HCTZ (discontinued)".
// Such a status right after the name, before the next sentence, denies it too.
const TRAILING_NEGATION =
  /^[\s:,\-–(\[]*(?:not taking|not currently taking|no longer taking|not using|discontinued|stopped|declined|refused|never taken|held)(?![\p{L}\p{N}])/iu;

/** True when the words right after a name (up to the end of its sentence) say it is not taken. */
export function isNegatedAfter(text: string, end: number): boolean {
  const rest = text.slice(end);
  const stop = rest.search(/[.;\n]/);
  return TRAILING_NEGATION.test(stop === -1 ? rest : rest.slice(0, stop));
}

/** The first name found, not negated, in any of the texts, or undefined. */
export function findName(matcher: RegExp | undefined, texts: readonly string[]): string | undefined {
  if (!matcher) return undefined;
  // exec on the shared global matcher, not matchAll (which clones the expression on every call): this
  // runs for every record against every rule.
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    matcher.lastIndex = 0;
    for (let m = matcher.exec(text); m !== null; m = matcher.exec(text)) {
      const start = m.index;
      if (!isNegatedAt(text, start) && !isNegatedAfter(text, start + m[0].length)) {
        matcher.lastIndex = 0;
        return m[0];
      }
      if (m[0].length === 0) matcher.lastIndex++; // never loop on an empty match
    }
  }
  return undefined;
}

/** True when any text contains one of the words at all, negated or not (used for exclusions). */
export function mentions(matcher: RegExp | undefined, texts: readonly string[]): boolean {
  if (!matcher) return false;
  return texts.some((text) => {
    if (typeof text !== 'string') return false;
    matcher.lastIndex = 0;
    return matcher.test(text);
  });
}
