// CDS Hooks service settings, read from the environment once per request (cheap) so tests can vary them.
import { z } from 'zod';

const issuerSchema = z.object({
  /** The issuer's public keys inline (a JWK Set). */
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  /** Where to fetch the issuer's JWK Set. */
  jwks_uri: z.url({ protocol: /^https?$/ }).optional(),
  /** `jku` header values this issuer may point at (exact URLs). */
  jku: z.array(z.url({ protocol: /^https?$/ })).optional(),
});

export type TrustedIssuer = z.infer<typeof issuerSchema>;

export interface CdsConfig {
  /** False only for a local demo: then requests are accepted without a JWT. */
  readonly jwtRequired: boolean;
  readonly trustedIssuers: Readonly<Record<string, TrustedIssuer>>;
  readonly maxBodyBytes: number;
  /** `*` or a list of origins allowed to call from a browser. */
  readonly corsOrigins: '*' | readonly string[];
  /** Public base URL of this app (for `aud` and the SMART link); else taken from the request. */
  readonly publicBaseUrl?: string;
  /** Whether an http:// fhirServer is accepted (local demo and tests); production needs https. */
  readonly allowHttpFhir: boolean;
  /** Timeout of one request to the fhirServer; EHRs wait only seconds for cards. */
  readonly fhirTimeoutMs: number;
}

export class CdsConfigError extends Error {}

export function readCdsConfig(env: Record<string, string | undefined> = process.env): CdsConfig {
  let trustedIssuers: Record<string, TrustedIssuer> = {};
  const raw = env.CDS_TRUSTED_ISSUERS?.trim();
  if (raw) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new CdsConfigError('CDS_TRUSTED_ISSUERS is not valid JSON');
    }
    const checked = z.record(z.string(), issuerSchema).safeParse(parsed);
    if (!checked.success) throw new CdsConfigError(`CDS_TRUSTED_ISSUERS is malformed: ${checked.error.issues[0]?.message ?? ''}`);
    trustedIssuers = checked.data;
  }
  const maxBody = Number(env.CDS_MAX_BODY_BYTES ?? '');
  const origins = env.CDS_CORS_ORIGINS?.trim();
  const sandbox = env.SANDBOX_ENABLED === 'true';
  return {
    jwtRequired: env.CDS_JWT_REQUIRED?.trim() !== 'false',
    trustedIssuers,
    maxBodyBytes: Number.isFinite(maxBody) && maxBody > 0 ? maxBody : 5 * 1024 * 1024,
    corsOrigins: !origins || origins === '*' ? '*' : origins.split(/[\s,]+/).filter(Boolean),
    ...(env.CDS_PUBLIC_BASE_URL?.trim() ? { publicBaseUrl: env.CDS_PUBLIC_BASE_URL.trim().replace(/\/+$/, '') } : {}),
    allowHttpFhir: sandbox || env.CDS_ALLOW_HTTP_FHIR === 'true',
    fhirTimeoutMs: Number(env.CDS_FHIR_TIMEOUT_MS) > 0 ? Number(env.CDS_FHIR_TIMEOUT_MS) : 8000,
  };
}
