// The demo EHR's handling of a clicked override reason or suggestion: checks the form, sends CDS Hooks
// feedback to the service that issued the card, and says where to go back to (the same view, which
// calls the service again). The way back is built from checked values only, never copied from input.
import { sendDemoFeedback, type DemoAnswer, type DemoFeedback } from './cdsClient';
import { draftChoice, ORDER_SELECT_SERVICE, PATIENT_VIEW_SERVICE, SNOOZE_CODE, viewUrl, type DemoServiceId } from './cdsViewState';
import { demoPatients } from './demoPatients';


export interface FeedbackOutcome {
  readonly status: number;
  /** Where to send the browser (303), when the form made sense. */
  readonly location?: string;
  readonly error?: string;
}

const text = (v: unknown, max = 500): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function handleDemoFeedback(
  form: Record<string, unknown>,
  origin: string,
  send: (origin: string, service: DemoServiceId, card: string, feedback: DemoFeedback) => Promise<DemoAnswer> = sendDemoFeedback,
): Promise<FeedbackOutcome> {
  const patient = text(form.patient, 64);
  if (!patient || !demoPatients.some((p) => p.id === patient)) return { status: 400, error: 'unknown patient' };
  const service = form.service === PATIENT_VIEW_SERVICE || form.service === ORDER_SELECT_SERVICE ? form.service : undefined;
  if (!service) return { status: 400, error: 'unknown CDS service' };
  const view = form.view === 'orders' ? 'orders' : 'cds';
  const card = text(form.card, 200);
  if (!card || !UUID.test(card)) return { status: 400, error: 'the card id is missing' };
  const complaint = form.complaint === '1';
  const order = draftChoice(form.order)?.key;

  const suggestion = text(form.suggestion, 200);
  if (suggestion) {
    if (!UUID.test(suggestion)) return { status: 400, error: 'the suggestion id is not valid' };
    const answer = await send(origin, service, card, { outcome: 'accepted', suggestion });
    // The suggestion removes the draft whatever the service says about the feedback: the clinician removed it.
    const ok = answer.status === 200;
    return {
      status: 303,
      location: viewUrl(view, patient, { complaint, notice: ok ? 'removed' : 'feedback-failed', ...(ok ? {} : { status: answer.status }), ...(order ? { removed: order } : {}) }),
    };
  }

  const code = text(form.reasonCode, 200);
  const system = text(form.reasonSystem);
  const display = text(form.reasonDisplay);
  if (!code || !system || !display) return { status: 400, error: 'the override reason is missing' };
  const answer = await send(origin, service, card, { outcome: 'overridden', reason: { system, code, display } });
  if (answer.status !== 200) return { status: 303, location: viewUrl(view, patient, { complaint, order, notice: 'feedback-failed', status: answer.status }) };
  return { status: 303, location: viewUrl(view, patient, { complaint, order, notice: code === SNOOZE_CODE ? 'snoozed' : 'overridden' }) };
}

/** A form post from this demo's own pages: same-origin by Fetch Metadata, or the configured demo origin. */
export function fromDemoPage(headers: Record<string, string | string[] | undefined>, origin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'same-origin') return true;
  if (site !== undefined && site !== 'none') return false;
  return headers.origin === origin;
}
