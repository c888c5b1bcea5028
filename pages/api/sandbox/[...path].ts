// Demo EHR endpoints (thin: parse, call lib/sandbox, answer): SMART discovery, authorize, token,
// the FHIR API, launch creation, the EHR's style sheet, and the CDS views' feedback form (POST
// cds-feedback: sends CDS Hooks feedback, then 303 back to the view). 404 unless SANDBOX_ENABLED=true.
import type { NextApiRequest, NextApiResponse } from 'next';
import { createLaunch, exchange, issueCode, launchContext, type LaunchContext } from '../../../lib/sandbox/auth';
import { demoPatients } from '../../../lib/sandbox/demoPatients';
import { sandboxEnabled, sandboxOrigin } from '../../../lib/sandbox/enabled';
import { handleFhirGet, smartConfiguration } from '../../../lib/sandbox/fhirApi';
import { callDemoCds, demoCdsJwks } from '../../../lib/sandbox/cdsClient';
import { fromDemoPage, handleDemoFeedback } from '../../../lib/sandbox/demoFeedback';

const FAILABLE = new Set(['MedicationStatement', 'MedicationRequest', 'Condition', 'Observation', 'Patient', 'Procedure']);

function parseFail(value: string | undefined): LaunchContext['fail'] {
  const m = /^([A-Za-z]+):(\d{3})$/.exec(value ?? '');
  if (!m?.[1] || !FAILABLE.has(m[1])) return undefined;
  return { resourceType: m[1], status: Number(m[2]) };
}

function authorize(req: NextApiRequest, res: NextApiResponse, origin: string) {
  const q = new URLSearchParams(req.url?.split('?')[1] ?? '');
  const redirectUri = q.get('redirect_uri') ?? '';
  let redirect: URL;
  try {
    redirect = new URL(redirectUri);
  } catch {
    return res.status(400).json({ error: 'invalid_request', error_description: 'redirect_uri is missing or not a URL' });
  }
  if (redirect.origin !== origin) {
    return res.status(400).json({ error: 'invalid_request', error_description: 'redirect_uri is not registered for this client' });
  }
  const back = (params: Record<string, string>) => {
    const target = new URL(redirect);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    const state = q.get('state');
    if (state) target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  };
  if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const clientId = q.get('client_id');
  if (!clientId) return back({ error: 'invalid_request', error_description: 'client_id is required' });
  if (q.get('aud') !== `${origin}/api/sandbox/fhir`) return back({ error: 'invalid_request', error_description: 'aud is not this FHIR server' });
  const challenge = q.get('code_challenge');
  if (q.get('code_challenge_method') !== 'S256' || !challenge) {
    return back({ error: 'invalid_request', error_description: 'PKCE with S256 is required' });
  }
  let context: LaunchContext | undefined;
  const launch = q.get('launch');
  if (launch) {
    context = launchContext(launch);
    if (!context) return back({ error: 'invalid_request', error_description: 'unknown launch' });
  } else {
    const picked = q.get('sandbox_patient');
    if (!picked) return res.redirect(302, `/sandbox/pick?${q.toString()}`);
    if (!demoPatients.some((p) => p.id === picked)) return back({ error: 'invalid_request', error_description: 'unknown patient' });
    context = { patientId: picked, needPatientBanner: true };
  }
  const code = issueCode({
    ...context,
    clientId,
    redirectUri,
    codeChallenge: challenge,
    scope: q.get('scope') ?? '',
  });
  return back({ code });
}

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  if (!sandboxEnabled()) return res.status(404).json({ error: 'not_found' });
  const parts = ([] as string[]).concat(req.query.path ?? []);
  const route = parts.join('/');
  const origin = sandboxOrigin();
  const base = `${origin}/api/sandbox/fhir`;
  res.setHeader('Cache-Control', 'no-store');

  if (route === 'auth/token') {
    if (req.method !== 'POST') return res.status(405).json({ error: 'invalid_request', error_description: 'use POST' });
    const form = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, string>) : {};
    const result = exchange(form, origin);
    if (!result.ok) return res.status(result.status).json({ error: result.error, error_description: result.description });
    res.setHeader('Pragma', 'no-cache');
    return res.status(200).json(result.body);
  }
  if (route === 'cds-feedback') {
    // A clicked override reason or suggestion on the demo's CDS views: feedback to the service, then back to the view.
    if (req.method !== 'POST') return res.status(405).json({ error: 'use POST' });
    if (!fromDemoPage(req.headers, origin)) return res.status(403).json({ error: 'feedback is sent from the demo EHR pages only' });
    const form = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const outcome = await handleDemoFeedback(form, origin);
    if (outcome.location) return res.redirect(303, outcome.location);
    return res.status(outcome.status).json({ error: outcome.error ?? 'bad request' });
  }
  if (req.method !== 'GET') return res.status(405).json({ error: 'method not allowed' });
  if (route === 'auth/authorize') return authorize(req, res, origin);
  if (route === 'fhir/.well-known/smart-configuration') return res.status(200).json(smartConfiguration(origin));
  if (route === 'style') {
    return res.status(200).json({
      color_background: '#fbfcfe',
      color_highlight: '#0b5cad',
      color_text: '#1b1f24',
      font_family_body: 'system-ui, sans-serif',
      dim_border_radius: '6px',
    });
  }
  if (route === 'cds-client/jwks.json') return res.status(200).json(await demoCdsJwks());
  if (route === 'cds-call') {
    const patient = String(req.query.patient ?? '');
    if (!demoPatients.some((p) => p.id === patient)) return res.status(400).json({ error: 'unknown patient' });
    const mode = req.query.mode === 'none' ? 'none' : 'fetch';
    const answer = await callDemoCds(origin, patient, mode);
    return res.status(200).json(answer);
  }
  if (route === 'launch') {
    const patient = String(req.query.patient ?? '');
    if (!demoPatients.some((p) => p.id === patient)) return res.status(400).json({ error: 'unknown patient' });
    const fail = parseFail(typeof req.query.fail === 'string' ? req.query.fail : undefined);
    const launch = createLaunch({ patientId: patient, needPatientBanner: req.query.banner !== '0', ...(fail ? { fail } : {}) });
    return res.redirect(302, `/launch?iss=${encodeURIComponent(base)}&launch=${encodeURIComponent(launch)}`);
  }
  if (parts[0] === 'fhir') {
    const query = new URLSearchParams(req.url?.split('?')[1] ?? '');
    const answer = await handleFhirGet(parts.slice(1).join('/'), query, req.headers.authorization, base);
    for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
    res.setHeader('Content-Type', 'application/fhir+json; charset=utf-8');
    return res.status(answer.status).send(JSON.stringify(answer.body));
  }
  return res.status(404).json({ error: 'not_found' });
}
