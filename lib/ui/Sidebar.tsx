// The sidebar: findings grouped by kind, linked mechanisms shown once, gaps shown beside the rules
// they affect, stale labs, the "ask the patient" list and the disclaimer. "Nothing found" and
// "not checked" never look alike.
import { TYPE_WORDS } from '../engine/typeLabels';
import type { Finding, NotCheckedReport, RuleGroup } from '../engine/types';
import { FindingCard } from './FindingCard';
import { plural, shortDate } from './format';
import { PatientBanner } from './PatientBanner';
import { Trends } from './Trends';
import type { SidebarModel } from './types';

const GROUPS: { id: RuleGroup; title: string }[] = [
  { id: 'medications', title: 'Medications' },
  { id: 'conditions', title: 'Conditions' },
  { id: 'labs', title: 'Lab results' },
];


function NotCheckedNotice({ entry, titles }: { entry: NotCheckedReport; titles: ReadonlyMap<string, string> }) {
  const rules = entry.affectedRules.map((id) => titles.get(id) ?? id);
  return (
    <li className="not-checked">
      <strong>{TYPE_WORDS[entry.resourceType]} not checked:</strong> {entry.reason}.
      {rules.length > 0 ? ` Not fully checked: ${rules.join(', ').toLowerCase()}.` : ''}
    </li>
  );
}

function groupOfType(resourceType: string): RuleGroup | undefined {
  if (resourceType === 'Condition' || resourceType === 'Procedure') return 'conditions';
  if (resourceType === 'Observation') return 'labs';
  if (resourceType.startsWith('Medication')) return 'medications';
  return undefined;
}

export function Sidebar({ model }: { model: SidebarModel }) {
  const { result } = model;
  const now = new Date(result.now);
  const titles = new Map(result.findings.map((f) => [f.ruleId, f.title] as const));
  for (const n of result.notChecked) for (const id of n.affectedRules) if (!titles.has(id)) titles.set(id, id.replace(/-/g, ' '));
  const byId = new Map(result.findings.map((f) => [f.ruleId, f] as const));
  const inLinks = new Set(result.linked.flatMap((l) => l.ruleIds));
  const nothingFound = result.findings.length === 0;
  const clean = nothingFound && result.notChecked.length === 0 && result.resultNotes.length === 0;
  const showBanner = model.needPatientBanner !== false && model.patient !== undefined;

  return (
    <main className="sidebar" aria-labelledby="app-title">
      <h1 id="app-title" className="app-title">
        Leg cramp factors
      </h1>
      {showBanner && model.patient ? <PatientBanner patient={model.patient} now={now} /> : null}

      <section aria-label="Summary" className="summary">
        {clean ? (
          <p className="all-clear" role="status">
            No documented causes found in the checked data.
          </p>
        ) : nothingFound ? (
          <p className="incomplete" role="status">
            No causes found in the data that could be read, but some data was not checked (see below).
          </p>
        ) : (
          <p role="status">
            {plural(result.findings.length, 'documented cause applies', 'documented causes apply')} to this patient.
          </p>
        )}
        {result.notChecked.length > 0 ? (
          <ul className="not-checked-list" aria-label="Data not checked">
            {result.notChecked.map((entry) => (
              <NotCheckedNotice key={`${entry.resourceType}:${entry.reason}`} entry={entry} titles={titles} />
            ))}
          </ul>
        ) : null}
        {result.coverageNotes?.map((note) => (
          <p key={note} className="note coverage">
            {note}
          </p>
        ))}
        {result.truncated.map((t) => (
          <p key={t.resourceType} className="note">
            Truncated: only the first {t.pagesRead} pages of {TYPE_WORDS[t.resourceType].toLowerCase()} were read.
          </p>
        ))}
      </section>

      {result.linked.length > 0 ? (
        <section aria-labelledby="linked-title" className="group">
          <h2 id="linked-title">Linked findings</h2>
          {result.linked.map((link) => (
            <section key={link.linkId} className="linked" aria-label={link.label}>
              <h3>{link.label}</h3>
              <p className="chain">{link.sentence}</p>
              {link.ruleIds
                .map((id) => byId.get(id))
                .filter((f): f is Finding => f !== undefined)
                .map((f) => (
                  <FindingCard key={f.ruleId} finding={f} headingLevel={4} />
                ))}
            </section>
          ))}
        </section>
      ) : null}

      {GROUPS.map((group) => {
        const findings = result.findings.filter((f) => f.group === group.id && !inLinks.has(f.ruleId));
        const gaps = result.notChecked.filter((n) => groupOfType(n.resourceType) === group.id);
        const notes = group.id === 'labs' ? result.resultNotes : [];
        const stale = group.id === 'labs' ? result.stale : [];
        if (findings.length === 0 && gaps.length === 0 && notes.length === 0 && stale.length === 0) return null;
        return (
          <section key={group.id} aria-labelledby={`group-${group.id}`} className="group">
            <h2 id={`group-${group.id}`}>{group.title}</h2>
            {gaps.map((gap) => (
              <p key={gap.resourceType} className="not-checked inline">
                {TYPE_WORDS[gap.resourceType]} could not be loaded, so these were not checked:{' '}
                {gap.affectedRules.map((id) => titles.get(id) ?? id).join(', ').toLowerCase()}.
              </p>
            ))}
            {findings.map((f) => (
              <FindingCard key={f.ruleId} finding={f} />
            ))}
            {notes.map((n) => (
              <p key={n.reference} className="note">
                {n.message} ({n.reference})
              </p>
            ))}
            {stale.length > 0 ? (
              <div className="stale">
                <h3>No recent result</h3>
                <ul>
                  {stale.map((s) => (
                    <li key={s.reference}>
                      {s.label}: last result {shortDate(s.date)}
                      {s.value ? ` (${s.value})` : ''}, more than a year ago.
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </section>
        );
      })}

      <Trends trends={result.trends} />

      <section aria-labelledby="ask-title" className="group ask">
        <h2 id="ask-title">Ask the patient</h2>
        <p className="muted">The article names these causes, which a record cannot show:</p>
        <ul>
          {model.askThePatient.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </section>

      <footer className="disclaimer">
        <p>
          Supports, and does not replace, clinical judgement. Source: “{model.sourceArticle}”. Evaluated{' '}
          {result.now.slice(0, 16).replace('T', ' ')} UTC.
        </p>
      </footer>
    </main>
  );
}
