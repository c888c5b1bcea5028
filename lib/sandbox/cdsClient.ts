// The demo EHR acting as a CDS Hooks client: its own ES384 key pair (made once per process), a JWT
// for each call, and a patient-view request that lets the service read the demo FHIR API itself.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { issueAccessToken } from './auth';

interface Keys {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

const holder = globalThis as unknown as { __legCrampCdsKeys?: Promise<Keys> };

function keys(): Promise<Keys> {
  holder.__legCrampCdsKeys ??= (async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'demo-ehr-cds-1', alg: 'ES384', use: 'sig' };
    return { privateKey: pair.privateKey, jwk };
  })();
  return holder.__legCrampCdsKeys;
}

export const demoCdsIssuer = (origin: string) => `${origin}/api/sandbox`;

export async function demoCdsJwks(): Promise<{ keys: JWK[] }> {
  return { keys: [(await keys()).jwk] };
}

/** Calls the CDS service as an EHR would, and returns its status and body. */
export async function callDemoCds(origin: string, patientId: string, mode: 'fetch' | 'none'): Promise<{ status: number; body: unknown }> {
  const service = `${origin}/cds-services/leg-cramp-factors`;
  const { privateKey } = await keys();
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: 'demo-ehr-cds-1', typ: 'JWT' })
    .setIssuer(demoCdsIssuer(origin))
    .setSubject('demo-ehr')
    .setAudience(service)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(privateKey);
  const request = {
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/demo', patientId },
    ...(mode === 'fetch'
      ? {
          fhirServer: `${origin}/api/sandbox/fhir`,
          fhirAuthorization: {
            access_token: issueAccessToken(patientId),
            token_type: 'Bearer',
            expires_in: 300,
            scope: 'patient/*.read',
            subject: 'demo-ehr',
            patient: patientId,
          },
        }
      : {}),
  };
  const res = await fetch(service, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
    body: JSON.stringify(request),
  });
  return { status: res.status, body: await res.json().catch(() => ({ error: 'the service did not answer with JSON' })) };
}
