// Security headers for every page and API route, computed from the environment when the server
// starts (proxy.ts), so one build serves several EHR deployments:
// - FRAME_ANCESTORS: the EHR origins allowed to frame the app (space-separated; default 'self');
// - FHIR_ORIGINS and SMART_ALLOWED_ISSUERS: the FHIR / authorization server origins the browser may
//   connect to (connect-src). http is accepted only for loopback servers (a developer's local FHIR
//   server). With neither set, any https origin is allowed (the app follows whichever EHR launches it);
// - PUBLIC_BASE_URL (or CDS_PUBLIC_BASE_URL): when it is https, HSTS is sent.

export interface Header {
  readonly key: string;
  readonly value: string;
}

type Env = Record<string, string | undefined>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Origins for connect-src from FHIR_ORIGINS and SMART_ALLOWED_ISSUERS; http only on loopback. */
export function connectOrigins(env: Env): string[] {
  const out = new Set<string>();
  for (const entry of `${env.FHIR_ORIGINS ?? ''} ${env.SMART_ALLOWED_ISSUERS ?? ''}`.split(/[\s,]+/).filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      continue;
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) out.add(url.origin);
  }
  return [...out];
}

function httpsPublicUrl(env: Env): boolean {
  const value = (env.PUBLIC_BASE_URL ?? env.CDS_PUBLIC_BASE_URL ?? '').trim();
  return /^https:\/\//i.test(value);
}

/** Every environment variable securityHeaders reads (callers cache the headers on these; a test keeps it exact). */
export const SECURITY_HEADER_VARIABLES = [
  'CDS_PUBLIC_BASE_URL',
  'FHIR_ORIGINS',
  'FRAME_ANCESTORS',
  'NODE_ENV',
  'PUBLIC_BASE_URL',
  'SANDBOX_ENABLED',
  'SANDBOX_ORIGIN',
  'SMART_ALLOWED_ISSUERS',
] as const;

export function securityHeaders(env: Env): Header[] {
  const ancestors = (env.FRAME_ANCESTORS || "'self'").trim();
  const dev = env.NODE_ENV === 'development';
  const origins = connectOrigins(env);
  const connect = ["'self'", ...(origins.length > 0 ? origins : ['https:'])];
  if (dev) connect.push('http://localhost:*', 'http://127.0.0.1:*');
  // The demo EHR's FHIR server is this app at SANDBOX_ORIGIN (which may differ from the address the browser used).
  if (env.SANDBOX_ENABLED === 'true' && env.SANDBOX_ORIGIN) {
    const demo = connectOrigins({ FHIR_ORIGINS: env.SANDBOX_ORIGIN });
    for (const o of demo) if (!connect.includes(o)) connect.push(o);
  }
  const csp = [
    "default-src 'self'",
    // Production builds use webpack, whose pages-router HTML has no executable inline script (only
    // the __NEXT_DATA__ JSON block, which CSP does not treat as script), so no nonce or hash is
    // needed. Dev mode needs eval and inline scripts for hot reloading.
    `script-src 'self'${dev ? " 'unsafe-inline' 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  const headers: Header[] = [
    { key: 'Content-Security-Policy', value: csp },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'no-referrer' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()' },
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin-allow-popups' },
  ];
  if (httpsPublicUrl(env)) headers.push({ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' });
  return headers;
}
