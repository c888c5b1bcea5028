// Demo EHR "CDS Hooks" view: the EHR calls our patient-view service for the selected patient (signed
// JWT, fhirServer plus a patient token; with the complaint switch on, a `conditions` prefetch holding
// the patient's Conditions and an added leg-cramp complaint) and renders the cards it gets back, with
// the override reasons as buttons that send feedback and call the service again.
import type { GetServerSideProps } from 'next';
import Head from 'next/head';
import type { Card } from '../../lib/cds/cards';
import { callDemoCds, cardsOf } from '../../lib/sandbox/cdsClient';
import { CdsCardList } from '../../lib/sandbox/CdsCardList';
import { ComplaintToggle, NoticeMessage, readNotice, ViewNav } from '../../lib/sandbox/CdsViewParts';
import { draftChoice, PATIENT_VIEW_SERVICE, type Notice } from '../../lib/sandbox/cdsViewState';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { sandboxEnabled, sandboxOrigin } from '../../lib/sandbox/enabled';
import { demoPatientRows, type DemoPatientRow } from '../../lib/sandbox/patientList';

interface Props {
  patient: DemoPatientRow;
  /** The record itself documents a complaint (demo-complaint). */
  recorded: boolean;
  deceased: boolean;
  complaint: boolean;
  status: number;
  cards: Card[];
  error: string | null;
  notice: Notice | null;
  noticeStatus: number | null;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => {
  if (!sandboxEnabled()) return { notFound: true };
  const patient = demoPatientRows().find((p) => p.id === query.patient);
  if (!patient) return { notFound: true };
  const complaint = query.complaint === '1';
  const answer = await callDemoCds(sandboxOrigin(), patient.id, 'fetch', { complaint });
  const { cards, error } = cardsOf(answer);
  const { notice, status } = readNotice(query);
  const demo = demoPatients.find((p) => p.id === patient.id);
  const record = demo?.resources(new Date()).find((r): r is fhir4.Patient => r.resourceType === 'Patient');
  return {
    props: {
      patient,
      recorded: demo?.complaint === true,
      deceased: Boolean(record?.deceasedDateTime ?? record?.deceasedBoolean),
      complaint,
      status: answer.status,
      cards,
      error,
      notice,
      noticeStatus: status,
    },
  };
};

export default function CdsView({ patient, recorded, deceased, complaint, status, cards, error, notice, noticeStatus }: Props) {
  const documented = complaint || recorded;
  return (
    <main className="ehr cds-view">
      <Head>
        <title>{`CDS Hooks patient-view: ${patient.name}`}</title>
      </Head>
      <ViewNav patientId={patient.id} current="cds" complaint={complaint} />
      <h1>CDS Hooks: {patient.name}</h1>
      <p>
        The demo EHR sent a <code>patient-view</code> request to <code>/cds-services/{PATIENT_VIEW_SERVICE}</code> with a signed ES384 JWT
        and access to its FHIR API. Answer: HTTP {status}, {cards.length} card{cards.length === 1 ? '' : 's'}.
      </p>
      <ComplaintToggle patientId={patient.id} view="cds" complaint={complaint} recorded={recorded} />
      <NoticeMessage notice={notice} status={noticeStatus} removed={draftChoice(undefined)} />
      {error ? (
        <p className="not-checked" role="alert">
          {error}
        </p>
      ) : null}
      {!error && cards.length === 0 ? (
        <p className="cds-empty" role="status">
          {deceased
            ? 'No cards: the service does not speak for a deceased patient.'
            : documented
            ? 'No cards: no current documented cause to push (or its rules are snoozed for this patient), and nothing reported unchecked.'
            : 'No cards: without a documented leg-cramp complaint the service stays silent (a quinine order would still be flagged).'}
        </p>
      ) : null}
      <CdsCardList cards={cards} target={{ patientId: patient.id, service: PATIENT_VIEW_SERVICE, view: 'cds', complaint }} />
    </main>
  );
}
