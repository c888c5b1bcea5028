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
  it('lists findings strongest first, each with its evidence level, caveat and reference', () => {
    show({
      medicationRequests: [
        medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet')),
        medicationRequest(rxConcept('896209', '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler')),
      ],
      conditions: [condition([{ system: 'sct', code: '49049000', display: "Parkinson's disease" }], { onsetDateTime: '2024-02-01' })],
      observations: [lab('2951-2', 149, 'mmol/L', { effectiveDateTime: '2026-11-20T09:00:00Z' })],
    });
    expect(screen.getByRole('status')).toHaveTextContent('4 documented causes: 1 strong, 3 weak.');
    const causes = screen.getByRole('region', { name: 'Documented causes' });
    expect(within(causes).getAllByRole('article').map((a) => a.getAttribute('data-rule'))).toEqual([
      'long-acting-beta-agonist',
      'calcium-channel-blocker',
      'parkinsons-disease',
      'high-sodium',
    ]);
    const laba = within(causes).getByRole('article', { name: 'Long-acting beta-agonist inhaler' });
    expect(within(laba).getByLabelText('Evidence: strong')).toBeInTheDocument();
    expect(laba).toHaveTextContent('ASR 2.42');
    const link = within(laba).getByRole('link', { name: /Garrison et al., Arch Intern Med 2012/ });
    expect(link).toHaveAttribute('href', 'https://pubmed.ncbi.nlm.nih.gov/22157068/');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    const ccb = within(causes).getByRole('article', { name: 'Calcium channel blocker' });
    expect(within(ccb).getByLabelText('Evidence: weak')).toBeInTheDocument();
    expect(ccb).toHaveTextContent('Amlodipine 5 MG Oral Tablet');
    expect(ccb).toHaveTextContent('dihydropyridines');
    const parkinsons = within(causes).getByRole('article', { name: "Parkinson's disease" });
    expect(parkinsons).toHaveTextContent('2024-02-01');
    expect(parkinsons).toHaveTextContent('Mayo Clinic');
    const sodium = within(causes).getByRole('article', { name: 'High sodium' });
    expect(sodium).toHaveTextContent('149 mmol/L');
    expect(sodium).toHaveTextContent('upper limit 145 mmol/L');
    expect(sodium).toHaveTextContent('2026-11-20');
    expect(screen.queryByText(/No documented causes found/)).not.toBeInTheDocument();
  });

  it('shows the caveat that applies to a diltiazem order', () => {
    show({ medicationRequests: [medicationRequest(rxConcept(undefined, 'Cardizem CD 240 mg'), { authoredOn: daysAgo(3) })] });
    const ccb = screen.getByRole('article', { name: 'Calcium channel blocker' });
    expect(ccb).toHaveTextContent(/diltiazem has been studied as a treatment for cramps: this association is doubtful/);
  });

  it('shows quinine first, as a safety warning that is not counted as a cause', () => {
    show({
      medicationRequests: [
        medicationRequest(rxConcept(undefined, 'Qualaquin 324 mg capsule'), { authoredOn: daysAgo(10) }),
        medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet')),
      ],
    });
    expect(screen.getByRole('status')).toHaveTextContent('1 documented cause: 1 weak. One safety warning (shown first).');
    const safety = screen.getByRole('region', { name: 'Safety' });
    const quinine = within(safety).getByRole('article', { name: 'Quinine: not recommended for cramps' });
    expect(within(quinine).getByLabelText('Safety warning')).toBeInTheDocument();
    expect(quinine).toHaveTextContent('FDA');
    const articles = screen.getAllByRole('article').map((a) => a.getAttribute('data-rule'));
    expect(articles.indexOf('quinine')).toBeLessThan(articles.indexOf('calcium-channel-blocker'));
  });

  it('shows a linked group once, with both findings inside it', () => {
    show({ medicationRequests: [hctz()], observations: [lab('2823-3', 3.0, 'mmol/L')] });
    const linked = screen.getByRole('region', { name: 'Potassium loss' });
    expect(within(linked).getByRole('article', { name: 'Diuretic (water pill)' })).toBeInTheDocument();
    expect(within(linked).getByRole('article', { name: 'Low potassium' })).toBeInTheDocument();
    expect(screen.getAllByRole('article', { name: 'Diuretic (water pill)' })).toHaveLength(1);
  });

  it('shows the distinct all-clear state only when nothing applies, everything was checked and every analyte was measured', () => {
    show({
      observations: [
        lab('2823-3', 4.2, 'mmol/L'),
        lab('2951-2', 140, 'mmol/L'),
        lab('19123-9', 2.0, 'mg/dL'),
        lab('17861-6', 9.3, 'mg/dL'),
        lab('3016-3', 1.9, 'm[IU]/L'),
      ],
    });
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('No documented causes found in the checked data.');
    expect(status).toHaveClass('all-clear');
    expect(screen.getByTestId('complaint')).toHaveTextContent('No leg-cramp complaint in the record');
    expect(screen.getByRole('region', { name: 'Ask the patient' })).toBeInTheDocument();
    expect(screen.getByText(/supports, and does not replace, clinical judgement/)).toBeInTheDocument();
  });

  it('says what was never measured, in a neutral style, instead of the all-clear', () => {
    show({ observations: [lab('2823-3', 4.2, 'mmol/L')] });
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent('No documented causes found in the checked data, but sodium, magnesium, calcium and TSH have never been measured.');
    expect(status).toHaveClass('neutral');
    expect(status).not.toHaveClass('all-clear');
    expect(screen.queryByRole('list', { name: 'Data not checked' })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Lab results' })).toHaveTextContent('Never measured: sodium, magnesium, calcium and TSH.');
  });

  it('never shows the all-clear state when a type was not checked, and names the affected rules', () => {
    show({}, { notChecked: [{ resourceType: 'Observation', reason: 'access was denied (403)' }] });
    expect(screen.queryByText(/No documented causes found in the checked data/)).not.toBeInTheDocument();
    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(/some data was not checked/);
    expect(status).toHaveClass('incomplete');
    const list = screen.getByRole('list', { name: 'Data not checked' });
    expect(list).toHaveTextContent('access was denied (403)');
    expect(list).toHaveTextContent('Not fully checked: pregnancy, hypoglycemia (low blood sugar), overweight or obesity, low potassium, low sodium, high sodium, low magnesium, low calcium, underactive thyroid (hypothyroidism).');
    // Observations that could not be read are not "never measured".
    expect(screen.queryByText(/Never measured/)).not.toBeInTheDocument();
  });

  it('opens with the documented complaint', () => {
    show({
      conditions: [condition([{ system: 'icd', code: 'G47.62', display: 'Sleep related leg cramps' }], { onsetDateTime: '2026-03-02' })],
      medicationRequests: [hctz()],
    });
    const complaint = screen.getByTestId('complaint');
    expect(complaint).toHaveTextContent('Leg cramps recorded: Sleep related leg cramps, 2026-03-02');
    // It comes before the summary and the findings.
    expect(complaint.compareDocumentPosition(screen.getByRole('status')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.queryByRole('article', { name: /cramp/i })).not.toBeInTheDocument();
  });

  it('shows old records apart, under "To verify", counted apart in the summary', () => {
    show({
      medicationRequests: [
        medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'), { authoredOn: '2020-08-04' }),
        medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet'), { authoredOn: daysAgo(60) }),
      ],
      observations: [lab('2823-3', 3.0, 'mmol/L')],
    });
    expect(screen.getByRole('status')).toHaveTextContent('2 documented causes: 2 weak; 1 to verify.');
    const verify = screen.getByRole('region', { name: 'To verify' });
    const diuretic = within(verify).getByRole('article', { name: 'Diuretic (water pill)' });
    expect(diuretic).toHaveTextContent('Verify: Last ordered 2020-08-04, 6 years ago: confirm it is still taken.');
    const causes = screen.getByRole('region', { name: 'Documented causes' });
    expect(within(causes).queryByRole('article', { name: 'Diuretic (water pill)' })).not.toBeInTheDocument();
    // An old order is not presented as explaining a current low potassium.
    expect(screen.queryByRole('region', { name: 'Potassium loss' })).not.toBeInTheDocument();
  });

  it('says the findings of a deceased patient describe the record up to death', () => {
    show({ patient: patient({ deceasedDateTime: '1959-03-02T10:00:00+00:00' }), medicationRequests: [hctz()] });
    expect(screen.getByText('The patient died on 1959-03-02: these findings describe the record up to then.')).toBeInTheDocument();
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
    const linked = screen.getByRole('region', { name: 'Potassium loss · Diuretic and sodium' });
    expect(within(linked).getAllByRole('article').map((a) => a.getAttribute('data-rule'))).toEqual(['diuretic', 'low-potassium', 'low-sodium']);
    expect(screen.getAllByRole('article', { name: 'Diuretic (water pill)' })).toHaveLength(1);
    expect(linked).toHaveTextContent('Diuretic (water pill) → low potassium:');
    expect(linked).toHaveTextContent('Diuretic (water pill) → low sodium:');
  });

  it('lists a procedure that could not be read with the rule it affects', () => {
    show({}, { notChecked: [{ resourceType: 'Procedure', reason: 'access was denied (403)', status: 403 }] });
    expect(screen.getByRole('list', { name: 'Data not checked' })).toHaveTextContent('Procedures not checked: access was denied (403). Not fully checked: hemodialysis.');
    expect(screen.queryByText(/No documented causes found/)).toBeNull();
  });
});
