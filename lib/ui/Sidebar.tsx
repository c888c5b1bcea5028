// The sidebar, in the order a clinician needs it (KNOWLEDGE section 6): the complaint, the summary,
// safety warnings, current causes strongest first (linked mechanisms shown once), then older records
// to verify, then what was not read or never measured, trends, the "ask the patient" list and the
// disclaimer. "Nothing found", "never measured" and "not checked" never look alike.
import { rules } from '../../cds-rules/rules';
import { TYPE_WORDS } from '../engine/typeLabels';
import type { Finding, LinkedGroup, NotCheckedReport } from '../engine/types';
import { CopySummary } from './CopySummary';
import { FindingCard } from './FindingCard';
import { shortDate } from './format';
import { PatientBanner } from './PatientBanner';
import { analyteWords, complaintLine, deceasedLine, plainTextSummary, splitFindings, summaryLine } from './summaryText';
import { Trends } from './Trends';
import type { SidebarModel } from './types';

function NotCheckedNotice({ entry, titles }: { entry: NotCheckedReport; titles: ReadonlyMap<string, string> }) {
  const rules = entry.affectedRules.map((id) => titles.get(id) ?? id);
  return (
    <li className="not-checked">
      <strong>{TYPE_WORDS[entry.resourceType]} not checked:</strong> {entry.reason}.
      {rules.length > 0 ? ` Not fully checked: ${rules.join(', ').toLowerCase()}.` : ''}
    </li>
  );
}

/** Current findings in level order, with each linked group placed where its strongest member stands. */
function currentItems(causes: readonly Finding[], linked: readonly LinkedGroup[]): ({ kind: 'finding'; finding: Finding } | { kind: 'link'; link: LinkedGroup; members: Finding[] })[] {
  const byId = new Map(causes.map((f) => [f.ruleId, f] as const));
  const placed = new Set<string>();
  const items: ({ kind: 'finding'; finding: Finding } | { kind: 'link'; link: LinkedGroup; members: Finding[] })[] = [];
  for (const finding of causes) {
    if (placed.has(finding.ruleId)) continue;
    const link = linked.find((l) => l.ruleIds.includes(finding.ruleId));
    if (!link) {
      items.push({ kind: 'finding', finding });
      placed.add(finding.ruleId);
      continue;
    }
    const members = link.ruleIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined);
    for (const m of members) placed.add(m.ruleId);
    items.push({ kind: 'link', link, members });
  }
  return items;
}

export function Sidebar({ model }: { model: SidebarModel }) {
  const { result } = model;
  const now = new Date(result.now);
  const titles = new Map(rules.map((r) => [r.id, r.title] as const));
  const { causes, safety, toVerify } = splitFindings(result);
  const summary = summaryLine(result);
  const deceased = deceasedLine(result);
  const showBanner = model.needPatientBanner !== false && model.patient !== undefined;
  const labNotes = result.resultNotes.length > 0 || result.stale.length > 0 || result.unmeasured.length > 0;

  return (
    <main className="sidebar" aria-labelledby="app-title">
      <h1 id="app-title" className="app-title">
        Leg cramp factors
      </h1>
      {showBanner && model.patient ? <PatientBanner patient={model.patient} now={now} /> : null}

      <p className={`complaint${result.complaint.recorded ? ' complaint-recorded' : ''}`} data-testid="complaint">
        {complaintLine(result)}
      </p>

      <section aria-label="Summary" className="summary">
        <p className={`summary-line ${summary.tone}`} role="status">
          {summary.text}
        </p>
        {deceased ? <p className="deceased-note">{deceased}</p> : null}
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
        <CopySummary text={plainTextSummary({ result, ...(model.patient ? { patient: model.patient } : {}), sourceArticle: model.sourceArticle })} />
      </section>

      {safety.length > 0 ? (
        <section aria-labelledby="safety-title" className="group safety">
          <h2 id="safety-title">Safety</h2>
          {safety.map((f) => (
            <FindingCard key={f.ruleId} finding={f} />
          ))}
        </section>
      ) : null}

      {causes.length > 0 ? (
        <section aria-labelledby="causes-title" className="group">
          <h2 id="causes-title">Documented causes</h2>
          {currentItems(causes, result.linked).map((item) =>
            item.kind === 'finding' ? (
              <FindingCard key={item.finding.ruleId} finding={item.finding} />
            ) : (
              <section key={item.link.linkId} className="linked" aria-label={item.link.label}>
                <h3>{item.link.label}</h3>
                <p className="chain">{item.link.sentence}</p>
                {item.members.map((f) => (
                  <FindingCard key={f.ruleId} finding={f} headingLevel={4} />
                ))}
              </section>
            ),
          )}
        </section>
      ) : null}

      {toVerify.length > 0 ? (
        <section aria-labelledby="verify-title" className="group verify">
          <h2 id="verify-title">To verify</h2>
          <p className="muted">Older records: confirm they still apply before acting on them.</p>
          {toVerify.map((f) => (
            <FindingCard key={f.ruleId} finding={f} />
          ))}
        </section>
      ) : null}

      {labNotes ? (
        <section aria-labelledby="labs-title" className="group">
          <h2 id="labs-title">Lab results</h2>
          {result.unmeasured.length > 0 ? (
            <p className="unmeasured">
              <strong>Never measured:</strong> {analyteWords(result.unmeasured)}. No result of {result.unmeasured.length === 1 ? 'this test' : 'these tests'} is in the record, so {result.unmeasured.length === 1 ? 'it' : 'they'} could not be checked.
            </p>
          ) : null}
          {result.resultNotes.map((n) => (
            <p key={n.reference} className="note">
              {n.message} ({n.reference})
            </p>
          ))}
          {result.stale.length > 0 ? (
            <div className="stale">
              <h3>No recent result</h3>
              <ul>
                {result.stale.map((s) => (
                  <li key={s.reference}>
                    {s.label}: last result {shortDate(s.date)}
                    {s.value ? ` (${s.value})` : ''}, more than a year ago.
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
      ) : null}

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
          Documented associations for review, not a diagnosis; supports, and does not replace, clinical judgement. Rules from “
          {model.sourceArticle}” and the clinical literature. Evaluated {result.now.slice(0, 16).replace('T', ' ')} UTC.
        </p>
      </footer>
    </main>
  );
}
