/**
 * @jest-environment jest-fixed-jsdom
 */
import '@testing-library/jest-dom';
import { render, screen, within } from '@testing-library/react';
import { knowledgeBase, SOURCE_ARTICLE } from '../../cds-rules';
import { evaluate } from '../../lib/engine/evaluate';
import type { NotChecked } from '../../lib/engine/types';
import { knowledge } from '../../lib/knowledge';
import { Sidebar } from '../../lib/ui/Sidebar';
import { condition, daysAgo, data, lab, medicationRequest, NOW, patient, rxConcept, type DataParts } from '../helpers/fhir';

function show(parts: DataParts, extra: { notChecked?: NotChecked[]; needPatientBanner?: boolean } = {}) {
  const d = { ...data(parts), notChecked: extra.notChecked ?? [] };
  const result = evaluate(knowledge(), d, NOW);
  return render(
    <Sidebar
      model={{
        result,
        patient: d.patient,
        ...(extra.needPatientBanner !== undefined ? { needPatientBanner: extra.needPatientBanner } : {}),
        askThePatient: knowledgeBase.askThePatient,
        sourceArticle: SOURCE_ARTICLE,
      }}
    />,
  );
}

const hctz = () => medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'), { authoredOn: '2026-03-02' });

describe('Sidebar', () => {
  it('shows several findings grouped, with evidence and the documented cause', () => {
    show({
      medicationRequests: [medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet'))],
      conditions: [condition([{ system: 'sct', code: '49049000', display: "Parkinson's disease" }], { onsetDateTime: '2024-02-01' })],
      observations: [lab('2951-2', 149, 'mmol/L', { effectiveDateTime: '2026-11-20T09:00:00Z' })],
    });
    expect(screen.getByRole('status')).toHaveTextContent('3 documented causes apply to this patient.');
    const meds = screen.getByRole('region', { name: 'Medications' });
    expect(within(meds).getByRole('article', { name: 'Calcium channel blocker' })).toHaveTextContent('Amlodipine 5 MG Oral Tablet');
    const conditions = screen.getByRole('region', { name: 'Conditions' });
    const parkinsons = within(conditions).getByRole('article', { name: "Parkinson's disease" });
    expect(parkinsons).toHaveTextContent('2024-02-01');
    expect(parkinsons).toHaveTextContent('Mayo Clinic');
    const labs = screen.getByRole('region', { name: 'Lab results' });
    const sodium = within(labs).getByRole('article', { name: 'High sodium' });
    expect(sodium).toHaveTextContent('149 mmol/L');
    expect(sodium).toHaveTextContent('upper limit 145 mmol/L');
    expect(sodium).toHaveTextContent('2026-11-20');
    expect(screen.queryByText(/No documented causes found/)).not.toBeInTheDocument();
  });

  it('shows a linked group once, with both findings inside it', () => {
    show({ medicationRequests: [hctz()], observations: [lab('2823-3', 3.0, 'mmol/L')] });
    const linked = screen.getByRole('region', { name: 'Potassium loss' });
    expect(within(linked).getByRole('article', { name: 'Diuretic (water pill)' })).toBeInTheDocument();
    expect(within(linked).getByRole('article', { name: 'Low potassium' })).toBeInTheDocument();
    expect(screen.getAllByRole('article', { name: 'Diuretic (water pill)' })).toHaveLength(1);
  });

  it('shows the distinct all-clear state when nothing applies and everything was checked', () => {
    show({ observations: [lab('2823-3', 4.2, 'mmol/L')] });
    expect(screen.getByRole('status')).toHaveTextContent('No documented causes found in the checked data.');
    expect(screen.getByRole('region', { name: 'Ask the patient' })).toBeInTheDocument();
    expect(screen.getByText(/Supports, and does not replace, clinical judgement/)).toBeInTheDocument();
  });

  it('never shows the all-clear state when a type was not checked, and names the affected rules', () => {
    show({}, { notChecked: [{ resourceType: 'Observation', reason: 'access was denied (403)' }] });
    expect(screen.queryByText('No documented causes found in the checked data.')).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(/some data was not checked/);
    const labs = screen.getByRole('region', { name: 'Lab results' });
    expect(labs).toHaveTextContent('Lab results could not be loaded, so these were not checked: pregnancy, hypoglycemia, overweight, low potassium, low sodium, high sodium, low magnesium.');
    expect(screen.getByRole('list', { name: 'Data not checked' })).toHaveTextContent('access was denied (403)');
  });

  it('lists a stale lab under "no recent result" with its date', () => {
    show({ observations: [lab('2823-3', 2.9, 'mmol/L', { effectiveDateTime: '2025-01-15T10:00:00Z' })] });
    const labs = screen.getByRole('region', { name: 'Lab results' });
    expect(within(labs).getByRole('heading', { name: 'No recent result' })).toBeInTheDocument();
    expect(labs).toHaveTextContent('Potassium: last result 2025-01-15 (2.9 mmol/L), more than a year ago.');
    expect(screen.queryByRole('article', { name: 'Low potassium' })).not.toBeInTheDocument();
  });

  it('shows the deceased date in the banner', () => {
    show({ patient: patient({ deceasedDateTime: '2026-02-21T19:27:45+00:00' }), medicationRequests: [hctz()] });
    expect(screen.getByRole('region', { name: 'Patient' })).toHaveTextContent('Deceased 2026-02-21');
    expect(screen.getByRole('region', { name: 'Patient' })).toHaveTextContent('Alex Rivera');
  });

  it('hides the banner when the launch context says need_patient_banner=false', () => {
    show({ medicationRequests: [hctz()] }, { needPatientBanner: false });
    expect(screen.queryByRole('region', { name: 'Patient' })).not.toBeInTheDocument();
    expect(screen.queryByText('Alex Rivera')).not.toBeInTheDocument();
  });

  it('says when a drug was matched by name rather than code', () => {
    show({ medicationRequests: [medicationRequest(rxConcept(undefined, 'Cardizem CD 240 mg'), { authoredOn: daysAgo(3) })] });
    expect(screen.getByRole('article', { name: 'Calcium channel blocker' })).toHaveTextContent('matched by name');
  });

  it('shows the estimated trimester of a current pregnancy', () => {
    show({ conditions: [condition([{ system: 'sct', code: '72892002', display: 'Normal pregnancy' }], { onsetDateTime: daysAgo(150) })] });
    expect(screen.getByRole('article', { name: 'Pregnancy' })).toHaveTextContent('estimated second trimester');
  });

  it('shows a falling potassium as a labelled sparkline and a table of the values', () => {
    const values = [4.4, 4.0, 3.7, 3.2];
    show({ observations: values.map((v, i) => lab('2823-3', v, 'mmol/L', { effectiveDateTime: daysAgo(200 - i * 50) })) });
    const trends = screen.getByRole('region', { name: 'Recent results' });
    const figure = within(trends).getByRole('figure', { name: /Potassium/ });
    expect(figure).toHaveTextContent('latest 3.2 mmol/L, low');
    expect(within(figure).getByRole('img')).toHaveAccessibleName(
      `Potassium, 4 results from ${daysAgo(200).slice(0, 10)} to ${daysAgo(50).slice(0, 10)}: 4.4, 4, 3.7, 3.2 (low) mmol/L; lower limit 3.5, upper limit 5.1.`,
    );
    const rows = within(figure).getAllByRole('row');
    expect(rows).toHaveLength(5);
    expect(rows[4]).toHaveTextContent(`${daysAgo(50).slice(0, 10)}3.2low`);
  });

  it('shows merged mechanism links once, each finding a single time', () => {
    show({ medicationRequests: [hctz()], observations: [lab('2823-3', 3.0, 'mmol/L'), lab('2951-2', 131, 'mmol/L')] });
    const linked = screen.getByRole('region', { name: 'Linked findings' });
    expect(within(linked).getAllByRole('article').map((a) => a.getAttribute('data-rule'))).toEqual(['diuretic', 'low-potassium', 'low-sodium']);
    expect(screen.getAllByRole('article', { name: 'Diuretic (water pill)' })).toHaveLength(1);
    expect(linked).toHaveTextContent('Diuretic (water pill) → low potassium:');
    expect(linked).toHaveTextContent('Diuretic (water pill) → low sodium:');
  });

  it('lists a procedure that could not be read beside the conditions it affects', () => {
    show({}, { notChecked: [{ resourceType: 'Procedure', reason: 'access was denied (403)', status: 403 }] });
    const conditions = screen.getByRole('region', { name: 'Conditions' });
    expect(conditions).toHaveTextContent('Procedures could not be loaded, so these were not checked: hemodialysis.');
    expect(screen.queryByText(/No documented causes found/)).toBeNull();
  });
});
