// Browser-only wrapper around fhirclient: authorize() for the launch page and a memoised ready()
// (React StrictMode runs effects twice, and a second code exchange would fail).
import type Client from 'fhirclient/lib/Client';
import { readConfig, scopesFor } from '../config';
import { issuerAllowed } from './issuers';

type FhirModule = Pick<typeof import('fhirclient'), 'oauth2'>;

async function fhir(): Promise<FhirModule> {
  const mod = (await import('fhirclient')) as unknown as FhirModule & { default?: FhirModule };
  return mod.default ?? mod;
}

export class LaunchError extends Error {}

/**
 * URL parameters fhirclient 2.6.3 reads from the page address in authorize(), over our own settings
 * (smart.js: iss, fhirServiceUrl, launch, patientId, clientId), plus the deprecated and other override
 * names some versions and forks honour. Only `iss` and `launch` belong in a launch URL.
 */
export const OVERRIDE_PARAMS = [
  'fhirServiceUrl',
  'patientId',
  'clientId',
  'client_id',
  'encounterId',
  'fakeTokenResponse',
  'redirectUri',
  'redirect_uri',
  'scope',
  'clientSecret',
  'target',
  'completeInTarget',
  'pkceMode',
  'stateKey',
  'noRedirect',
] as const;

/** Removes the override parameters from the address bar, where fhirclient would read them. */
function scrubPageUrl(): void {
  if (typeof window === 'undefined') return;
  const url = new URL(window.location.href);
  let changed = false;
  for (const name of OVERRIDE_PARAMS) {
    if (url.searchParams.has(name)) {
      url.searchParams.delete(name);
      changed = true;
    }
  }
  if (changed) window.history.replaceState(window.history.state, '', url.toString());
}

/**
 * Checks the launch parameters and starts SMART authorization (PKCE S256 always). With
 * `noRedirect` it returns the authorize URL instead of navigating (used by tests).
 */
export async function startLaunch(
  search: URLSearchParams,
  options: { noRedirect?: boolean; allowedIssuers?: readonly string[] } = {},
): Promise<string | void> {
  const iss = search.get('iss');
  const launch = search.get('launch');
  if (!iss) throw new LaunchError('The launch has no "iss" parameter: open the app from your EHR, or add ?iss=FHIR_BASE_URL.');
  let issUrl: URL;
  try {
    issUrl = new URL(iss);
  } catch {
    throw new LaunchError('The "iss" parameter is not a URL.');
  }
  const local = issUrl.hostname === 'localhost' || issUrl.hostname === '127.0.0.1';
  if (issUrl.protocol !== 'https:' && !(local && issUrl.protocol === 'http:')) {
    throw new LaunchError('The FHIR server address must use https.');
  }
  if (!issuerAllowed(iss, options.allowedIssuers ?? [])) {
    throw new LaunchError('This FHIR server is not one this app is set up for. Ask your administrator to add it to SMART_ALLOWED_ISSUERS.');
  }
  // fhirclient prefers URL parameters such as clientId or patientId over our settings: drop them.
  scrubPageUrl();
  const config = readConfig();
  const FHIR = await fhir();
  return FHIR.oauth2.authorize({
    iss,
    ...(launch ? { launch } : {}),
    clientId: config.clientId,
    scope: scopesFor(config, launch ? 'ehr' : 'standalone'),
    redirectUri: config.redirectUri,
    // Send an S256 challenge even to servers that do not advertise it: every launch uses PKCE.
    pkceMode: 'unsafeV1',
    completeInTarget: true,
    ...(options.noRedirect ? { noRedirect: true } : {}),
  });
}

let ready: Promise<Client> | undefined;

export function smartReady(): Promise<Client> {
  ready ??= fhir().then((FHIR) => FHIR.oauth2.ready());
  return ready;
}
