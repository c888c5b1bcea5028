// Demo EHR: the patient picker of a standalone launch; choosing a patient completes authorization.
import type { GetServerSideProps } from 'next';
import { sandboxEnabled } from '../../lib/sandbox/enabled';
import { demoPatientRows, type DemoPatientRow } from '../../lib/sandbox/patientList';

interface Props {
  patients: DemoPatientRow[];
  query: string;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ resolvedUrl }) => {
  if (!sandboxEnabled()) return { notFound: true };
  const query = resolvedUrl.split('?')[1] ?? '';
  return { props: { patients: demoPatientRows(), query } };
};

export default function Pick({ patients, query }: Props) {
  return (
    <main className="ehr">
      <h1>Choose a patient</h1>
      <ul>
        {patients.map((p) => (
          <li key={p.id}>
            <a href={`/api/sandbox/auth/authorize?${query}&sandbox_patient=${encodeURIComponent(p.id)}`}>{p.name}</a> — {p.summary}
          </li>
        ))}
      </ul>
    </main>
  );
}
