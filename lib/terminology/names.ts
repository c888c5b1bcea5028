// Whole-word, case-insensitive name matching for the fallback when no code matches.

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
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${parts.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}

/** The first name found in any of the texts, or undefined. */
export function findName(matcher: RegExp | undefined, texts: readonly string[]): string | undefined {
  if (!matcher) return undefined;
  for (const text of texts) {
    const m = matcher.exec(text);
    if (m) return m[0];
  }
  return undefined;
}
