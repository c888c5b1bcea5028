/**
 * @jest-environment jest-fixed-jsdom
 */
// The plain-text summary for the visit note, and the copy button that puts it on the clipboard
// (Clipboard API, else the copy command, else the text shown for a manual copy).
import '@testing-library/jest-dom';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { knowledgeBase, SOURCE_ARTICLE } from '../../cds-rules';
import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import { Sidebar } from '../../lib/ui/Sidebar';
import { plainTextSummary } from '../../lib/ui/summaryText';
import { condition, data, lab, medicationRequest, NOW, patient, rxConcept } from '../helpers/fhir';

function record() {
  return data({
    patient: patient({ birthDate: '1950-04-01' }),
    conditions: [condition([{ system: 'icd', code: 'G47.62', display: 'Sleep related leg cramps' }], { onsetDateTime: '2026-03-02' })],
    medicationRequests: [
      medicationRequest(rxConcept('313988', 'Furosemide 40 MG Oral Tablet'), { authoredOn: '2026-08-01' }),
      medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet'), { authoredOn: '2020-08-04' }),
      medicationRequest(rxConcept(undefined, 'Qualaquin 324 mg capsule'), { authoredOn: '2026-11-01' }),
    ],
    observations: [lab('2823-3', 3.1, 'mmol/L', { effectiveDateTime: '2026-11-20T09:00:00Z' })],
  });
}

describe('plain-text summary for the visit note', () => {
  it('holds the patient, date, complaint, findings with level and evidence, to verify, never measured and the disclaimer', () => {
    const d = record();
    const text = plainTextSummary({ result: evaluate(knowledge(), d, NOW), patient: d.patient as fhir4.Patient, sourceArticle: SOURCE_ARTICLE });
    expect(text.split('\n')).toEqual([
        "Leg cramp factors: documented causes of nocturnal leg cramps",
        "Patient: Alex Rivera (female, born 1950-04-01, 76 y)",
        "Evaluated: 2026-11-24 12:00 UTC",
        "Complaint: Leg cramps recorded: Sleep related leg cramps, 2026-03-02.",
        "Summary: 2 documented causes: 1 moderate, 1 weak; 1 to verify. One safety warning (shown first).",
        "",
        "Safety:",
        "- Quinine: not recommended for cramps [safety warning] (matched by name): Qualaquin 324 mg capsule (MedicationRequest, 2026-11-01).",
        "  Caveat: The FDA warned in 2010 that quinine must not be used for night-time leg cramps: it can cause serious, sometimes fatal, blood disorders, and its benefit in trials is modest.",
        "  Reference: US FDA safety communication, 2010; Cochrane review, quinine, 2015; Allen & Kirby, Am Fam Physician 2012.",
        "",
        "Documented causes (strongest evidence first):",
        "- Diuretic (water pill) [evidence: moderate]: Furosemide 40 MG Oral Tablet (MedicationRequest, 2026-08-01).",
        "  Caveat: Loop diuretics showed no significant association in the population study (ASR 1.20, 95% CI 1.00-1.44).",
        "  Reference: Garrison et al., Arch Intern Med 2012; Allen & Kirby, Am Fam Physician 2012; the source article (“Diuretics and Leg Cramping”).",
        "- Low potassium [evidence: weak]: LOINC 2823-3 (Observation, 2026-11-20), value 3.1 mmol/L, lower limit 3.5 mmol/L.",
        "  Caveat: Cramps were common with a low potassium in a veterans' study, but the review holds that cramps come mostly from muscle fatigue and nerve dysfunction; results conflict.",
        "  Reference: Allen & Kirby, Am Fam Physician 2012; FPnotebook; the source article (“Diuretics and Leg Cramping; Diabetes”).",
        "  Linked: Diuretic (water pill) → low potassium: the article says this drug can lower potassium, and the latest potassium is low.",
        "",
        "To verify (older records):",
        "- Calcium channel blocker [evidence: weak]: Amlodipine 5 MG Oral Tablet (MedicationRequest, 2020-08-04).",
        "  To verify: Last ordered 2020-08-04, 6 years ago: confirm it is still taken.",
        "  Caveat: Reviews list calcium channel blockers among possible treatments for cramps; cramps as a side effect are reported mainly with dihydropyridines such as nifedipine.",
        "  Reference: Allen & Kirby, Am Fam Physician 2012; Katzberg et al., Neurology 2010; the source article (“Unopposed Flexion”).",
        "",
        "Never measured: sodium, magnesium, calcium and TSH.",
        "",
        "Documented associations for clinical review, not a diagnosis; they support, and do not replace, clinical judgement. Rules from “What Causes Severe Leg Cramps While Sleeping?” and the clinical literature.",
      ]);
    expect(text).not.toMatch(/https?:|Bearer|token|Observation\//);
  });
});

describe('Copy summary button', () => {
  function showRecord() {
    const d = record();
    const result = evaluate(knowledge(), d, NOW);
    render(<Sidebar model={{ result, patient: d.patient as fhir4.Patient, askThePatient: knowledgeBase.askThePatient, sourceArticle: SOURCE_ARTICLE }} />);
    return plainTextSummary({ result, patient: d.patient as fhir4.Patient, sourceArticle: SOURCE_ARTICLE });
  }
  const original = { clipboard: Object.getOwnPropertyDescriptor(navigator, 'clipboard'), exec: document.execCommand };
  afterEach(() => {
    if (original.clipboard) Object.defineProperty(navigator, 'clipboard', original.clipboard);
    else delete (navigator as { clipboard?: unknown }).clipboard;
    document.execCommand = original.exec;
  });
  const setClipboard = (writeText: (t: string) => Promise<void>) =>
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });

  it('writes the summary with the Clipboard API and says so', async () => {
    const written: string[] = [];
    setClipboard(async (t) => {
      written.push(t);
    });
    const text = showRecord();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy summary' })));
    expect(written).toEqual([text]);
    expect(screen.getByTestId('copy-status')).toHaveTextContent('Summary copied to the clipboard.');
  });

  it('falls back to the copy command when the frame may not use the Clipboard API', async () => {
    setClipboard(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    });
    let copied = '';
    document.execCommand = ((command: string) => {
      copied = command === 'copy' ? (document.activeElement as HTMLTextAreaElement | null)?.value ?? String(window.getSelection()) : '';
      return command === 'copy';
    }) as typeof document.execCommand;
    showRecord();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy summary' })));
    expect(copied).toMatch(/^Leg cramp factors: documented causes/);
    expect(screen.getByTestId('copy-status')).toHaveTextContent('Summary copied to the clipboard.');
  });

  it('shows the text to copy by hand when the browser allows neither', async () => {
    setClipboard(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    });
    document.execCommand = (() => false) as typeof document.execCommand;
    const text = showRecord();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy summary' })));
    expect(screen.getByTestId('copy-status')).toHaveTextContent('The browser did not allow copying');
    expect(screen.getByRole('textbox', { name: 'Summary for the visit note' })).toHaveValue(text);
  });
});
