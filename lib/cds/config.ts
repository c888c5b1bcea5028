// CDS Hooks service settings, read from the environment once per request (cheap) so tests can vary them.
import { z } from 'zod';

const issuerSchema = z.object({
  /** The issuer's public keys inline (a JWK Set). */
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
  /** Where to fetch the issuer's JWK Set. */
  jwks_uri: z.url({ protocol: /^https?$/ }).optional(),
  /** `jku` header values this issuer may point at (exact URLs). */
  jku: z.array(z.url({ protocol: /^https?$/ })).optional(),
  /** When set, the token's `tenant` claim must be one of these (CDS Hooks 2.0 optional claim). */
  tenants: z.array(z.string().min(1)).optional(),
});

export type TrustedIssuer = z.infer<typeof issuerSchema>;

export interface CdsConfig {
  /** False only for a local demo: then requests are accepted without a JWT. */
  readonly jwtRequired: boolean;
  readonly trustedIssuers: Readonly<Record<string, TrustedIssuer>>;
  readonly maxBodyBytes: number;
  /** `*` or a list of origins allowed to call from a browser. */
  readonly corsOrigins: '*' | readonly string[];
  /**
   * Public base URL of this app (the JWT audience and the SMART link). Never taken from the request's
   * Host or X-Forwarded-* headers: without it the hook endpoints answer 503.
   */
  readonly publicBaseUrl?: string;
  /** Whether an http:// fhirServer is accepted (local demo and tests); production needs https. */
  readonly allowHttpFhir: boolean;
  /** Whether a fhirServer on a loopback, private or link-local address is accepted (CDS_ALLOW_PRIVATE_FHIR). */
  readonly allowPrivateFhir: boolean;
  /** Origins exempt from the outbound address checks: the demo EHR's own origin when the demo is on. */
  readonly exemptFhirOrigins: readonly string[];
  /** How long a client may take to send its request body (ms); slower bodies get 408. */
  readonly bodyTimeoutMs: number;
  /** Timeout of one request to the fhirServer; EHRs wait only seconds for cards. */
  readonly fhirTimeoutMs: number;
  /** patient-view speaks only when a leg-cramp complaint is documented (`complaint`, the default) or always. */
  readonly patientViewTrigger: 'complaint' | 'always';
  /** Rule ids switched off at this site (CDS_DISABLED_RULES, comma or space separated). */
  readonly disabledRules: ReadonlySet<string>;
}

export class CdsConfigError extends Error {}

/** Every environment variable readCdsConfig reads (callers cache the configuration on these; a test keeps it exact). */
export const CDS_CONFIG_VARIABLES = [
  'CDS_ALLOW_HTTP_FHIR',
  'CDS_ALLOW_PRIVATE_FHIR',
  'CDS_BODY_TIMEOUT_MS',
  'CDS_CORS_ORIGINS',
  'CDS_DISABLED_RULES',
  'CDS_FHIR_TIMEOUT_MS',
  'CDS_JWT_REQUIRED',
  'CDS_MAX_BODY_BYTES',
  'CDS_PATIENT_VIEW_TRIGGER',
  'CDS_PUBLIC_BASE_URL',
  'CDS_TRUSTED_ISSUERS',
  'PORT',
  'SANDBOX_ENABLED',
  'SANDBOX_ORIGIN',
] as const;

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
  // The demo's origin as the demo computes it (SANDBOX_ORIGIN, else loopback on PORT); never a request's Host.
  const port = Number(env.PORT);
  const sandboxOrigin = sandbox ? (originOf(env.SANDBOX_ORIGIN) ?? `http://localhost:${Number.isInteger(port) && port > 0 ? port : 3000}`) : undefined;
  if (sandboxOrigin) {
    // The demo EHR is a CDS client of this service: trust its key through its published key set, found
    // from the configured demo origin (never from a request), as any other EHR would be configured.
    const demoIssuer = `${sandboxOrigin}/api/sandbox`;
    trustedIssuers = { ...trustedIssuers, [demoIssuer]: { jwks_uri: `${demoIssuer}/cds-client/jwks.json` } };
  }
  const publicBaseUrl = env.CDS_PUBLIC_BASE_URL?.trim().replace(/\/+$/, '') || sandboxOrigin;
  const bodyTimeout = Number(env.CDS_BODY_TIMEOUT_MS);
  return {
    jwtRequired: env.CDS_JWT_REQUIRED?.trim() !== 'false',
    trustedIssuers,
    maxBodyBytes: Number.isFinite(maxBody) && maxBody > 0 ? maxBody : 5 * 1024 * 1024,
    corsOrigins: !origins || origins === '*' ? '*' : origins.split(/[\s,]+/).filter(Boolean),
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    allowHttpFhir: env.CDS_ALLOW_HTTP_FHIR === 'true',
    allowPrivateFhir: env.CDS_ALLOW_PRIVATE_FHIR === 'true',
    exemptFhirOrigins: sandboxOrigin ? [sandboxOrigin] : [],
    bodyTimeoutMs: bodyTimeout > 0 ? bodyTimeout : 10_000,
    fhirTimeoutMs: Number(env.CDS_FHIR_TIMEOUT_MS) > 0 ? Number(env.CDS_FHIR_TIMEOUT_MS) : 8000,
    patientViewTrigger: readTrigger(env.CDS_PATIENT_VIEW_TRIGGER),
    disabledRules: new Set((env.CDS_DISABLED_RULES ?? '').split(/[\s,]+/).filter(Boolean)),
  };
}

function readTrigger(value: string | undefined): 'complaint' | 'always' {
  const v = value?.trim();
  if (!v || v === 'complaint') return 'complaint';
  if (v === 'always') return 'always';
  throw new CdsConfigError('CDS_PATIENT_VIEW_TRIGGER must be "complaint" (the default) or "always"');
}

/** The origin of a configured URL, or undefined when it is missing or not http(s). */
function originOf(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
