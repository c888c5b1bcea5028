// The findings command as a user runs it: npm run --silent findings -- ...
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle, condition, lab, medicationRequest, patient, rxConcept } from '../helpers/fhir';

const ROOT = path.resolve(__dirname, '../..');
const run = (args: string[], input?: string) =>
  spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/findings.ts', ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });

describe('findings command', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'findings-'));
  const file = path.join(dir, 'patient.json');
  writeFileSync(
    file,
    JSON.stringify(
      bundle([
        patient(),
        medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'), { authoredOn: '2026-01-10' }),
        lab('2823-3', 3.0, 'mmol/L', { effectiveDateTime: '2026-11-01T08:00:00Z' }),
      ]),
    ),
  );

  it('prints the contract JSON for a bundle file', () => {
    const result = run(['--bundle', file, '--now', '2026-11-24T00:00:00Z']);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(Object.keys(output)).toEqual(['patient', 'now', 'complaint', 'findings', 'unmeasured', 'notChecked']);
    expect(output.patient).toBe('Patient/pat-1');
    expect(output.now).toBe('2026-11-24T00:00:00.000Z');
    expect(output.findings.map((f: { ruleId: string; matchedBy: string }) => [f.ruleId, f.matchedBy])).toEqual([
      ['diuretic', 'code'],
      ['low-potassium', 'code'],
    ]);
    expect(output.findings[1].evidence[0]).toMatch(/^Observation\//);
    // Every finding has its evidence level; a 10-month-old order is current (no verify).
    expect(output.findings.map((f: { level: string }) => f.level)).toEqual(['moderate', 'weak']);
    expect(output.findings.some((f: object) => 'verify' in f)).toBe(false);
    // Sodium, magnesium, calcium and TSH were never measured; potassium was.
    expect(output.unmeasured).toEqual(['sodium', 'magnesium', 'calcium', 'tsh']);
    expect(output.complaint).toEqual({ recorded: false, evidence: [] });
    expect(output.notChecked).toEqual([]);
  });

  it('prints the complaint, a verify sentence on an old order, and an empty unmeasured list when all was measured', () => {
    const old = path.join(dir, 'old.json');
    writeFileSync(
      old,
      JSON.stringify(
        bundle([
          patient(),
          medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'), { id: 'mr-old', authoredOn: '2020-08-04' }),
          condition([{ system: 'icd', code: 'G47.62', display: 'Sleep related leg cramps' }], {
            id: 'c-cramp',
            onsetDateTime: '2026-03-02',
          }),
          lab('2823-3', 4.1, 'mmol/L', { effectiveDateTime: '2026-11-01T08:00:00Z' }),
          lab('2951-2', 140, 'mmol/L', { effectiveDateTime: '2026-11-01T08:00:00Z' }),
          lab('19123-9', 2.0, 'mg/dL', { effectiveDateTime: '2026-11-01T08:00:00Z' }),
          lab('17861-6', 9.4, 'mg/dL', { effectiveDateTime: '2025-01-01T08:00:00Z' }),
          lab('3016-3', 2.2, 'm[IU]/L', { effectiveDateTime: '2026-06-01T08:00:00Z' }),
        ]),
      ),
    );
    const result = run(['--bundle', old, '--now', '2026-11-24T00:00:00Z']);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.complaint).toEqual({ recorded: true, evidence: ['Condition/c-cramp'] });
    expect(output.findings).toEqual([
      {
        ruleId: 'diuretic',
        title: 'Diuretic (water pill)',
        evidence: ['MedicationRequest/mr-old'],
        matchedBy: 'code',
        level: 'moderate',
        verify: 'Last ordered 2020-08-04, 6 years ago: confirm it is still taken.',
      },
    ]);
    // A calcium result from 2025 is stale, not unmeasured.
    expect(output.unmeasured).toEqual([]);
  });

  it('reads standard input with -', () => {
    const result = run(['--bundle', '-', '--now', '2026-11-24'], JSON.stringify(bundle([patient()])));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
  });

  it.each([
    ['a missing file', ['--bundle', '/no/such/file.json'], undefined, /cannot read/],
    ['input that is not JSON', ['--bundle', '-'], 'not json', /not JSON/],
    ['JSON that is not a Bundle', ['--bundle', '-'], '{"resourceType":"Patient"}', /not a FHIR Bundle/],
    ['a Bundle without a Patient', ['--bundle', '-'], JSON.stringify(bundle([])), /no Patient/],
    ['several Patients without --patient', ['--bundle', '-'], JSON.stringify(bundle([patient(), { ...patient(), id: 'p2' }])), /--patient/],
    ['a bad --now', ['--bundle', file, '--now', 'tomorrow'], undefined, /ISO-8601/],
    ['no arguments', [], undefined, /usage/],
  ])('exits 2 with one line on %s', (_label, args, input, message) => {
    const result = run(args as string[], input as string | undefined);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message as RegExp);
  });
});
