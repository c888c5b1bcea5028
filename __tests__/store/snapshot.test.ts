// The feedback snapshot an exclusive store keeps for `cds:feedback-report` (see embedded.test.ts for the command):
// written at open and after feedback, at most once a second, never holding up the feedback, and brought up to
// date when the store closes.
import { openPglite } from '../../lib/store/embedded';
import { SNAPSHOT_INTERVAL_MS, SNAPSHOT_MAX_SHARE, SqlStore } from '../../lib/store/sqlStore';
import type { FeedbackReport } from '../../lib/store/types';

jest.setTimeout(60_000);

const SECRET = 'snapshot-test-secret-0123456789-abcdef';
const countOf = (report: FeedbackReport, ruleId: string) => report.rules.find((r) => r.ruleId === ruleId)?.overridden ?? 0;

async function openWithSnapshots(): Promise<{ store: SqlStore; written: { at: number; report: FeedbackReport }[] }> {
  const { db } = await openPglite();
  const written: { at: number; report: FeedbackReport }[] = [];
  const store = await SqlStore.open('embedded', db, SECRET, {
    exclusive: true,
    feedbackSnapshot: async (report) => {
      written.push({ at: Date.now(), report });
    },
  });
  return { store, written };
}

async function feedbackOn(store: SqlStore, uuid: string, ruleId: string): Promise<void> {
  await store.rememberCards([{ uuid, serviceId: 'svc', ruleIds: [ruleId], patientId: 'p-1' }], new Date(Date.now() + 86_400_000));
  const now = new Date();
  await store.recordFeedback({ serviceId: 'svc', cardUuid: uuid, outcome: 'overridden', reasonCode: 'not-relevant', outcomeTimestamp: now, receivedAt: now });
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return check();
};

test('written at open, then after feedback; a burst of feedback gives at most two more writes, a second apart, the last one complete', async () => {
  const { store, written } = await openWithSnapshots();
  try {
    expect(await until(() => written.length === 1)).toBe(true);
    expect(written[0]!.report).toEqual({ rules: [], unattributed: { accepted: 0, overridden: 0 } });

    await feedbackOn(store, 'c-1', 'rule-a');
    expect(await until(() => written.some((w) => countOf(w.report, 'rule-a') === 1))).toBe(true);

    const before = written.length;
    for (let i = 0; i < 5; i++) await feedbackOn(store, `burst-${i}`, 'rule-b');
    expect(await until(() => countOf(written.at(-1)!.report, 'rule-b') === 5)).toBe(true);
    await new Promise((r) => setTimeout(r, SNAPSHOT_INTERVAL_MS + 200));
    const burst = written.slice(before);
    expect(burst.length).toBeGreaterThanOrEqual(1);
    expect(burst.length).toBeLessThanOrEqual(2);
    if (burst.length === 2) expect(burst[1]!.at - burst[0]!.at).toBeGreaterThanOrEqual(SNAPSHOT_INTERVAL_MS - 50);
  } finally {
    await store.close();
  }
});

test('a duplicate feedback does not write; close writes what is pending at once instead of waiting out the interval', async () => {
  const { store, written } = await openWithSnapshots();
  await feedbackOn(store, 'c-1', 'rule-a');
  expect(await until(() => written.some((w) => countOf(w.report, 'rule-a') === 1))).toBe(true);
  await new Promise((r) => setTimeout(r, SNAPSHOT_INTERVAL_MS + 100));
  const settled = written.length;
  // The same feedback again (a client retry) changes nothing, even for a card the store does not know.
  const now = new Date(0);
  await store.recordFeedback({ serviceId: 'svc', cardUuid: 'x', outcome: 'accepted', outcomeTimestamp: now, receivedAt: new Date() });
  await store.recordFeedback({ serviceId: 'svc', cardUuid: 'x', outcome: 'accepted', outcomeTimestamp: now, receivedAt: new Date() });
  expect(await until(() => written.length === settled + 1)).toBe(true);
  await new Promise((r) => setTimeout(r, SNAPSHOT_INTERVAL_MS + 100));
  expect(written.length).toBe(settled + 1);

  // Two quick feedbacks: the second waits for the interval, unless the store closes first.
  await feedbackOn(store, 'c-2', 'rule-c');
  await feedbackOn(store, 'c-3', 'rule-c');
  const closing = Date.now();
  await store.close();
  expect(Date.now() - closing).toBeLessThan(SNAPSHOT_INTERVAL_MS);
  expect(countOf(written.at(-1)!.report, 'rule-c')).toBe(2);
});

test('a failing snapshot writer does not fail the feedback', async () => {
  const { db } = await openPglite();
  let calls = 0;
  const store = await SqlStore.open('embedded', db, SECRET, {
    exclusive: true,
    feedbackSnapshot: async () => {
      calls++;
      throw new Error('disk full');
    },
  });
  try {
    await feedbackOn(store, 'c-1', 'rule-a');
    expect((await store.feedbackReport()).rules.map((r) => r.ruleId)).toEqual(['rule-a']);
    expect(await until(() => calls >= 2)).toBe(true);
  } finally {
    await store.close();
  }
});

test('cards sent alone bring cardsSent up to date on the cards interval; with nothing new, nothing is written', async () => {
  const { db } = await openPglite();
  const written: FeedbackReport[] = [];
  const store = await SqlStore.open('embedded', db, SECRET, {
    exclusive: true,
    snapshotCardsMs: 200,
    feedbackSnapshot: async (report) => {
      written.push(report);
    },
  });
  try {
    expect(await until(() => written.length === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(written.length).toBe(1);
    await store.rememberCards([{ uuid: 'sent-1', serviceId: 'svc', ruleIds: ['rule-sent'], patientId: 'p-1' }], new Date(Date.now() + 86_400_000));
    expect(await until(() => written.some((r) => r.rules.some((x) => x.ruleId === 'rule-sent' && x.cardsSent === 1)))).toBe(true);
    const after = written.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(written.length).toBe(after);
  } finally {
    await store.close();
  }
});

test('a slow report spaces the snapshots out, so that they take at most 1% of the time', async () => {
  const { db } = await openPglite();
  // The report's queries take 50 ms here (as with a large store): the next snapshot waits at least 5 s.
  const slow = {
    ...db,
    query: async <R>(sql: string, params?: readonly unknown[]) => {
      if (/FROM (issued_cards c|feedback f) CROSS JOIN LATERAL/.test(sql)) await new Promise((r) => setTimeout(r, 25));
      return db.query<R>(sql, params);
    },
  };
  const written: { at: number; report: FeedbackReport }[] = [];
  const store = await SqlStore.open('embedded', slow, SECRET, {
    exclusive: true,
    feedbackSnapshot: async (report) => {
      written.push({ at: Date.now(), report });
    },
  });
  expect(await until(() => written.length === 1)).toBe(true);
  await feedbackOn(store, 'c-1', 'rule-slow');
  await new Promise((r) => setTimeout(r, 3000));
  expect(written.length).toBe(1);
  expect(SNAPSHOT_MAX_SHARE).toBe(0.01);
  // Closing does not wait out the gap: the snapshot is brought up to date at once.
  await store.close();
  expect(written.length).toBe(2);
  expect(countOf(written[1]!.report, 'rule-slow')).toBe(1);
});
