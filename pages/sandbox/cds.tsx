// Demo EHR "CDS Hooks" view: the EHR calls our patient-view service for the selected patient (signed
// JWT, fhirServer plus a patient token, no prefetch) and renders the cards it gets back.
import type { GetServerSideProps } from 'next';
import Link from 'next/link';
import type { Card } from '../../lib/cds/cards';
import { callDemoCds } from '../../lib/sandbox/cdsClient';
import { sandboxEnabled, sandboxOrigin } from '../../lib/sandbox/enabled';
import { demoPatientRows, type DemoPatientRow } from '../../lib/sandbox/patientList';

interface Props {
  patient: DemoPatientRow;
  status: number;
  cards: Card[];
  error: string | null;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => {
  if (!sandboxEnabled()) return { notFound: true };
  const patient = demoPatientRows().find((p) => p.id === query.patient);
  if (!patient) return { notFound: true };
  const answer = await callDemoCds(sandboxOrigin(), patient.id, 'fetch');
  const body = answer.body as { cards?: Card[]; error?: string };
  return {
    props: { patient, status: answer.status, cards: Array.isArray(body.cards) ? body.cards : [], error: body.error ?? null },
  };
};

/** Card detail is Markdown with escaped resource text; shown as plain text, keeping line breaks. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*|(?<!\\)_|`/g, '').replace(/\\(.)/g, '$1');
}

export default function CdsView({ patient, status, cards, error }: Props) {
  return (
    <main className="ehr">
      <p>
        <Link href="/sandbox">All patients</Link>
      </p>
      <h1>CDS Hooks: {patient.name}</h1>
      <p>
        The demo EHR sent a <code>patient-view</code> request to <code>/cds-services/leg-cramp-factors</code> with a signed ES384 JWT
        and access to its FHIR API. Answer: HTTP {status}, {cards.length} card{cards.length === 1 ? '' : 's'}.
      </p>
      {error ? (
        <p className="not-checked" role="alert">
          {error}
        </p>
      ) : null}
      {status === 200 && cards.length === 0 ? <p role="status">No cards: no documented causes found and nothing was left unchecked.</p> : null}
      <ul className="cds-cards">
        {cards.map((card) => (
          <li key={card.uuid} className={`cds-card ${card.indicator}`} data-indicator={card.indicator}>
            <h2>{card.summary}</h2>
            <p className="muted">
              {card.indicator} · {card.source.label}
            </p>
            <p className="cds-detail">{plain(card.detail)}</p>
            {card.links?.map((l) => (
              <p key={l.url}>
                <a href={`/api/sandbox/launch?patient=${encodeURIComponent(patient.id)}`}>{l.label}</a> <span className="muted">(SMART link)</span>
              </p>
            ))}
          </li>
        ))}
      </ul>
    </main>
  );
}
