// Browser-only wrapper around fhirclient: authorize() for the launch page and a memoised ready()
// (React StrictMode runs effects twice, and a second code exchange would fail).
import type Client from 'fhirclient/lib/Client';
import { readConfig, scopesFor } from '../config';

type FhirModule = Pick<typeof import('fhirclient'), 'oauth2'>;

async function fhir(): Promise<FhirModule> {
  const mod = (await import('fhirclient')) as unknown as FhirModule & { default?: FhirModule };
  return mod.default ?? mod;
}

export class LaunchError extends Error {}

/**
 * Checks the launch parameters and starts SMART authorization (PKCE S256 always). With
 * `noRedirect` it returns the authorize URL instead of navigating (used by tests).
 */
export async function startLaunch(search: URLSearchParams, options: { noRedirect?: boolean } = {}): Promise<string | void> {
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
