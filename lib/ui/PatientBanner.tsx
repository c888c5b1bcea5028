// The patient banner: name, sex, birth date and age, and the deceased date when there is one.
import { ageOn, patientName, shortDate } from './format';

export function PatientBanner({ patient, now }: { patient: fhir4.Patient; now: Date }) {
  const deceasedDate = patient.deceasedDateTime;
  const deceased = deceasedDate !== undefined || patient.deceasedBoolean === true;
  const age = ageOn(patient.birthDate, deceasedDate ? new Date(deceasedDate) : now);
  return (
    <section className="banner" aria-label="Patient">
      <p className="banner-name">{patientName(patient)}</p>
      <p className="banner-facts">
        {[patient.gender, patient.birthDate ? `born ${patient.birthDate}` : undefined, age !== undefined ? `${age} y` : undefined]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {deceased ? (
        <p className="banner-deceased">
          Deceased{deceasedDate ? ` ${shortDate(deceasedDate)}` : ''}
        </p>
      ) : null}
    </section>
  );
}
