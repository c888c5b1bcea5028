// Benchmarks (not timed tests): engine scaling, loader latency against a local FHIR server with
// 100 ms of added latency per response, and the page weight. Prints markdown tables.
// Run: npm run bench (after a production build for the page weight: npm run build).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { evaluate } from '../lib/engine/evaluate';
import type { PatientData } from '../lib/engine/types';
import { loadPatientData } from '../lib/fhir/loader';
import { createFetchTransport } from '../lib/fhir/transport';
import { knowledge } from '../lib/knowledge';
import { issueAccessToken } from '../lib/sandbox/auth';
import { handleFhirGet } from '../lib/sandbox/fhirApi';
import { sandboxStore } from '../lib/sandbox/store';
import path from 'node:path';
import { firstLoadKb } from './page-weight';
import { DIALECTS, emulate, EMULATOR_BASE } from '../__tests__/fhir/dialects/emulator';
import { forgetQuirks } from '../lib/fhir/queries';

const NOW = new Date();
const DAY = 86_400_000;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

// --- Engine ------------------------------------------------------------------------------------

function syntheticPatient(size: number): PatientData {
  const subject = { reference: 'Patient/bench' };
  const at = (i: number) => new Date(NOW.getTime() - (i % 3650) * DAY).toISOString();
  const observations: fhir4.Observation[] = [];
  const conditions: fhir4.Condition[] = [];
  const medicationRequests: fhir4.MedicationRequest[] = [];
  const procedures: fhir4.Procedure[] = [];
  const loinc = ['2823-3', '2951-2', '19123-9', '2345-7', '39156-5', '8867-4'];
  for (let i = 0; i < size; i++) {
    const kind = i % 10;
    if (kind < 7) {
      const code = loinc[i % loinc.length] ?? '2823-3';
      observations.push({
        resourceType: 'Observation', id: `o${i}`, status: 'final', subject, effectiveDateTime: at(i),
        code: { coding: [{ system: 'http://loinc.org', code }] },
        valueQuantity: { value: 3 + (i % 50) / 10, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      });
    } else if (kind < 9) {
      conditions.push({
        resourceType: 'Condition', id: `c${i}`, subject, onsetDateTime: at(i),
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: i % 3 ? 'resolved' : 'active' }] },
        code: { coding: [{ system: 'http://snomed.info/sct', code: i % 7 ? '195967001' : '44054006', display: i % 7 ? 'Asthma' : 'Diabetes' }], text: i % 7 ? 'Asthma' : 'Diabetes' },
      });
    } else if (i % 20 === 9) {
      medicationRequests.push({
        resourceType: 'MedicationRequest', id: `m${i}`, status: i % 3 ? 'stopped' : 'active', intent: 'order', subject, authoredOn: at(i),
        medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '316049', display: 'Hydrochlorothiazide 25 MG' }], text: 'Hydrochlorothiazide 25 MG' },
      });
    } else {
      procedures.push({
        resourceType: 'Procedure', id: `p${i}`, status: 'completed', subject, performedDateTime: at(i),
        code: { coding: [{ system: 'http://snomed.info/sct', code: '302497006', display: 'Hemodialysis' }] },
      });
    }
  }
  return {
    patient: { resourceType: 'Patient', id: 'bench', birthDate: '1950-01-01' },
    medicationStatements: [], medicationRequests, medications: [], conditions, observations, procedures, notChecked: [],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function benchEngine(): void {
  const k = knowledge();
  const sizes = [100, 1_000, 10_000, 100_000];
  const rows: { size: number; ms: number }[] = [];
  for (const size of sizes) {
    const data = syntheticPatient(size);
    for (let i = 0; i < 3; i++) evaluate(k, data, NOW); // warm up
    const runs = size >= 100_000 ? 7 : 21;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      evaluate(k, data, NOW);
      times.push(performance.now() - t);
    }
    rows.push({ size, ms: median(times) });
  }
  console.log('\n### Engine: evaluate() on synthetic patients (median)\n');
  console.log('| resources | ms | µs per resource | ratio to previous size (10× resources) |');
  console.log('|---|---|---|---|');
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    console.log(`| ${r.size.toLocaleString('en')} | ${r.ms.toFixed(2)} | ${((r.ms * 1000) / r.size).toFixed(2)} | ${prev ? (r.ms / prev.ms).toFixed(1) : '—'} |`);
  });
  const tenK = rows.find((r) => r.size === 10_000);
  console.log(`\nTarget: 10,000 resources under 50 ms: ${tenK && tenK.ms < 50 ? 'met' : 'NOT met'} (${tenK?.ms.toFixed(2)} ms).`);
}

// --- Loader ------------------------------------------------------------------------------------

async function startFhirServer(): Promise<{ base: string; close: () => void }> {
  await sandboxStore();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const base = `http://${req.headers.host}/fhir`;
    const path = url.pathname.replace(/^\/fhir\/?/, '');
    void handleFhirGet(path, url.searchParams, req.headers.authorization, base).then((answer) => {
      setTimeout(() => {
        res.writeHead(answer.status, { 'Content-Type': 'application/fhir+json', ...(answer.headers ?? {}) });
        res.end(JSON.stringify(answer.body));
      }, LATENCY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}/fhir`, close: () => server.close() };
}

async function benchLoader(): Promise<void> {
  const { base, close } = await startFhirServer();
  console.log(`\n### Loader: token to findings, FHIR server with ${LATENCY_MS} ms added to every response\n`);
  console.log('| patient | resources on server | HTTP requests | pages of the largest search | ms (median of 5) | sequential waits |');
  console.log('|---|---|---|---|---|---|');
  const { byPatient } = await sandboxStore();
  const cases = [
    ['demo-alcohol', false],
    ['demo-insulin', false],
    ['demo-dialysis', false],
    ['demo-large', false],
    ['demo-large', true],
  ] as const;
  for (const [id, readAllPages] of cases) {
    const size = [...byPatient.entries()].filter(([k]) => k.startsWith(`${id}|`)).reduce((n, [, v]) => n + v.length, 0);
    const times: number[] = [];
    let requests = 0;
    let pages = 0;
    for (let run = 0; run < 6; run++) {
      const token = issueAccessToken(id);
      let count = 0;
      const perSearch = new Map<string, number>();
      const transport = createFetchTransport({
        baseUrl: base,
        token: () => token,
        onRequest: (url) => {
          count++;
          const key = url.replace(/&_offset=\d+/, '').replace(/[?&]_count=\d+/, '');
          perSearch.set(key, (perSearch.get(key) ?? 0) + 1);
        },
      });
      const t = performance.now();
      const data = await loadPatientData(transport, id, knowledge(), { now: NOW, readAllPages });
      evaluate(knowledge(), data, NOW);
      const ms = performance.now() - t;
      if (run > 0) times.push(ms); // the first run warms the server's search cache
      requests = count;
      pages = Math.max(...perSearch.values());
    }
    const ms = median(times);
    console.log(`| ${id}${readAllPages ? ' (every page read)' : ''} | ${size.toLocaleString('en')} | ${requests} | ${pages} | ${ms.toFixed(0)} | ${(ms / LATENCY_MS).toFixed(1)} |`);
  }
  close();
  console.log(`\nTarget: a patient whose data fits one page per type in under 350 ms (at most two sequential waits).`);
}

/** demo-large under each emulated EHR dialect (the issue 13 test emulator), same added latency. */
async function benchDialects(): Promise<void> {
  console.log(`\n### Loader across EHR dialects: demo-large (2,400 results), ${LATENCY_MS} ms added to every response\n`);
  console.log('| dialect | HTTP requests (first load) | HTTP requests (next load, server quirks remembered) | most at once | ms (first load) | not checked |');
  console.log('|---|---|---|---|---|---|');
  for (const dialect of DIALECTS) {
    forgetQuirks();
    const row: number[] = [];
    let most = 0;
    let ms = 0;
    let gaps = 0;
    for (let run = 0; run < 2; run++) {
      const { fetch: serve, stats } = emulate(dialect, NOW);
      const slow: typeof fetch = async (input, init) => {
        await new Promise((r) => setTimeout(r, LATENCY_MS));
        return serve(input, init);
      };
      const transport = createFetchTransport({ baseUrl: EMULATOR_BASE, token: () => 'bench', fetch: slow });
      const t = performance.now();
      const data = await loadPatientData(transport, 'demo-large', knowledge(), { now: NOW });
      if (run === 0) {
        ms = performance.now() - t;
        gaps = data.notChecked.length;
      }
      row.push(stats.requests.length);
      most = Math.max(most, stats.maxInFlight);
    }
    console.log(`| ${dialect.name} | ${row[0]} | ${row[1]} | ${most} | ${ms.toFixed(0)} | ${gaps} |`);
  }
  forgetQuirks();
  console.log('\nTarget: demo-large right with _sort ignored and 50 per page within 12 requests.');
}

// --- Page weight -------------------------------------------------------------------------------

function benchWeight(): void {
  console.log('\n### Page weight (First Load JS, gzip, from the last production build)\n');
  try {
    const dir = path.join(__dirname, '..', '.next');
    const rows = ['/', '/launch'].map((p) => [p, firstLoadKb(dir, p)] as const);
    console.log('| page | First Load JS |');
    console.log('|---|---|');
    for (const [page, kb] of rows) console.log(`| ${page} | ${kb.toFixed(1)} kB |`);
    const home = rows.find(([p]) => p === '/')?.[1];
    console.log(`\nTarget: / under 160 kB: ${home !== undefined && home < 160 ? 'met' : 'NOT met'}.`);
  } catch (e) {
    console.log(`(no production build found: run npm run build first) ${e instanceof Error ? e.message : ''}`);
  }
}

async function main(): Promise<void> {
  console.log(`Benchmarks on ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  if (process.env.BENCH_ONLY === 'dialects') {
    await benchDialects();
    return;
  }
  benchEngine();
  await benchLoader();
  await benchDialects();
  benchWeight();
}

void main();
