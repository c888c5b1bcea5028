// Demo EHR "Medication orders" view: the clinician picks a draft order; the EHR sends an
// `order-select` request (context.draftOrders: a Bundle with the draft MedicationRequest, selections
// naming it) and shows the cards. The quinine card's suggestion removes the draft; override reasons
// send feedback and call the service again, as on the patient view.
import type { GetServerSideProps } from 'next';
import Head from 'next/head';
import type { Card } from '../../lib/cds/cards';
import { callDemoOrderSelect, cardsOf } from '../../lib/sandbox/cdsClient';
import { CdsCardList } from '../../lib/sandbox/CdsCardList';
import { ComplaintToggle, NoticeMessage, readNotice, ViewNav } from '../../lib/sandbox/CdsViewParts';
import { DRAFT_CHOICES, draftChoice, ORDER_SELECT_SERVICE, type DraftChoice, type Notice } from '../../lib/sandbox/cdsViewState';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { sandboxEnabled, sandboxOrigin } from '../../lib/sandbox/enabled';
import { demoPatientRows, type DemoPatientRow } from '../../lib/sandbox/patientList';

interface Props {
  patient: DemoPatientRow;
  recorded: boolean;
  complaint: boolean;
  order: DraftChoice | null;
  /** null when no order is picked (no call made). */
  status: number | null;
  cards: Card[];
  error: string | null;
  notice: Notice | null;
  noticeStatus: number | null;
  removed: string | null;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => {
  if (!sandboxEnabled()) return { notFound: true };
  const patient = demoPatientRows().find((p) => p.id === query.patient);
  if (!patient) return { notFound: true };
  const complaint = query.complaint === '1';
  const order = draftChoice(query.order) ?? null;
  const answer = order ? await callDemoOrderSelect(sandboxOrigin(), patient.id, order, { complaint }) : null;
  const { cards, error } = answer ? cardsOf(answer) : { cards: [], error: null };
  const { notice, status, removed } = readNotice(query);
  return {
    props: {
      patient,
      recorded: demoPatients.some((p) => p.id === patient.id && p.complaint === true),
      complaint,
      order,
      status: answer?.status ?? null,
      cards,
      error,
      notice,
      noticeStatus: status,
      removed: removed?.key ?? null,
    },
  };
};

export default function OrdersView({ patient, recorded, complaint, order, status, cards, error, notice, noticeStatus, removed }: Props) {
  return (
    <main className="ehr cds-view">
      <Head>
        <title>{`CDS Hooks order-select: ${patient.name}`}</title>
      </Head>
      <ViewNav patientId={patient.id} current="orders" complaint={complaint} />
      <h1>Medication orders: {patient.name}</h1>
      <p>
        Picking a drug writes a draft <code>MedicationRequest</code> (status draft, intent order) and sends an <code>order-select</code> request
        to <code>/cds-services/{ORDER_SELECT_SERVICE}</code> with the draft in <code>context.draftOrders</code> and its id in{' '}
        <code>context.selections</code>.
      </p>
      <ComplaintToggle patientId={patient.id} view="orders" complaint={complaint} order={order?.key} recorded={recorded} />
      <form method="get" action="/sandbox/orders" className="cds-picker">
        <input type="hidden" name="patient" value={patient.id} />
        {complaint ? <input type="hidden" name="complaint" value="1" /> : null}
        <fieldset>
          <legend>Draft medication order</legend>
          {DRAFT_CHOICES.map((c) => (
            <label key={c.key} className="cds-choice">
              <input type="radio" name="order" value={c.key} defaultChecked={order?.key === c.key} required />
              <span>
                {c.label}
                <span className="muted"> {c.code ? `RxNorm ${c.code}` : 'no RxNorm code: named only'}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="cds-button primary">
          Select order
        </button>
      </form>
      <NoticeMessage notice={notice} status={noticeStatus} removed={draftChoice(removed)} />
      <section aria-labelledby="draft-heading" className="cds-draft">
        <h2 id="draft-heading">Draft order</h2>
        {order ? (
          <p>
            <strong>{order.label}</strong> ({order.dosage.toLowerCase()}), status draft. Answer from the service: HTTP {status}, {cards.length}{' '}
            card{cards.length === 1 ? '' : 's'}.
          </p>
        ) : (
          <p>No draft order. Pick a drug above to send an order-select request.</p>
        )}
      </section>
      {error ? (
        <p className="not-checked" role="alert">
          {error}
        </p>
      ) : null}
      {order && !error && cards.length === 0 ? (
        <p className="cds-empty" role="status">
          No cards for this draft order{complaint || recorded ? '.' : ' (without a documented leg-cramp complaint only a quinine order is flagged).'}
        </p>
      ) : null}
      <CdsCardList cards={cards} target={{ patientId: patient.id, service: ORDER_SELECT_SERVICE, view: 'orders', complaint, ...(order ? { order: order.key } : {}) }} />
    </main>
  );
}
