// The SMART_ALLOWED_ISSUERS allowlist, kept apart so the launch page can use it without fhirclient.
/** Is `iss` one of the allowed FHIR servers? An entry is a FHIR base URL (exact) or an origin (any path there). */
export function issuerAllowed(iss: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const trim = (u: string) => u.trim().replace(/\/+$/, '');
  let issUrl: URL;
  try {
    issUrl = new URL(iss);
  } catch {
    return false;
  }
  return allowed.some((entry) => {
    if (trim(entry) === trim(iss)) return true;
    try {
      const e = new URL(entry.trim());
      return (e.pathname === '/' || e.pathname === '') && e.origin === issUrl.origin;
    } catch {
      return false;
    }
  });
}

/** Parses SMART_ALLOWED_ISSUERS (space- or comma-separated). */
export function parseAllowedIssuers(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
