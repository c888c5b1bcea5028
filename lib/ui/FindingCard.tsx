// One finding: what fired, the exact evidence, how strong the documentation is, and where to read it.
import type { Evidence, EvidenceLevel, Finding } from '../engine/types';
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

const LEVEL_TEXT: Record<EvidenceLevel, string> = {
  safety: 'safety warning',
  strong: 'strong',
  moderate: 'moderate',
  weak: 'weak',
};

/** The evidence level as a small label; screen readers hear "Evidence: strong". */
export function LevelLabel({ level }: { level: EvidenceLevel }) {
  const text = LEVEL_TEXT[level];
  return (
    <span className={`level level-${level}`} aria-label={level === 'safety' ? 'Safety warning' : `Evidence: ${text}`}>
      {level === 'safety' ? 'Safety' : text}
    </span>
  );
}

function References({ finding }: { finding: Finding }) {
  const shown = finding.references.filter((r) => r.url !== undefined || r.id === 'article');
  if (shown.length === 0) return null;
  return (
    <p className="source">
      {shown.length === 1 ? 'Reference: ' : 'References: '}
      {shown.map((r, i) => (
        <span key={r.id}>
          {i > 0 ? '; ' : ''}
          {r.url ? (
            <a href={r.url} target="_blank" rel="noopener noreferrer" title={r.citation}>
              {r.short}
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          ) : (
            <span title={r.citation}>
              the source article, “{finding.cause.section}”
              {finding.cause.authority.startsWith('the source article') ? '' : ` (${finding.cause.authority})`}
            </span>
          )}
        </span>
      ))}
      .
    </p>
  );
}

export function FindingCard({ finding, headingLevel = 3 }: { finding: Finding; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <article className={`finding${finding.level === 'safety' ? ' finding-safety' : ''}`} aria-label={finding.title} data-rule={finding.ruleId} data-level={finding.level}>
      <Heading className="finding-title">
        {finding.title}
        <LevelLabel level={finding.level} />
        {finding.matchedBy === 'name' ? <span className="tag">matched by name</span> : null}
      </Heading>
      {finding.verify ? (
        <p className="verify-note">
          <strong>Verify:</strong> {finding.verify}
        </p>
      ) : null}
      <ul className="evidence-list">
        {finding.evidence.map((e) => (
          <EvidenceItem key={e.reference} evidence={e} />
        ))}
      </ul>
      <p className="cause">{finding.cause.summary}</p>
      {finding.caveat ? <p className="caveat">{finding.caveat}</p> : null}
      <References finding={finding} />
    </article>
  );
}
