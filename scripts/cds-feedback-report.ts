// CLI: npm run --silent cds:feedback-report [-- --table]
// The figures a CDS committee reviews: per rule, how many cards it sent (in the 30 days sent cards are remembered),
// how often clinicians accepted or overrode them, and why.
// Reads the store the service uses (DATABASE_URL, else the embedded folder CDS_STORE_DIR). JSON by default.
// The embedded folder serves one process: while the server holds it, the report comes from the snapshot the
// server keeps in the folder (written when it opens the store, after new feedback and while cards are sent; see
// SqlStore's feedbackSnapshot for how often), and says so.
// A configuration problem: one line on stderr and exit status 2.
import { parseArgs } from 'node:util';
import { CARD_MEMORY_DAYS, createStore, readStoreConfig, StoreConfigError, StoreInUseError, type FeedbackReport } from '../lib/store';
import { FEEDBACK_SNAPSHOT_FILE, readFeedbackSnapshot } from '../lib/store/embedded';

export function formatTable(report: FeedbackReport): string {
  const lines: string[] = [];
  const rows = report.rules.map((r) => {
    const total = r.accepted + r.overridden;
    const reasons = r.reasons.map((x) => `${x.code} ${x.count}`).join(', ');
    return [r.ruleId, String(r.cardsSent), String(r.accepted), String(r.overridden), total ? `${Math.round((100 * r.overridden) / total)}%` : '-', reasons];
  });
  const header = ['rule', `cards sent (${CARD_MEMORY_DAYS} d)`, 'accepted', 'overridden', 'override rate', 'override reasons'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(line(header), line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) lines.push(line(row));
  if (rows.length === 0) lines.push('(no card sent and no feedback received yet)');
  const { accepted, overridden } = report.unattributed;
  if (accepted + overridden > 0) lines.push('', `feedback for cards no longer known (no rule): accepted ${accepted}, overridden ${overridden}`);
  return `${lines.join('\n')}\n`;
}

interface Sourced {
  readonly report: FeedbackReport;
  readonly generatedAt: string;
  readonly store: 'embedded' | 'postgres';
  /** `store`: read from the database now; `snapshot`: written by the server process that holds the folder. */
  readonly source: 'store' | 'snapshot';
  readonly writtenBy?: number;
}

async function read(): Promise<Sourced> {
  const config = readStoreConfig(process.env);
  let store;
  try {
    store = await createStore(config);
  } catch (error) {
    if (!(error instanceof StoreInUseError) || config.kind !== 'embedded') throw error;
    const snapshot = readFeedbackSnapshot(config.dir);
    if (!snapshot) {
      throw new StoreConfigError(
        `${error.message}. That process has written no ${FEEDBACK_SNAPSHOT_FILE} in the folder yet (a server of this version writes one when it opens the store): stop it, or read the report once it has restarted`,
      );
    }
    const { generatedAt, pid, ...report } = snapshot;
    if (error.holderPid !== undefined && pid !== error.holderPid) {
      process.stderr.write(
        `cds:feedback-report: the snapshot was written by process ${pid}, not by process ${error.holderPid} that holds the folder now: it may be out of date (${generatedAt})\n`,
      );
    }
    return { report, generatedAt, store: 'embedded', source: 'snapshot', writtenBy: pid };
  }
  try {
    return { report: await store.feedbackReport(), generatedAt: new Date().toISOString(), store: store.kind, source: 'store' };
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { table: { type: 'boolean', default: false } }, strict: true });
  const { report, ...about } = await read();
  if (values.table) {
    process.stdout.write(formatTable(report));
    if (about.source === 'snapshot') process.stdout.write(`\nas of ${about.generatedAt}, from the snapshot kept by the running server (process ${about.writtenBy})\n`);
  } else {
    process.stdout.write(`${JSON.stringify({ ...about, cardsSentWithinDays: CARD_MEMORY_DAYS, ...report }, null, 2)}\n`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known = error instanceof StoreConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`cds:feedback-report: ${known ? (error as Error).message : `cannot read the CDS store (${(error as Error).message})`}\n`);
  process.exitCode = 2;
});
