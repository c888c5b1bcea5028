// Runs before every route: adds the security headers, computed once from the environment the server
// was started with (not at build time), so FRAME_ANCESTORS, FHIR_ORIGINS, SMART_ALLOWED_ISSUERS and
// the public URL can differ between deployments of one build.
import { NextResponse } from 'next/server';
import { securityHeaders, type Header } from './lib/securityHeaders';

let headers: readonly Header[] | undefined;

export function proxy() {
  headers ??= securityHeaders(process.env);
  const response = NextResponse.next();
  for (const { key, value } of headers) response.headers.set(key, value);
  return response;
}
