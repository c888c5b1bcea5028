// Security headers for every page and API route. FRAME_ANCESTORS lists the EHR origins allowed to
// frame the app (space-separated); by default only the app's own origin may.
function securityHeaders(env) {
  const ancestors = (env.FRAME_ANCESTORS || "'self'").trim();
  const dev = env.NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    // Production builds use webpack, whose pages-router HTML has no executable inline script (only
    // the __NEXT_DATA__ JSON block, which CSP does not treat as script), so no nonce or hash is
    // needed. Turbopack adds an inline bootstrap script per build, which this policy would block.
    // Dev mode needs eval and inline scripts for hot reloading.
    `script-src 'self'${dev ? " 'unsafe-inline' 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    // The app talks to whichever FHIR server launched it, so connections go to https origins.
    `connect-src 'self' https:${env.SANDBOX_ENABLED === 'true' || dev ? ' http://localhost:* http://127.0.0.1:*' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  return [
    { key: 'Content-Security-Policy', value: csp },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'no-referrer' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()' },
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin-allow-popups' },
  ];
}

module.exports = { securityHeaders };
