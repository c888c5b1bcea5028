// CPU cost of our own code on the CDS patient-view hot path, per stage, single thread (a bench, not a
// timed test): loading the prefetch (no server), evaluating the rules, planning and rendering the cards,
// for the same realistic patient as scripts/bench-cds.ts (built from the demo patients, never from
// ../shared). Prints the mean milliseconds per call of each stage, and their sum.
//
//   npm run bench:engine
//   BENCH_N=2000        calls measured per stage (after BENCH_WARMUP=1000 unmeasured ones)
//   BENCH_RUNS=3        runs; each stage's median over the runs is printed too
//
// For a CPU profile: `node --cpu-prof --import tsx scripts/bench-engine.ts` (open the .cpuprofile in
// Chrome DevTools).
import { performance } from 'node:perf_hooks';
import { SOURCE_ARTICLE } from '../cds-rules';
import { renderPatientView } from '../lib/cds/cards';
import { planPatientView } from '../lib/cds/policy';
import { prefetchFromResources } from '../lib/cds/prefetch';
import { evaluate } from '../lib/engine/evaluate';
import { loadPatientData } from '../lib/fhir/loader';
import { knowledge } from '../lib/knowledge';
import { benchPatient } from './benchPatient';
import { serverUnitConverter } from '../lib/terminology/ucumNode';

const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function time(fn: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const start = performance.now();
  for (let i = 0; i < N; i++) await fn();
  return (performance.now() - start) / N;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const now = new Date();
  const patient = benchPatient(now);
  // The prefetch as the service sees it: parsed from the JSON body the EHR sends.
  const prefetch = JSON.parse(JSON.stringify(prefetchFromResources(patient.resources))) as Record<string, unknown>;
  const kb = knowledge();
  const units = serverUnitConverter();
  const policy = { trigger: 'complaint' as const, disabledRules: new Set<string>() };
  const cardOptions = { article: SOURCE_ARTICLE, launchUrl: 'http://127.0.0.1/launch' };

  const data = await loadPatientData(undefined, patient.id, kb, { now, prefetch });
  const result = evaluate(kb, data, now, { units });
  const plan = planPatientView(result, policy, new Set());
  const cards = renderPatientView(plan.plans, result, cardOptions);
  console.log(`bench patient: ${patient.resources.length} resources, ${result.findings.length} findings, ${cards.length} cards; ${N} calls per stage, ${RUNS} runs`);

  const stages: Record<string, () => unknown> = {
    load: () => loadPatientData(undefined, patient.id, kb, { now, prefetch }),
    evaluate: () => evaluate(kb, data, now, { units }),
    plan: () => planPatientView(result, policy, new Set()),
    render: () => renderPatientView(plan.plans, result, cardOptions),
  };
  const runs: Record<string, number[]> = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  for (let run = 1; run <= RUNS; run++) {
    const line: string[] = [];
    let total = 0;
    for (const [name, fn] of Object.entries(stages)) {
      const ms = await time(fn);
      runs[name]?.push(ms);
      total += ms;
      line.push(`${name} ${ms.toFixed(3)}`);
    }
    console.log(`run ${run}: ${line.join(', ')}; total ${total.toFixed(3)} ms`);
  }
  const medians = Object.entries(runs).map(([name, values]) => [name, median(values)] as const);
  console.log(`median: ${medians.map(([name, ms]) => `${name} ${ms.toFixed(3)}`).join(', ')}; total ${medians.reduce((s, [, ms]) => s + ms, 0).toFixed(3)} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
