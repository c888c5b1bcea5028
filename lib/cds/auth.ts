// Verifies the CDS client's JWT (CDS Hooks 2.0, "Trusting CDS Clients"): header `typ` "JWT" and a `kid`
// (both required by the spec), asymmetric signature from a trusted issuer's keys, `aud` equal to our
// endpoint, `exp`/`iat` present and current, a `jti` not seen before, and the `tenant` claim in the
// issuer's allowlist when one is configured. `alg: none` and HMAC are refused by the algorithm allowlist.
// The reasons are for the security log only; callers answer a bare "Unauthorized".
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { CdsConfig, TrustedIssuer } from './config';

export const ACCEPTED_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

export class CdsAuthError extends Error {
  /** True for a token seen before (logged as a replay). */
  constructor(
    message: string,
    readonly replay = false,
  ) {
    super(message);
  }
}

const remoteSets = new Map<string, JWTVerifyGetKey>();
// Inline key sets, by their JSON: importing an EC key costs more than verifying with it, so import once per process.
const localSets = new Map<string, JWTVerifyGetKey>();
function remote(url: string): JWTVerifyGetKey {
  let set = remoteSets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    remoteSets.set(url, set);
  }
  return set;
}

function keysFor(issuer: TrustedIssuer, jku: string | undefined): JWTVerifyGetKey {
  if (jku !== undefined) {
    if (!issuer.jku?.includes(jku)) throw new CdsAuthError('the token’s jku is not a key set this issuer is trusted to use');
    return remote(jku);
  }
  if (issuer.jwks) {
    const key = JSON.stringify(issuer.jwks);
    if (!localSets.has(key)) localSets.set(key, createLocalJWKSet(issuer.jwks as Parameters<typeof createLocalJWKSet>[0]));
    return localSets.get(key) as JWTVerifyGetKey;
  }
  if (issuer.jwks_uri) return remote(issuer.jwks_uri);
  throw new CdsAuthError('no keys are configured for this issuer');
}

// Seen token ids until they expire, so a captured token cannot be replayed.
const seenJti = new Map<string, number>();
function rememberJti(iss: string, jti: string, exp: number): void {
  const now = Date.now() / 1000;
  for (const [key, until] of seenJti) if (until < now) seenJti.delete(key);
  const key = `${iss}|${jti}`;
  if (seenJti.has(key)) throw new CdsAuthError('this token has already been used (jti replay)', true);
  seenJti.set(key, exp);
}

/** Returns the verified issuer, or throws CdsAuthError with a reason for the security log. */
/** Records a token id until it expires; resolves false when it was already used (a replay). */
export type JtiRegistry = (issuer: string, jti: string, expiresAt: Date) => Promise<boolean>;

export async function verifyCdsJwt(
  authorization: string | undefined,
  audiences: readonly string[],
  config: CdsConfig,
  registry?: JtiRegistry,
): Promise<string> {
  const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(authorization?.trim() ?? '');
  if (!m?.[1]) throw new CdsAuthError('a Bearer JWT is required in the Authorization header');
  const token = m[1];
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    throw new CdsAuthError('the token is not a well-formed JWT');
  }
  if (typeof header.alg !== 'string' || !ACCEPTED_ALGORITHMS.includes(header.alg)) {
    throw new CdsAuthError(`the token’s algorithm "${String(header.alg)}" is not accepted; use an asymmetric one such as ES384`);
  }
  if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') throw new CdsAuthError('the token’s header "typ" is not "JWT"');
  if (typeof header.kid !== 'string' || header.kid.length === 0) throw new CdsAuthError('the token’s header has no "kid"');
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  const issuer = Object.prototype.hasOwnProperty.call(config.trustedIssuers, iss) ? config.trustedIssuers[iss] : undefined;
  if (!issuer) throw new CdsAuthError('the token’s issuer is not trusted');
  if (issuer.tenants && !(typeof claims.tenant === 'string' && issuer.tenants.includes(claims.tenant))) {
    throw new CdsAuthError('the token’s tenant is not one this issuer is trusted for');
  }
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, keysFor(issuer, typeof header.jku === 'string' ? header.jku : undefined), {
      issuer: iss,
      audience: [...audiences],
      algorithms: ACCEPTED_ALGORITHMS,
      requiredClaims: ['exp', 'iat', 'jti'],
      clockTolerance: 30,
      maxTokenAge: '10m',
    }));
  } catch (error) {
    if (error instanceof CdsAuthError) throw error;
    if (error instanceof errors.JWTExpired) throw new CdsAuthError('the token has expired');
    if (error instanceof errors.JWTClaimValidationFailed) throw new CdsAuthError(`the token’s "${error.claim}" claim is not acceptable`);
    if (error instanceof errors.JWSSignatureVerificationFailed) throw new CdsAuthError('the token’s signature does not verify');
    if (error instanceof errors.JWKSNoMatchingKey) throw new CdsAuthError('no trusted key matches the token');
    throw new CdsAuthError('the token could not be verified');
  }
  // Replay protection shared by every instance through the store; in-process only without one. A store that
  // fails here is not the client's fault: its error goes up as is (the service answers 503), never as a 401.
  if (registry) {
    if (!(await registry(iss, String(payload.jti), new Date(Number(payload.exp) * 1000)))) {
      throw new CdsAuthError('this token has already been used (jti replay)', true);
    }
  } else {
    rememberJti(iss, String(payload.jti), Number(payload.exp));
  }
  return iss;
}
