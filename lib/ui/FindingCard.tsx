// One finding: what fired, the exact evidence, and where the article documents the cause.
import type { Evidence, Finding } from '../engine/types';
import { shortDate } from './format';

const LIMIT_SOURCE: Record<NonNullable<Evidence['limitSource']>, string> = {
  default: 'default',
  'reference range': 'lab’s range',
  interpretation: 'lab’s flag',
  'rule threshold': 'rule’s threshold',
};

function EvidenceItem({ evidence }: { evidence: Evidence }) {
  return (
    <li className="evidence">
      <span className="evidence-name">{evidence.name}</span>
      <dl>
        <dt>Date</dt>
        <dd>{shortDate(evidence.date)}</dd>
        {evidence.value ? (
          <>
            <dt>Value</dt>
            <dd>
              {evidence.value}
              {evidence.convertedValue ? ` (= ${evidence.convertedValue})` : ''}
            </dd>
          </>
        ) : null}
        {evidence.limit ? (
          <>
            <dt>Limit</dt>
            <dd>
              {evidence.limit} <span className="muted">({LIMIT_SOURCE[evidence.limitSource ?? 'default']})</span>
            </dd>
          </>
        ) : null}
        {evidence.status ? (
          <>
            <dt>Status</dt>
            <dd>{evidence.status}</dd>
          </>
        ) : null}
        <dt>Record</dt>
        <dd className="ref">{evidence.reference}</dd>
      </dl>
      {evidence.notes?.map((note) => (
        <p key={note} className="note">
          {note}
        </p>
      ))}
    </li>
  );
}

export function FindingCard({ finding, headingLevel = 3 }: { finding: Finding; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <article className="finding" aria-label={finding.title} data-rule={finding.ruleId}>
      <Heading className="finding-title">
        {finding.title}
        {finding.matchedBy === 'name' ? <span className="tag">matched by name</span> : null}
      </Heading>
      <ul className="evidence-list">
        {finding.evidence.map((e) => (
          <EvidenceItem key={e.reference} evidence={e} />
        ))}
      </ul>
      <p className="cause">{finding.cause.summary}</p>
      <p className="source">
        Source: “{finding.cause.section}”, {finding.cause.authority}.
      </p>
    </article>
  );
}
