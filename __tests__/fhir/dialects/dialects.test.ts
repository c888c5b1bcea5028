// Every demo patient read through every EHR dialect must give the same findings as the same data
// read as one Bundle, or say which rules were not checked: zero silent disagreements. And no type
// may be reported not checked when a documented minimal query would have worked.
import { evaluate } from '../../../lib/engine/evaluate';
import type { EvaluationResult } from '../../../lib/engine/types';
import { patientDataFromBundle } from '../../../lib/fhir/fromBundle';
import { loadPatientData, MAX_CONCURRENT_REQUESTS } from '../../../lib/fhir/loader';
import { forgetQuirks } from '../../../lib/fhir/queries';
import { createFetchTransport } from '../../../lib/fhir/transport';
import { knowledge } from '../../../lib/knowledge';
import { demoPatients } from '../../../lib/sandbox/demoPatients';
import { dialectResources, DIALECTS, emulate, EMULATOR_BASE, type Dialect } from './emulator';

const NOW = new Date();

/** The same record as the dialect's server holds it, read as one Bundle (the findings command's path). */
function fromBundle(dialect: Dialect, id: string): EvaluationResult {
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: dialectResources(dialect, id, NOW).map((resource) => ({ resource })) };
  const { data, fullUrls } = patientDataFromBundle(bundle, id);
  return evaluate(knowledge(), data, NOW, { medicationFullUrls: fullUrls });
}

async function throughDialect(dialect: Dialect, id: string) {
  const { fetch, stats } = emulate(dialect, NOW);
  const diagnostics: unknown[] = [];
  const transport = createFetchTransport({ baseUrl: EMULATOR_BASE, token: () => 'token', fetch, onDiagnostic: (d) => diagnostics.push(d) });
  const data = await loadPatientData(transport, id, knowledge(), { now: NOW, onDiagnostic: (d) => diagnostics.push(d) });
  return { data, result: evaluate(knowledge(), data, NOW), stats, diagnostics };
}

/** What a clinician sees of the findings: each rule and its evidence, in order-free form. */
const shape = (r: EvaluationResult) =>
  Object.fromEntries(r.findings.map((f) => [f.ruleId, f.evidence.map((e) => e.reference).sort()]));

const table: Record<string, { agree: number; notChecked: number; disagree: number }> = {};

afterAll(() => {
  const lines = Object.entries(table).map(([d, t]) => `${d.padEnd(24)} ${String(t.agree).padStart(6)} ${String(t.notChecked).padStart(12)} ${String(t.disagree).padStart(9)}`);
  console.log(`dialect × ${demoPatients.length} demo patients\n${'dialect'.padEnd(24)} ${'agree'.padStart(6)} ${'not checked'.padStart(12)} ${'silent'.padStart(9)}\n${lines.join('\n')}`);
});

beforeEach(() => forgetQuirks());

describe.each(DIALECTS.map((d) => [d.name, d] as const))('dialect %s', (name, dialect) => {
  it.each(demoPatients.map((p) => p.id))('%s: same findings as the Bundle, or the affected rules not checked', async (id) => {
    const expected = fromBundle(dialect, id);
    const { result } = await throughDialect(dialect, id);
    const row = (table[name] ??= { agree: 0, notChecked: 0, disagree: 0 });
    const unchecked = new Set(result.notChecked.flatMap((n) => n.affectedRules));
    const got = shape(result);
    const want = shape(expected);
    const differing = [...new Set([...Object.keys(got), ...Object.keys(want)])].filter(
      (rule) => JSON.stringify(got[rule]) !== JSON.stringify(want[rule]),
    );
    const silent = differing.filter((rule) => !unchecked.has(rule));
    if (silent.length > 0) row.disagree++;
    else if (result.notChecked.length > 0) row.notChecked++;
    else row.agree++;
    expect(silent).toEqual([]);
    // The documented minimal queries work on every dialect, so nothing may be left unchecked.
    expect(result.notChecked).toEqual(expected.notChecked);
    // What is not a finding must agree too: the stale list and the trends.
    expect(result.stale.map((s) => s.reference).sort()).toEqual(expected.stale.map((s) => s.reference).sort());
    expect(result.trends.map((t) => [t.analyte, t.points.map((p) => p.reference)])).toEqual(
      expected.trends.map((t) => [t.analyte, t.points.map((p) => p.reference)]),
    );
  });
});

describe('dialect specifics', () => {
  const dialect = (name: string) => {
    const d = DIALECTS.find((x) => x.name === name);
    if (!d) throw new Error(name);
    return d;
  };

  it('Oracle Health: no MedicationStatement is a quiet coverage note, not a gap, and the all-clear stays possible', async () => {
    const { data, result, stats } = await throughDialect(dialect('oracle-health'), 'demo-nothing');
    expect(data.notChecked).toEqual([]);
    expect(result.coverageNotes).toEqual(['This server keeps medications as orders (MedicationRequest); it offers no MedicationStatement.']);
    // Searched once, in the first wave with everything else (no wait for /metadata); its refusal is
    // then explained by the CapabilityStatement.
    expect(stats.requests.filter((u) => new URL(u).pathname.endsWith('/MedicationStatement')).length).toBeLessThanOrEqual(3);
  });

  it('a strict server: one refusal per optional parameter at most, remembered for the next load', async () => {
    const first = await throughDialect(dialect('strict'), 'demo-diuretic');
    const refusedFirst = first.stats.requests.filter((u) => /[?&](_include|_sort|_count)=/.test(u)).length;
    expect(refusedFirst).toBeGreaterThan(0);
    const second = await throughDialect(dialect('strict'), 'demo-diuretic');
    expect(second.stats.requests.filter((u) => /[?&](_include|_sort|_count)=/.test(u))).toEqual([]);
    expect(second.result.notChecked).toEqual([]);
  });

  it('a server that rejects dates without a time gets full instants', async () => {
    const { stats } = await throughDialect(dialect('date-needs-time'), 'demo-dialysis');
    const procedures = stats.requests.filter((u) => new URL(u).pathname.endsWith('/Procedure')).map((u) => new URL(u).searchParams.get('date'));
    expect(procedures.at(-1)).toMatch(/^ge\d{4}-\d{2}-\d{2}T00:00:00Z$/);
  });

  it('Epic: every Observation search carries a code, and outcome entries are not data', async () => {
    const { stats, diagnostics, data } = await throughDialect(dialect('epic'), 'demo-large');
    const observations = stats.requests.filter((u) => new URL(u).pathname.endsWith('/Observation'));
    expect(observations.length).toBeGreaterThan(0);
    for (const u of observations) expect(new URL(u).searchParams.get('code')).toMatch(/loinc/);
    expect(data.observations.every((o) => o.resourceType === 'Observation')).toBe(true);
    expect(diagnostics).toContainEqual(expect.objectContaining({ kind: 'warning' }));
  });

  it('demo-large with _sort ignored and 50 per page: right, within 12 requests in all', async () => {
    const { result, stats } = await throughDialect(dialect('sort-ignored-50'), 'demo-large');
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['diuretic', 'low-potassium']);
    expect(result.notChecked).toEqual([]);
    console.log(`demo-large, sort ignored, 50 per page: ${stats.requests.length} requests (${stats.requests.filter((u) => u.includes('Observation')).length} Observation), at most ${stats.maxInFlight} at once`);
    expect(stats.requests.length).toBeLessThanOrEqual(12);
    expect(stats.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT_REQUESTS);
  });

  it('a server that ignores _sort and refuses date windows: whole history read once each, or not checked, never doubled', async () => {
    const harsh: Dialect = { name: 'sort-ignored-no-dates', source: 'combination of the above', ignoresSort: true, refuses: ['date'], defaultCount: 3, maxCount: 3, links: 'absolute' };
    for (const { id } of demoPatients) {
      forgetQuirks();
      const expected = fromBundle(harsh, id);
      const { result } = await throughDialect(harsh, id);
      const unchecked = new Set(result.notChecked.flatMap((n) => n.affectedRules));
      const got = shape(result);
      const want = shape(expected);
      const silent = [...new Set([...Object.keys(got), ...Object.keys(want)])].filter((r) => JSON.stringify(got[r]) !== JSON.stringify(want[r]) && !unchecked.has(r));
      expect({ id, silent }).toEqual({ id, silent: [] });
      if (!result.notChecked.some((n) => n.resourceType === 'Observation')) {
        expect({ id, trends: result.trends.map((t) => t.points.map((p) => p.reference)) }).toEqual({ id, trends: expected.trends.map((t) => t.points.map((p) => p.reference)) });
      }
    }
  });

  it('the planner follows the knowledge: the analytes demo-large never had (calcium, ionized calcium, TSH) join the search, still within 12 requests', async () => {
    const { fetch, stats } = emulate(dialect('sort-ignored-50'), NOW);
    const data = await loadPatientData(createFetchTransport({ baseUrl: EMULATOR_BASE, fetch }), 'demo-large', knowledge(), { now: NOW });
    const labSearches = stats.requests.filter((u) => new URL(u).searchParams.get('code')?.includes('3016-3'));
    expect(new URL(labSearches[0] ?? 'http://x').searchParams.get('code')).toContain('2823-3');
    // The analytes still short after the 30-day window are asked for alone, older than the window.
    const last = new URL(labSearches.at(-1) ?? 'http://x').searchParams.get('code')?.split(',').map((c) => c.split('|')[1]).sort();
    expect(last).toEqual(['11580-8', '17861-6', '1994-3', '1995-0', '3016-3', '49765-1']);
    expect(data.notChecked).toEqual([]);
    expect(evaluate(knowledge(), data, NOW).findings.map((f) => f.ruleId).sort()).toEqual(['diuretic', 'low-potassium']);
    expect(stats.requests.length).toBeLessThanOrEqual(12);
  });

  it('demo-large on a conformant server: the newest-first search stops after one page, and one small search looks for the analytes never seen', async () => {
    const { result, stats } = await throughDialect(dialect('conformant'), 'demo-large');
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['diuretic', 'low-potassium']);
    console.log(`demo-large, conformant: ${stats.requests.length} requests`);
    // Patient, metadata, 8 searches, and one search for calcium, ionized calcium and TSH alone.
    expect(stats.requests.length).toBeLessThanOrEqual(11);
    const absentSearch = stats.requests.map((u) => new URL(u).searchParams.get('code') ?? '').filter((c) => c.includes('3016-3') && !c.includes('2823-3'));
    expect(absentSearch).toHaveLength(1);
  });
});
