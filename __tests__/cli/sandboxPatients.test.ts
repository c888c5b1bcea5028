// Runs the findings logic over the real SMART sandbox bundles in ../shared/reference (when present).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findingsFromBundle } from '../../lib/findings';

const DIR = path.resolve(__dirname, '../../../shared/reference/sandbox-patients');
const present = existsSync(DIR);
const describeIfPresent = present ? describe : describe.skip;
// The sandbox data ends in spring 2021; evaluate as of a date just after it.
const AS_OF = new Date('2021-06-01T00:00:00Z');

const EXPECTED: Record<string, { name: string; rules: string[] }> = {
  '132f48ba-1d72-4e0c-a220-91786d7501aa': { name: 'Neva Hyatt: insulin and diabetes; her pregnancy is resolved; BMI 30.1', rules: ['insulin', 'diabetes', 'overweight'] },
  '43400618-8533-406d-8303-af7cc5714549': { name: 'Maple Emmerich: current normal pregnancy; prediabetes does not count; BMI over 25', rules: ['pregnancy', 'overweight'] },
  '6234b038-fa0d-476f-b373-6c22de018cf7': { name: 'Tommy Friesen: Lasix; prediabetes only; BMI over 25', rules: ['diuretic', 'overweight'] },
  '718413e0-9b98-4c34-9575-fdb4e5179738': { name: 'Stephenie Schowalter: HCTZ during a current pregnancy', rules: ['pregnancy', 'diuretic'] },
  '87a339d0-8cae-418e-89c7-8651e6aab3c6': { name: 'Danae Kshlerin: diabetes; BMI over 25', rules: ['diabetes', 'overweight'] },
  '948e608d-e408-4788-8cf2-8157c49c2940': { name: 'Dirk Kuhlman: HCTZ, Humulin, diabetes; obesity', rules: ['diuretic', 'insulin', 'diabetes', 'overweight'] },
  'b2eeab29-a67d-4941-8540-6372911cfc17': { name: 'Clarine O’Keefe: verapamil, diabetes; obesity', rules: ['calcium-channel-blocker', 'diabetes', 'overweight'] },
  'ba18818d-faef-44cd-9744-b12d8973d402': { name: 'Adalberto Hartmann: amlodipine, HCTZ; prediabetes only; obesity', rules: ['diuretic', 'calcium-channel-blocker', 'overweight'] },
  'd78af07c-9cb9-4f31-9b11-c45a28f2eec8': { name: 'Clemente Kreiger: only the Synthea obesity finding (BMI 30+)', rules: ['overweight'] },
  'dbf9798e-4b52-4cd9-a9eb-ec36149c859a': { name: 'Addie Tremblay: active HCTZ 25 only; resolved eclampsia; BMI over 25', rules: ['diuretic', 'overweight'] },
  'e4531916-b162-4f4b-90c2-ce37e132b8d4': { name: 'Buster Hoeger: nothing relevant', rules: [] },
  'ec6a274e-5090-45c9-b153-e40418f6fa3d': { name: 'Parker Casper (deceased): amlodipine, verapamil, furosemide, HCTZ, diabetes', rules: ['diuretic', 'calcium-channel-blocker', 'diabetes'] },
};

// At 2026-11-24 (five years after the data ends), per bundle: the findings still current, those to
// verify (old orders, an old pregnancy, obesity resting only on a diagnosis), and the analytes never
// measured. Written from the data: the trimmed bundles keep every electrolyte and 20 other results.
const AT_2026: Record<string, { current: string[]; verify: string[]; unmeasured: string[] }> = {
  '132f48ba-1d72-4e0c-a220-91786d7501aa': { current: ['diabetes'], verify: ['insulin'], unmeasured: ['magnesium', 'tsh'] },
  '43400618-8533-406d-8303-af7cc5714549': { current: [], verify: ['pregnancy'], unmeasured: ['magnesium', 'tsh'] },
  '6234b038-fa0d-476f-b373-6c22de018cf7': { current: [], verify: ['diuretic'], unmeasured: ['magnesium', 'tsh'] },
  '718413e0-9b98-4c34-9575-fdb4e5179738': { current: [], verify: ['pregnancy', 'diuretic'], unmeasured: ['potassium', 'sodium', 'magnesium', 'calcium', 'tsh'] },
  '87a339d0-8cae-418e-89c7-8651e6aab3c6': { current: ['diabetes'], verify: [], unmeasured: ['magnesium', 'tsh'] },
  '948e608d-e408-4788-8cf2-8157c49c2940': { current: ['diabetes'], verify: ['diuretic', 'insulin', 'overweight'], unmeasured: ['magnesium', 'tsh'] },
  'b2eeab29-a67d-4941-8540-6372911cfc17': { current: ['diabetes'], verify: ['calcium-channel-blocker', 'overweight'], unmeasured: ['magnesium', 'tsh'] },
  'ba18818d-faef-44cd-9744-b12d8973d402': { current: [], verify: ['diuretic', 'calcium-channel-blocker', 'overweight'], unmeasured: ['magnesium', 'tsh'] },
  'd78af07c-9cb9-4f31-9b11-c45a28f2eec8': { current: [], verify: ['overweight'], unmeasured: ['potassium', 'sodium', 'magnesium', 'calcium', 'tsh'] },
  'dbf9798e-4b52-4cd9-a9eb-ec36149c859a': { current: [], verify: ['diuretic'], unmeasured: ['potassium', 'sodium', 'magnesium', 'calcium', 'tsh'] },
  'e4531916-b162-4f4b-90c2-ce37e132b8d4': { current: [], verify: [], unmeasured: ['potassium', 'sodium', 'magnesium', 'calcium', 'tsh'] },
  'ec6a274e-5090-45c9-b153-e40418f6fa3d': { current: ['diabetes'], verify: ['diuretic', 'calcium-channel-blocker'], unmeasured: ['magnesium', 'tsh'] },
};
const NOW_2026 = new Date('2026-11-24T00:00:00Z');

function load(id: string): fhir4.Bundle {
  return JSON.parse(readFileSync(path.join(DIR, `${id}.json`), 'utf8')) as fhir4.Bundle;
}

describeIfPresent('findings over the SMART sandbox bundles', () => {
  it('has an expectation for every bundle in the folder', () => {
    const files = readdirSync(DIR).filter((f) => /^[0-9a-f-]{36}\.json$/.test(f)).map((f) => f.slice(0, -5));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s (%s)', (id, expected) => {
    const output = findingsFromBundle(load(id), AS_OF);
    expect(output.patient).toBe(`Patient/${id}`);
    expect(output.findings.map((f) => f.ruleId)).toEqual(expected.rules);
    expect(output.findings.every((f) => f.matchedBy === 'code')).toBe(true);
    expect(output.notChecked).toEqual([]);
  });

  it.each(Object.entries(AT_2026))('%s at 2026-11-24: old records are to verify, never current', (id, expected) => {
    const output = findingsFromBundle(load(id), NOW_2026);
    expect(output.findings.filter((f) => !f.verify).map((f) => f.ruleId)).toEqual(expected.current);
    expect(output.findings.filter((f) => f.verify).map((f) => f.ruleId)).toEqual(expected.verify);
    expect(output.unmeasured).toEqual(expected.unmeasured);
    expect(output.complaint.recorded).toBe(false);
    // Every finding carries its evidence level.
    for (const f of output.findings) expect(['strong', 'moderate', 'weak', 'safety']).toContain(f.level);
  });

  it('says how old Stephenie Schowalter’s HCTZ order and pregnancy are', () => {
    const output = findingsFromBundle(load('718413e0-9b98-4c34-9575-fdb4e5179738'), NOW_2026);
    expect(output.findings.map((f) => [f.ruleId, f.level, f.verify])).toEqual([
      ['pregnancy', 'strong', 'Recorded 308 weeks ago (longer than 42 weeks) and never closed: confirm whether the pregnancy is ongoing.'],
      ['diuretic', 'moderate', 'Last ordered 2005-11-14, 21 years ago: confirm it is still taken.'],
    ]);
  });

  it('reads the sandbox total calcium (49765-1, mg/dL): every value is at or above 8.5, so low calcium never fires', () => {
    let read = 0;
    for (const id of Object.keys(EXPECTED)) {
      const bundle = load(id);
      read += (bundle.entry ?? []).filter((e) => (e.resource as fhir4.Observation | undefined)?.code?.coding?.some((c) => c.code === '49765-1')).length;
      expect(findingsFromBundle(bundle, AS_OF).findings.map((f) => f.ruleId)).not.toContain('low-calcium');
    }
    expect(read).toBeGreaterThan(5);
  });

  it('fires low calcium, not albumin-corrected, once Danae Kshlerin’s 8.64 mg/dL is edited to 8.2', () => {
    const bundle = load('87a339d0-8cae-418e-89c7-8651e6aab3c6');
    const calcium = bundle.entry
      ?.map((e) => e.resource as fhir4.FhirResource | undefined)
      .find((r): r is fhir4.Observation => r?.resourceType === 'Observation' && !!r.code.coding?.some((c) => c.code === '49765-1'));
    expect(calcium?.valueQuantity?.unit).toBe('mg/dL');
    if (calcium?.valueQuantity) calcium.valueQuantity.value = 8.2;
    const output = findingsFromBundle(bundle, AS_OF);
    expect(output.findings.find((f) => f.ruleId === 'low-calcium')).toMatchObject({ level: 'weak', evidence: [`Observation/${calcium?.id}`] });
  });

  it('fires the long-acting beta-agonist rule on the sandbox’s fluticasone/salmeterol inhaler (RxNorm 896209)', () => {
    const bundle = load('87a339d0-8cae-418e-89c7-8651e6aab3c6');
    const order = bundle.entry
      ?.map((e) => e.resource as fhir4.FhirResource | undefined)
      .find((r): r is fhir4.MedicationRequest => r?.resourceType === 'MedicationRequest');
    expect(order).toBeDefined();
    const inhaler = {
      ...order,
      id: 'laba-1',
      status: 'active',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '896209', display: '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler' }],
        text: '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler',
      },
    } as fhir4.MedicationRequest;
    bundle.entry?.push({ fullUrl: 'urn:uuid:laba-1', resource: inhaler });
    const finding = findingsFromBundle(bundle, AS_OF).findings.find((f) => f.ruleId === 'long-acting-beta-agonist');
    expect(finding).toMatchObject({ level: 'strong', matchedBy: 'code', evidence: ['MedicationRequest/laba-1'] });
  });

  it('does not count Addie Tremblay’s stopped HCTZ 6.25 MG order', () => {
    const bundle = load('dbf9798e-4b52-4cd9-a9eb-ec36149c859a');
    const stopped = bundle.entry
      ?.map((e) => e.resource as fhir4.FhirResource | undefined)
      .filter((r): r is fhir4.MedicationRequest => r?.resourceType === 'MedicationRequest' && r.status === 'stopped')
      .filter((r) => r.medicationCodeableConcept?.coding?.some((c) => c.code === '316052'));
    expect(stopped?.length).toBeGreaterThan(0);
    const output = findingsFromBundle(bundle, AS_OF);
    const evidence = output.findings.find((f) => f.ruleId === 'diuretic')?.evidence ?? [];
    for (const s of stopped ?? []) expect(evidence).not.toContain(`MedicationRequest/${s.id}`);
    expect(evidence).toHaveLength(1);
  });

  it('finds no low or high electrolytes (every sandbox value is in range)', () => {
    for (const id of Object.keys(EXPECTED)) {
      const rules = findingsFromBundle(load(id), AS_OF).findings.map((f) => f.ruleId);
      expect(rules.filter((r) => /potassium|sodium|magnesium/.test(r))).toEqual([]);
    }
  });

  it('fires low potassium once a real sandbox potassium is edited below 3.5', () => {
    const bundle = load('6234b038-fa0d-476f-b373-6c22de018cf7');
    const potassium = bundle.entry
      ?.map((e) => e.resource as fhir4.FhirResource | undefined)
      .filter((r): r is fhir4.Observation => r?.resourceType === 'Observation' && !!r.code.coding?.some((c) => c.code === '6298-4'))
      .sort((a, b) => String(b.effectiveDateTime).localeCompare(String(a.effectiveDateTime)))[0];
    expect(potassium?.valueQuantity).toBeDefined();
    if (potassium?.valueQuantity) potassium.valueQuantity.value = 3.1;
    const output = findingsFromBundle(bundle, AS_OF);
    expect(output.findings.map((f) => f.ruleId)).toEqual(['diuretic', 'overweight', 'low-potassium']);
  });

  it('lists the sandbox electrolytes as "no recent result" five years on', () => {
    const output = findingsFromBundle(load('6234b038-fa0d-476f-b373-6c22de018cf7'), new Date('2026-11-24T00:00:00Z'));
    // Five years on, the 2021 BMI is too old to count as well.
    expect(output.findings.map((f) => f.ruleId)).toEqual(['diuretic']);
  });

  it('reads the sandbox BMI (39156-5) as an adult BMI with the age at measurement', () => {
    const output = findingsFromBundle(load('132f48ba-1d72-4e0c-a220-91786d7501aa'), AS_OF);
    const bmi = output.findings.find((f) => f.ruleId === 'overweight');
    expect(bmi?.evidence).toHaveLength(1);
    expect(bmi?.evidence[0]).toMatch(/^Observation\//);
  });
});

if (!present) {
  it('skips the sandbox bundle checks because ../shared/reference is absent', () => {
    expect(present).toBe(false);
  });
}
