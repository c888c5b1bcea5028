// The demo EHR's SMART authorization server: launch contexts, authorization codes bound to a PKCE
// S256 challenge, client id and redirect URI, and bearer tokens scoped to one patient.
import { createHash, randomBytes } from 'node:crypto';

export interface LaunchContext {
  readonly patientId: string;
  /** Make one resource type fail for this launch, to show "not checked". */
  readonly fail?: { readonly resourceType: string; readonly status: number };
  readonly needPatientBanner: boolean;
}

interface CodeGrant extends LaunchContext {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly scope: string;
  readonly expires: number;
}

export interface TokenGrant extends LaunchContext {
  readonly scope: string;
  readonly expires: number;
  readonly clientId: string;
}

interface AuthState {
  launches: Map<string, LaunchContext>;
  codes: Map<string, CodeGrant>;
  tokens: Map<string, TokenGrant>;
  refresh: Map<string, TokenGrant>;
}

const holder = globalThis as unknown as { __legCrampAuth?: AuthState };
function state(): AuthState {
  holder.__legCrampAuth ??= { launches: new Map(), codes: new Map(), tokens: new Map(), refresh: new Map() };
  return holder.__legCrampAuth;
}

const TOKEN_SECONDS = 3600;
const random = () => randomBytes(32).toString('base64url');

export function createLaunch(context: LaunchContext): string {
  const id = random();
  state().launches.set(id, context);
  return id;
}

export function launchContext(id: string): LaunchContext | undefined {
  return state().launches.get(id);
}

export function issueCode(grant: Omit<CodeGrant, 'expires'>): string {
  const code = random();
  state().codes.set(code, { ...grant, expires: Date.now() + 60_000 });
  return code;
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export type TokenResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; error: string; description: string };

function tokenBody(grant: TokenGrant, origin: string, accessToken: string, refreshToken: string): Record<string, unknown> {
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: TOKEN_SECONDS,
    scope: grant.scope,
    patient: grant.patientId,
    need_patient_banner: grant.needPatientBanner,
    smart_style_url: `${origin}/api/sandbox/style`,
    refresh_token: refreshToken,
  };
}

function grantTokens(grant: Omit<TokenGrant, 'expires'>, origin: string): TokenResult {
  const access = random();
  const refresh = random();
  const full = { ...grant, expires: Date.now() + TOKEN_SECONDS * 1000 };
  state().tokens.set(access, full);
  state().refresh.set(refresh, full);
  return { ok: true, body: tokenBody(full, origin, access, refresh) };
}

const fail = (error: string, description: string, status = 400): TokenResult => ({ ok: false, status, error, description });

/** The token endpoint (RFC 6749 section 4.1.3 and 6, with RFC 7636 PKCE). */
export function exchange(form: Record<string, string | undefined>, origin: string): TokenResult {
  const grantType = form.grant_type;
  if (grantType === 'refresh_token') {
    const old = form.refresh_token ? state().refresh.get(form.refresh_token) : undefined;
    if (!old) return fail('invalid_grant', 'unknown refresh token');
    if (form.refresh_token) state().refresh.delete(form.refresh_token);
    return grantTokens(old, origin);
  }
  if (grantType !== 'authorization_code') return fail('unsupported_grant_type', 'only authorization_code and refresh_token are supported');
  const { code, redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId } = form;
  if (!code || !redirectUri || !verifier || !clientId) {
    return fail('invalid_request', 'code, redirect_uri, code_verifier and client_id are required');
  }
  const grant = state().codes.get(code);
  state().codes.delete(code); // single use, whatever happens next
  if (!grant || grant.expires < Date.now()) return fail('invalid_grant', 'the authorization code is unknown, used or expired');
  if (grant.clientId !== clientId) return fail('invalid_grant', 'the code was issued to another client');
  if (grant.redirectUri !== redirectUri) return fail('invalid_grant', 'redirect_uri does not match the authorization request');
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || s256(verifier) !== grant.codeChallenge) {
    return fail('invalid_grant', 'the PKCE code_verifier does not match the code_challenge');
  }
  return grantTokens(
    {
      patientId: grant.patientId,
      needPatientBanner: grant.needPatientBanner,
      scope: grant.scope,
      clientId: grant.clientId,
      ...(grant.fail ? { fail: grant.fail } : {}),
    },
    origin,
  );
}

/** A short-lived read token for one patient, as the demo EHR hands to its CDS service. */
export function issueAccessToken(patientId: string): string {
  const token = random();
  state().tokens.set(token, {
    patientId,
    needPatientBanner: true,
    scope: 'patient/*.read',
    clientId: 'demo-ehr-cds',
    expires: Date.now() + 300_000,
  });
  return token;
}

export function tokenGrant(authorization: string | undefined): TokenGrant | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m?.[1]) return undefined;
  const grant = state().tokens.get(m[1]);
  return grant && grant.expires > Date.now() ? grant : undefined;
}
