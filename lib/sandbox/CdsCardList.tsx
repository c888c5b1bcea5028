// The demo EHR's rendering of CDS Hooks cards: indicator, summary, detail (Markdown rendered safely),
// source, SMART link, suggestions and override reasons. Suggestions and override reasons are small
// forms posting to the demo EHR, which sends the feedback to the service and calls it again.
import type { Card } from '../cds/cards';
import { CardMarkdown, safeHref } from './markdown';
import type { DemoServiceId } from './cdsViewState';

export interface FeedbackTarget {
  readonly patientId: string;
  readonly service: DemoServiceId;
  /** The view to come back to, with its state. */
  readonly view: 'cds' | 'orders';
  readonly complaint: boolean;
  readonly order?: string;
}

const INDICATOR_WORDS: Record<string, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };

function Hidden({ target, card }: { target: FeedbackTarget; card: Card }) {
  return (
    <>
      <input type="hidden" name="patient" value={target.patientId} />
      <input type="hidden" name="service" value={target.service} />
      <input type="hidden" name="view" value={target.view} />
      <input type="hidden" name="card" value={card.uuid} />
      {target.complaint ? <input type="hidden" name="complaint" value="1" /> : null}
      {target.order ? <input type="hidden" name="order" value={target.order} /> : null}
    </>
  );
}

function CardItem({ card, index, target }: { card: Card; index: number; target: FeedbackTarget }) {
  const headingId = `cds-card-${index}`;
  const indicator = INDICATOR_WORDS[card.indicator] ?? card.indicator;
  const sourceUrl = safeHref(card.source?.url);
  return (
    <li className={`cds-card ${card.indicator}`} data-indicator={card.indicator} aria-labelledby={headingId}>
      <p className={`cds-indicator ${card.indicator}`}>{indicator}</p>
      <h2 id={headingId}>{card.summary}</h2>
      <CardMarkdown source={card.detail ?? ''} />
      <p className="cds-source">
        Source: {sourceUrl ? <a href={sourceUrl} rel="noopener noreferrer" target="_blank">{card.source.label}</a> : card.source?.label}
      </p>
      {card.links?.some((l) => l.type === 'smart') ? (
        <p>
          <a href={`/api/sandbox/launch?patient=${encodeURIComponent(target.patientId)}`}>{card.links.find((l) => l.type === 'smart')?.label}</a>{' '}
          <span className="muted">(SMART app link)</span>
        </p>
      ) : null}
      {card.suggestions?.length ? (
        <div className="cds-actions">
          <p className="cds-actions-label">Suggestion:</p>
          {card.suggestions.map((s) => (
            <form key={s.uuid} method="post" action="/api/sandbox/cds-feedback">
              <Hidden target={target} card={card} />
              <input type="hidden" name="suggestion" value={s.uuid} />
              <button type="submit" className="cds-button primary" aria-describedby={headingId}>
                {s.label}
              </button>
            </form>
          ))}
        </div>
      ) : null}
      {card.overrideReasons?.length ? (
        <div className="cds-actions">
          <p className="cds-actions-label">Dismiss:</p>
          {card.overrideReasons.map((r) => (
            <form key={r.code} method="post" action="/api/sandbox/cds-feedback">
              <Hidden target={target} card={card} />
              <input type="hidden" name="reasonSystem" value={r.system} />
              <input type="hidden" name="reasonCode" value={r.code} />
              <input type="hidden" name="reasonDisplay" value={r.display} />
              <button type="submit" className="cds-button" aria-describedby={headingId}>
                {r.display}
              </button>
            </form>
          ))}
        </div>
      ) : null}
    </li>
  );
}

export function CdsCardList({ cards, target }: { cards: readonly Card[]; target: FeedbackTarget }) {
  if (cards.length === 0) return null;
  return (
    <ul className="cds-cards" aria-label="Cards from the CDS service">
      {cards.map((card, i) => (
        <CardItem key={card.uuid} card={card} index={i} target={target} />
      ))}
    </ul>
  );
}
