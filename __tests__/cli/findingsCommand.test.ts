// The findings command as a user runs it: npm run --silent findings -- ...
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle, lab, medicationRequest, patient, rxConcept } from '../helpers/fhir';

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
    expect(Object.keys(output)).toEqual(['patient', 'now', 'findings', 'notChecked']);
    expect(output.patient).toBe('Patient/pat-1');
    expect(output.now).toBe('2026-11-24T00:00:00.000Z');
    expect(output.findings.map((f: { ruleId: string; matchedBy: string }) => [f.ruleId, f.matchedBy])).toEqual([
      ['diuretic', 'code'],
      ['low-potassium', 'code'],
    ]);
    expect(output.findings[1].evidence[0]).toMatch(/^Observation\//);
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
