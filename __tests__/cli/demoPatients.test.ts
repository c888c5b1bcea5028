// The demo EHR's patients give exactly the findings they promise, through the same path as the
// findings command (the browser e2e tests check the same through a real launch).
import { findingsFromBundle } from '../../lib/findings';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { bundle, NOW } from '../helpers/fhir';

describe('demo patients', () => {
  it.each(demoPatients.map((p) => [p.id, p.expected] as const))('%s fires exactly %p', (id, expected) => {
    const patient = demoPatients.find((p) => p.id === id);
    const output = findingsFromBundle(bundle(patient?.resources(NOW) ?? []), NOW);
    expect(output.findings.map((f) => f.ruleId).sort()).toEqual([...expected].sort());
    expect(output.findings.filter((f) => f.verify).map((f) => f.ruleId).sort()).toEqual([...(patient?.verify ?? [])].sort());
    expect(output.complaint.recorded).toBe(patient?.complaint === true);
    expect(output.notChecked).toEqual([]);
  });
});
