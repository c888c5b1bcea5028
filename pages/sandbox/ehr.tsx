// Demo EHR chart view: a fake chart header with the app framed beside it, as an EHR embeds it.
import type { GetServerSideProps } from 'next';
import Link from 'next/link';
import { sandboxEnabled } from '../../lib/sandbox/enabled';
import { demoPatientRows, type DemoPatientRow } from '../../lib/sandbox/patientList';

interface Props {
  patient: DemoPatientRow;
  fail: string;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => {
  if (!sandboxEnabled()) return { notFound: true };
  const patient = demoPatientRows().find((p) => p.id === query.patient);
  if (!patient) return { notFound: true };
  return { props: { patient, fail: typeof query.fail === 'string' ? query.fail : '' } };
};

export default function Chart({ patient, fail }: Props) {
  const src = `/api/sandbox/launch?patient=${encodeURIComponent(patient.id)}&banner=0${fail ? `&fail=${encodeURIComponent(fail)}` : ''}`;
  return (
    <div className="chart">
      <header className="chart-header">
        <strong>{patient.name}</strong> <span>{patient.summary}</span> <Link href="/sandbox">All patients</Link>
      </header>
      <div className="chart-body">
        <section className="chart-main" aria-label="Chart">
          <h1>Chart</h1>
          <p>The EHR’s own chart would be here. The leg cramp sidebar runs in the frame on the right.</p>
        </section>
        {/* An EHR that lets the app copy a summary into the note grants clipboard-write to the frame. */}
        <iframe className="chart-app" title="Leg cramp factors" src={src} allow="clipboard-write" />
      </div>
    </div>
  );
}
