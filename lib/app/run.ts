// Loads the launched patient's data and evaluates it. Split into its own chunk (dynamic import)
// so value sets and the engine do not weigh on the page's first load.
import type Client from 'fhirclient/lib/Client';
import { knowledgeBase, SOURCE_ARTICLE } from '../../cds-rules';
import { evaluate } from '../engine/evaluate';
import { loadPatientData } from '../fhir/loader';
import { createFetchTransport } from '../fhir/transport';
import { knowledge } from '../knowledge';
import { loadUcumFallback } from '../terminology/ucumFallback';
import { createUnitConverter } from '../terminology/units';
import type { SidebarModel } from '../ui/types';
import { isObject } from '../engine/text';

export class SessionExpiredError extends Error {}

export async function runForClient(client: Client, now: Date = new Date()): Promise<SidebarModel & { styleUrl?: string }> {
  const patientId = client.patient.id;
  if (!patientId) throw new Error('The launch did not include a patient. Open the app from a patient’s chart.');
  const canRefresh = () => typeof client.state.tokenResponse?.refresh_token === 'string';
  // One refresh at a time: parallel requests that all meet a 401 share it.
  let refreshing: Promise<boolean> | undefined;
  const refresh = () => {
    refreshing ??= client.refresh().then(
      () => true,
      () => false,
    );
    return refreshing;
  };
  const transport = createFetchTransport({
    baseUrl: client.state.serverUrl,
    token: async () => {
      if (canRefresh() && !refreshing) await client.refreshIfNeeded();
      else if (refreshing) await refreshing;
      return client.state.tokenResponse?.access_token;
    },
    // A token the server no longer accepts (expired early or revoked): refresh once if the launch
    // granted a refresh token; otherwise the 401 stands and the user is asked to relaunch.
    onUnauthorized: async () => (canRefresh() ? refresh() : false),
  });
  const data = await loadPatientData(transport, patientId, knowledge(), { now });
  if (!data.patient && data.notChecked.some((n) => n.status === 401)) {
    throw new SessionExpiredError('Your session has expired. Relaunch the app from the EHR.');
  }
  let units = createUnitConverter();
  const needsUcum = data.observations.some((o) => {
    const q = o.valueQuantity;
    return isObject(q) && typeof q.value === 'number' && !knowledge().kb.analytes.some((a) => units.knows({ code: q.code, text: q.unit }, a));
  });
  if (needsUcum) units = createUnitConverter(await loadUcumFallback());
  const result = evaluate(knowledge(), data, now, { units });
  const token = client.state.tokenResponse ?? {};
  const styleUrl = typeof token.smart_style_url === 'string' ? token.smart_style_url : undefined;
  return {
    result,
    ...(data.patient ? { patient: data.patient } : {}),
    needPatientBanner: token.need_patient_banner !== false,
    askThePatient: knowledgeBase.askThePatient,
    sourceArticle: SOURCE_ARTICLE,
    ...(styleUrl ? { styleUrl } : {}),
  };
}
