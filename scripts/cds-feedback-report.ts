// CLI: npm run --silent cds:feedback-report [-- --table]
// The figures a CDS committee reviews: per rule, how often clinicians accepted or overrode its cards, and why.
// Reads the store the service uses (DATABASE_URL, else the embedded folder CDS_STORE_DIR). JSON by default.
// A configuration problem: one line on stderr and exit status 2.
import { parseArgs } from 'node:util';
import { createStore, readStoreConfig, StoreConfigError, type FeedbackReport } from '../lib/store';

export function formatTable(report: FeedbackReport): string {
  const lines: string[] = [];
  const rows = report.rules.map((r) => {
    const total = r.accepted + r.overridden;
    const reasons = r.reasons.map((x) => `${x.code} ${x.count}`).join(', ');
    return [r.ruleId, String(r.accepted), String(r.overridden), total ? `${Math.round((100 * r.overridden) / total)}%` : '-', reasons];
  });
  const header = ['rule', 'accepted', 'overridden', 'override rate', 'override reasons'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(line(header), line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) lines.push(line(row));
  if (rows.length === 0) lines.push('(no feedback received yet)');
  const { accepted, overridden } = report.unattributed;
  if (accepted + overridden > 0) lines.push('', `feedback for cards no longer known (no rule): accepted ${accepted}, overridden ${overridden}`);
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { table: { type: 'boolean', default: false } }, strict: true });
  const store = await createStore(readStoreConfig(process.env));
  try {
    const report = await store.feedbackReport();
    if (values.table) process.stdout.write(formatTable(report));
    else process.stdout.write(`${JSON.stringify({ generatedAt: new Date().toISOString(), store: store.kind, ...report }, null, 2)}\n`);
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof StoreConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`cds:feedback-report: ${known ? (error as Error).message : `cannot read the CDS store (${(error as Error).message})`}\n`);
  process.exitCode = 2;
});
