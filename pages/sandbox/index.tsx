// Demo EHR: the patient list, with an EHR launch, a framed launch and a failure switch per patient.
import type { GetServerSideProps } from 'next';
import Link from 'next/link';
import { sandboxEnabled } from '../../lib/sandbox/enabled';
import { demoPatientRows, type DemoPatientRow } from '../../lib/sandbox/patientList';

interface Props {
  patients: DemoPatientRow[];
}

export const getServerSideProps: GetServerSideProps<Props> = async () => {
  if (!sandboxEnabled()) return { notFound: true };
  return { props: { patients: demoPatientRows() } };
};

export default function SandboxHome({ patients }: Props) {
  return (
    <main className="ehr">
      <h1>Demo EHR</h1>
      <p>
        Launch the leg cramp sidebar for a demo patient, as an EHR would (SMART App Launch with PKCE). “Framed” shows it embedded beside a
        chart. “CDS Hooks” shows the cards our CDS Hooks service returns to the EHR for that patient; “Orders” drafts a medication order and shows the order-select cards. A standalone launch with a patient picker starts at <Link href="/sandbox/standalone">standalone launch</Link>.
      </p>
      <table className="patients">
        <caption>Demo patients</caption>
        <thead>
          <tr>
            <th scope="col">Patient</th>
            <th scope="col">Record holds</th>
            <th scope="col">Launch</th>
          </tr>
        </thead>
        <tbody>
          {patients.map((p) => (
            <tr key={p.id} data-patient={p.id}>
              <th scope="row">{p.name}</th>
              <td>{p.summary}</td>
              <td>
                <form action="/api/sandbox/launch" method="get" className="launch-form">
                  <input type="hidden" name="patient" value={p.id} />
                  <label>
                    <span className="visually-hidden">Make a resource type fail for {p.name}</span>
                    <select name="fail" defaultValue="">
                      <option value="">All data available</option>
                      <option value="Observation:403">Lab results: 403</option>
                      <option value="Condition:500">Conditions: 500</option>
                      <option value="MedicationRequest:403">Medication orders: 403</option>
                      <option value="Procedure:503">Procedures: 503</option>
                    </select>
                  </label>
                  <button type="submit" aria-label={`Launch for ${p.name}`}>
                    Launch
                  </button>
                </form>
                <Link href={`/sandbox/ehr?patient=${encodeURIComponent(p.id)}`} aria-label={`Launch framed for ${p.name}`}>
                  Framed
                </Link>{' '}
                <Link href={`/sandbox/cds?patient=${encodeURIComponent(p.id)}`} aria-label={`CDS Hooks cards for ${p.name}`}>
                  CDS Hooks
                </Link>{' '}
                <Link href={`/sandbox/orders?patient=${encodeURIComponent(p.id)}`} aria-label={`Medication orders (CDS order-select) for ${p.name}`}>
                  Orders
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
