// Recent potassium, sodium and magnesium values: a small sparkline with the normal band for the eye,
// and the same numbers as a table for screen readers and for anyone who wants the exact values.
import type { Trend } from '../engine/types';
import { shortDate } from './format';

const W = 180;
const H = 40;
const PAD = 5;

function format(value: number): string {
  return String(Number(value.toFixed(value >= 100 ? 0 : 2)));
}

function Sparkline({ trend, label }: { trend: Trend; label: string }) {
  const values = trend.points.map((p) => p.value);
  const bounds = [...values, ...(trend.low !== undefined ? [trend.low] : []), ...(trend.high !== undefined ? [trend.high] : [])];
  const min = Math.min(...bounds);
  const max = Math.max(...bounds);
  const span = max - min || 1;
  const y = (v: number) => PAD + (H - 2 * PAD) * (1 - (v - min) / span);
  const step = trend.points.length > 1 ? (W - 2 * PAD) / (trend.points.length - 1) : 0;
  const x = (i: number) => (trend.points.length > 1 ? PAD + i * step : W / 2);
  const path = trend.points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      {trend.low !== undefined && trend.high !== undefined ? (
        <rect className="band" x={0} width={W} y={y(trend.high)} height={Math.max(1, y(trend.low) - y(trend.high))} />
      ) : null}
      {trend.points.length > 1 ? <polyline className="line" points={path} fill="none" /> : null}
      {trend.points.map((p, i) => (
        <circle key={p.reference} className={p.flag ? 'point out' : 'point'} cx={x(i)} cy={y(p.value)} r={p.flag ? 3.5 : 2.5} />
      ))}
    </svg>
  );
}

function describe(trend: Trend): string {
  const first = trend.points[0];
  const last = trend.points[trend.points.length - 1];
  const limits = [
    trend.low !== undefined ? `lower limit ${format(trend.low)}` : '',
    trend.high !== undefined ? `upper limit ${format(trend.high)}` : '',
  ].filter(Boolean);
  const values = trend.points.map((p) => `${p.comparator ?? ''}${format(p.value)}${p.flag ? ` (${p.flag})` : ''}`).join(', ');
  const period = first && last && first !== last ? ` from ${shortDate(first.date)} to ${shortDate(last.date)}` : ` on ${shortDate(last?.date)}`;
  return `${trend.label}, ${trend.points.length} result${trend.points.length === 1 ? '' : 's'}${period}: ${values} ${trend.unit}${limits.length ? `; ${limits.join(', ')}` : ''}.`;
}

/** "Up to 6 values from the last 2 years, oldest first.", from the analytes' trend settings. */
function windowText(settings: Trend['settings'] | undefined): string {
  if (!settings) return '';
  const years = settings.days / 365;
  const span = Number.isInteger(years) ? `${years} year${years === 1 ? '' : 's'}` : `${settings.days} days`;
  return `Up to ${settings.points} values from the last ${span}, oldest first.`;
}

export function Trends({ trends }: { trends: readonly Trend[] }) {
  const shown = trends.filter((t) => t.points.length > 0 || t.omitted > 0);
  if (shown.length === 0) return null;
  return (
    <section aria-labelledby="trends-title" className="group trends">
      <h2 id="trends-title">Recent results</h2>
      <p className="muted">{windowText(shown[0]?.settings)}</p>
      {shown.map((trend) => {
        const last = trend.points[trend.points.length - 1];
        const id = `trend-${trend.analyte}`;
        return (
          <figure key={trend.analyte} className="trend" aria-labelledby={id}>
            <figcaption id={id}>
              <strong>{trend.label}</strong>{' '}
              {last ? (
                <span className={last.flag ? 'trend-latest out' : 'trend-latest'}>
                  latest {last.comparator ?? ''}
                  {format(last.value)} {trend.unit}
                  {last.flag ? `, ${last.flag}` : ''}
                </span>
              ) : null}
            </figcaption>
            {trend.points.length > 0 ? <Sparkline trend={trend} label={describe(trend)} /> : null}
            {trend.omitted > 0 ? (
              <p className="note">
                {trend.omitted} value{trend.omitted === 1 ? '' : 's'} not shown: the unit could not be converted to {trend.unit}.
              </p>
            ) : null}
            {trend.points.length > 0 ? (
              <details>
                <summary>Values</summary>
                <table className="trend-table">
                  <caption className="visually-hidden">{trend.label} values</caption>
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Value ({trend.unit})</th>
                      <th scope="col">Flag</th>
                    </tr>
                  </thead>
                  <tbody>
                    {trend.points.map((p) => (
                      <tr key={p.reference}>
                        <td>{shortDate(p.date)}</td>
                        <td>
                          {p.comparator ?? ''}
                          {format(p.value)}
                        </td>
                        <td>{p.flag ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="muted">
                  Limits: {trend.low !== undefined ? `low ${format(trend.low)}` : 'no lower limit'},{' '}
                  {trend.high !== undefined ? `high ${format(trend.high)}` : 'no upper limit'} {trend.unit}.
                </p>
              </details>
            ) : null}
          </figure>
        );
      })}
    </section>
  );
}
