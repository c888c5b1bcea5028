// Pieces shared by the demo EHR's two CDS views (patient-view and order-select): the navigation
// between them, the "documented complaint" switch and the message after a clicked card action.
import Link from 'next/link';
import { draftChoice, viewUrl, type DraftChoice, type Notice } from './cdsViewState';

export function ViewNav({ patientId, current, complaint }: { patientId: string; current: 'cds' | 'orders'; complaint: boolean }) {
  const item = (view: 'cds' | 'orders', label: string) =>
    view === current ? (
      <span aria-current="page" className="cds-nav-current">
        {label}
      </span>
    ) : (
      <Link href={viewUrl(view, patientId, { complaint })}>{label}</Link>
    );
  return (
    <nav aria-label="Demo EHR" className="cds-nav">
      <Link href="/sandbox">All patients</Link>
      {item('cds', 'Patient view (patient-view)')}
      {item('orders', 'Medication orders (order-select)')}
    </nav>
  );
}

/**
 * The switch: a form that reloads the view with the complaint added (or not). The added Condition
 * goes only into this demo request's prefetch; the patient's stored record is unchanged.
 */
export function ComplaintToggle({ patientId, view, complaint, order, recorded }: { patientId: string; view: 'cds' | 'orders'; complaint: boolean; order?: string | undefined; recorded: boolean }) {
  return (
    <form method="get" action={`/sandbox/${view}`} className="cds-toggle">
      <input type="hidden" name="patient" value={patientId} />
      {order ? <input type="hidden" name="order" value={order} /> : null}
      {complaint ? null : <input type="hidden" name="complaint" value="1" />}
      <button type="submit" className="cds-switch" aria-pressed={complaint} aria-describedby="complaint-help">
        Documented leg-cramp complaint
      </button>
      <p id="complaint-help" className="muted">
        {complaint
          ? 'On: this request adds a Condition ICD-10-CM G47.62 “Sleep related leg cramps”, recorded today, to the patient’s Conditions.'
          : recorded
            ? 'Off: nothing added (this patient’s record already documents a leg-cramp complaint).'
            : 'Off: the patient’s own Conditions only. Switch on to add ICD-10-CM G47.62 “Sleep related leg cramps” to this request.'}
      </p>
    </form>
  );
}

export function NoticeMessage({ notice, status, removed }: { notice: Notice | null; status: number | null; removed: DraftChoice | undefined }) {
  if (!notice) return null;
  if (notice === 'feedback-failed') {
    return (
      <p className="not-checked" role="alert">
        The service did not accept the feedback (HTTP {status ?? 'none'}); nothing was snoozed.
      </p>
    );
  }
  const text =
    notice === 'snoozed'
      ? 'Snoozed for 90 days for this patient: the card’s rules stay silent on patient-view and on orders.'
      : notice === 'removed'
        ? `Suggestion accepted: the draft order${removed ? ` for ${removed.label}` : ''} was removed.`
        : 'Override sent to the service. The card may come back on the next call; only “Snooze 90 days” silences it.';
  return (
    <p className="cds-notice" role="status">
      {text}
    </p>
  );
}

export function readNotice(query: Record<string, unknown>): { notice: Notice | null; status: number | null; removed: DraftChoice | undefined } {
  const n = query.notice;
  const notice = n === 'snoozed' || n === 'overridden' || n === 'removed' || n === 'feedback-failed' ? n : null;
  const status = Number(query.status);
  return { notice, status: Number.isInteger(status) ? status : null, removed: draftChoice(query.removed) };
}
