// The embedded store (PGlite in a folder): the shared contract, a real restart in separate processes, the
// folder's secret and lock. Loading PGlite here also proves Jest on Node 20 can (see jest.config.js).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { closeStore, createStore, openStore, StoreConfigError, type CdsStore, type FeedbackReport } from '../../lib/store';
import { FEEDBACK_SNAPSHOT_FILE, openEmbeddedStore } from '../../lib/store/embedded';
import { storeContract } from './contract';
import { ROOT, startWorker, tempDir } from './helpers';

jest.setTimeout(60_000);

// One folder for the whole file: creating a PGlite database costs seconds (initdb in WebAssembly), reopening
// one does not. The contract runs on it first (from empty), then the restart and lock tests reopen it.
const parent = tempDir('cds-store-');
const dir = path.join(parent, 'store');
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('embedded store: contract', () => {
  let store: CdsStore | undefined;
  storeContract(async () => {
    const opened = await openEmbeddedStore(dir);
    store = opened;
    return { store: opened, sql: opened.db };
  });
  afterAll(async () => store?.close());
});

describe('embedded store: restart, secret, lock and singleton', () => {
  test('a snooze and feedback written by one process are there after it exits and another opens the folder', async () => {
    const env = { CDS_STORE_DIR: dir };
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const first = await startWorker(env);
    await first.call({ op: 'rememberCards', cards: [{ uuid: 'card-1', serviceId: 'svc', ruleIds: ['restart-rule'], patientId: 'patient-7' }], expiresAt: until });
    await first.call({ op: 'recordFeedback', cardUuid: 'card-1', serviceId: 'svc', reasonCode: 'snooze-90-days', snoozeUntil: until });
    await first.call({ op: 'snooze', ruleId: 'quinine', patientId: 'patient-7', until });
    const jwt = { op: 'rememberJti', issuer: 'https://ehr.example', jti: 'restart-jti', expiresAt: new Date(Date.now() + 300_000).toISOString() };
    expect(await first.call(jwt)).toBe(true);
    await first.call({ op: 'close' });
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);

    const second = await startWorker(env);
    try {
      expect(second.pid).not.toBe(first.pid);
      expect(await second.call({ op: 'snoozedRules', patientId: 'patient-7' })).toEqual(['quinine', 'restart-rule']);
      expect(await second.call({ op: 'snoozedRules', patientId: 'patient-8' })).toEqual([]);
      // Replay protection survives the restart too.
      expect(await second.call(jwt)).toBe(false);
      const report = await second.call<{ rules: { ruleId: string; overridden: number }[] }>({ op: 'report' });
      expect(report.rules.find((r) => r.ruleId === 'restart-rule')).toEqual(expect.objectContaining({ ruleId: 'restart-rule', overridden: 1 }));
    } finally {
      await second.call({ op: 'close' }).catch(() => {});
      await second.exited;
    }
  });

  test('a folder in use by a live process is refused with a clear message; after that process is killed (SIGKILL) its lock is taken over and what it acknowledged is there', async () => {
    const holder = await startWorker({ CDS_STORE_DIR: dir });
    const exp = new Date(Date.now() + 300_000);
    try {
      // Acknowledged before the crash below, so it must be on disk.
      expect(await holder.call({ op: 'rememberJti', issuer: 'https://ehr.example', jti: 'before-kill', expiresAt: exp.toISOString() })).toBe(true);
      const attempt = createStore({ kind: 'embedded', dir });
      await expect(attempt).rejects.toThrow(StoreConfigError);
      await expect(attempt).rejects.toThrow(`in use by process ${holder.pid}`);
    } finally {
      holder.kill();
      await holder.exited;
    }
    // SIGKILL left the lock file behind; its process is gone, so the next open takes over, data intact.
    expect(fs.readFileSync(path.join(dir, 'lock'), 'utf8')).toBe(String(holder.pid));
    const store = await createStore({ kind: 'embedded', dir });
    try {
      expect(await store.ready()).toEqual({ ok: true, kind: 'embedded' });
      expect(await store.snoozedRules('patient-7')).toEqual(new Set(['quinine', 'restart-rule']));
      expect(await store.rememberJti('https://ehr.example', 'before-kill', exp)).toBe(false);
      // A second open of the same folder inside this process is refused too.
      await expect(createStore({ kind: 'embedded', dir })).rejects.toThrow('in use by this process');
    } finally {
      await store.close();
    }
  });

  test('without CDS_STORE_SECRET the secret generated in the folder is owner-only, and another secret is refused', async () => {
    const secretFile = path.join(dir, 'secret');
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secretFile, 'utf8').length).toBeGreaterThanOrEqual(32);
    // A different secret on the same data would make every snooze miss its patient: refused.
    await expect(createStore({ kind: 'embedded', dir, secret: 'x'.repeat(40) })).rejects.toThrow(/CDS_STORE_SECRET differs/);
    // The refused open released the folder; the secret given explicitly, when it is the folder's, is accepted.
    const store = await createStore({ kind: 'embedded', dir, secret: fs.readFileSync(secretFile, 'utf8') });
    expect(await store.snoozedRules('patient-7')).toEqual(new Set(['quinine', 'restart-rule']));
    await store.close();
  });

  test('openStore gives one store per process, opened from the environment; closeStore releases it', async () => {
    const env = { CDS_STORE_DIR: dir };
    const [a, b] = await Promise.all([openStore(env), openStore(env)]);
    expect(a).toBe(b);
    expect(a.kind).toBe('embedded');
    expect(await a.snoozedRules('patient-7')).toEqual(new Set(['quinine', 'restart-rule']));
    await closeStore();
    expect(fs.existsSync(path.join(dir, 'lock'))).toBe(false);
    const c = await openStore(env);
    expect(c).not.toBe(a);
    await closeStore();
  });
});

describe('npm run cds:feedback-report', () => {
  const report = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/cds-feedback-report.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env } as unknown as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('prints per-rule accepted/overridden counts and reasons as JSON, and as a table with --table', () => {
    // The contract above gave report-rule-a 1 acceptance and 4 overrides (2 already-addressed, 1 not-relevant, 1 without reason).
    const json = report([], { CDS_STORE_DIR: dir });
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as { store: string; rules: { ruleId: string }[] };
    expect(parsed.store).toBe('embedded');
    expect(parsed.rules.find((r) => r.ruleId === 'report-rule-a')).toEqual({
      ruleId: 'report-rule-a',
      // Its cards were sent in March 2026 and are forgotten after 30 days; the feedback stays.
      cardsSent: 0,
      accepted: 1,
      overridden: 4,
      reasons: [
        { system: 'urn:test', code: 'already-addressed', count: 2 },
        { system: null, code: '(none)', count: 1 },
        { system: 'urn:test', code: 'not-relevant', count: 1 },
      ],
    });
    const table = report(['--table'], { CDS_STORE_DIR: dir });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^rule\s+cards sent \(30 d\)\s+accepted\s+overridden\s+override rate\s+override reasons$/m);
    expect(table.stdout).toMatch(/^report-rule-a\s+0\s+1\s+4\s+80%\s+already-addressed 2, \(none\) 1, not-relevant 1$/m);
  });

  test('while a server holds the folder, the report comes from the snapshot that server keeps, and says so', async () => {
    const holder = await startWorker({ CDS_STORE_DIR: dir });
    const snapshotFile = path.join(dir, FEEDBACK_SNAPSHOT_FILE);
    try {
      const until = new Date(Date.now() + 86_400_000).toISOString();
      await holder.call({ op: 'rememberCards', cards: [{ uuid: 'snap-card', serviceId: 'svc', ruleIds: ['snapshot-rule'], patientId: 'patient-snap-9' }], expiresAt: until });
      await holder.call({ op: 'recordFeedback', cardUuid: 'snap-card', serviceId: 'svc', reasonCode: 'not-relevant' });
      const expected = await holder.call<FeedbackReport>({ op: 'report' });
      // Written after the feedback's transaction, without holding up the feedback's answer.
      const deadline = Date.now() + 10_000;
      while (!fs.readFileSync(snapshotFile, 'utf8').includes('snapshot-rule') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(fs.statSync(snapshotFile).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(snapshotFile, 'utf8')).not.toContain('patient-snap-9');

      const json = report([], { CDS_STORE_DIR: dir });
      expect(json.stderr).toBe('');
      expect(json.status).toBe(0);
      const parsed = JSON.parse(json.stdout) as FeedbackReport & { source: string; writtenBy: number; store: string; generatedAt: string };
      expect(parsed).toEqual({ ...expected, source: 'snapshot', writtenBy: holder.pid, store: 'embedded', generatedAt: expect.any(String), cardsSentWithinDays: 30 });
      expect(parsed.rules.find((r) => r.ruleId === 'snapshot-rule')).toEqual({
        ruleId: 'snapshot-rule',
        cardsSent: 1,
        accepted: 0,
        overridden: 1,
        reasons: [{ system: null, code: 'not-relevant', count: 1 }],
      });
      expect(Date.now() - Date.parse(parsed.generatedAt)).toBeLessThan(60_000);
      const table = report(['--table'], { CDS_STORE_DIR: dir });
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/^snapshot-rule\s+1\s+0\s+1\s+100%\s+not-relevant 1$/m);
      expect(table.stdout).toContain(`from the snapshot kept by the running server (process ${holder.pid})`);

      // A snapshot left by another process is still shown, with a warning that it may be out of date.
      fs.writeFileSync(snapshotFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(snapshotFile, 'utf8')), pid: 1 }));
      const foreign = report([], { CDS_STORE_DIR: dir });
      expect(foreign.status).toBe(0);
      expect(foreign.stderr).toContain(`written by process 1, not by process ${holder.pid}`);
      // Unreadable or missing: a clear refusal, never an empty report.
      fs.writeFileSync(snapshotFile, '{"rules": "none"}');
      const broken = report([], { CDS_STORE_DIR: dir });
      expect(broken.status).toBe(2);
      expect(broken.stdout).toBe('');
      expect(broken.stderr).toMatch(/feedback-report\.json is not a feedback report snapshot/);
      fs.rmSync(snapshotFile);
      const missing = report([], { CDS_STORE_DIR: dir });
      expect(missing.status).toBe(2);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toMatch(new RegExp(`in use by process ${holder.pid}.*has written no feedback-report\\.json`));
    } finally {
      await holder.call({ op: 'close' }).catch(() => {});
      await holder.exited;
    }
    // With the folder free the report is read from the store itself (and opening it wrote a new snapshot).
    expect(fs.existsSync(snapshotFile)).toBe(false);
    const direct = JSON.parse(report([], { CDS_STORE_DIR: dir }).stdout) as { source: string; rules: { ruleId: string }[] };
    expect(direct.source).toBe('store');
    expect(direct.rules.map((r) => r.ruleId)).toContain('snapshot-rule');
    expect(fs.readFileSync(snapshotFile, 'utf8')).toContain('snapshot-rule');
  });

  test('a configuration problem is one line on stderr and exit status 2', () => {
    const noSecret = report([], { DATABASE_URL: 'postgresql://cds:pw@127.0.0.1:1/cds' });
    expect(noSecret.status).toBe(2);
    expect(noSecret.stdout).toBe('');
    expect(noSecret.stderr.trim()).toMatch(/^cds:feedback-report: CDS_STORE_SECRET is required with DATABASE_URL/);
    expect(noSecret.stderr).not.toContain('pw@');
    const badFlag = report(['--csv'], { CDS_STORE_DIR: dir });
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/--csv/);
  });
});
