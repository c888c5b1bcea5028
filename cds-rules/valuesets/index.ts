// Every value set the rules name, keyed by its id (the file name without .json).
import type { ValueSetResource } from '../../lib/engine/types';
import addisonsDiseaseVs from './addisons-disease.json';
import addisonsDiseaseExcludedVs from './addisons-disease-excluded.json';
import calciumChannelBlockersVs from './calcium-channel-blockers.json';
import diabetesVs from './diabetes.json';
import diabetesExcludedVs from './diabetes-excluded.json';
import diureticsVs from './diuretics-potassium-losing.json';
import insulinsVs from './insulins.json';
import liverDiseaseVs from './liver-disease.json';
import liverDiseaseExcludedVs from './liver-disease-excluded.json';
import parkinsonsDiseaseVs from './parkinsons-disease.json';
import parkinsonsDiseaseExcludedVs from './parkinsons-disease-excluded.json';
import peripheralArteryDiseaseVs from './peripheral-artery-disease.json';
import pregnancyVs from './pregnancy.json';
import pregnancyEndedVs from './pregnancy-ended.json';

import alcoholUseVs from './alcohol-use.json';
import alcoholUseExcludedVs from './alcohol-use-excluded.json';
import dehydrationVs from './dehydration.json';
import dialysisDependenceVs from './dialysis-dependence.json';
import hemodialysisProceduresVs from './hemodialysis-procedures.json';
import hypoglycemiaVs from './hypoglycemia.json';
import nerveCompressionVs from './nerve-compression.json';
import overweightVs from './overweight.json';

import hypothyroidismVs from './hypothyroidism.json';
import hypothyroidismExcludedVs from './hypothyroidism-excluded.json';
import legCrampComplaintVs from './leg-cramp-complaint.json';
import liverCirrhosisVs from './liver-cirrhosis.json';
import longActingBetaAgonistsVs from './long-acting-beta-agonists.json';
import potassiumSparingDiureticsVs from './potassium-sparing-diuretics.json';
import quinineVs from './quinine.json';
import reportedCrampMedicationsVs from './reported-cramp-medications.json';

const valueSetList = [
  hypothyroidismVs,
  hypothyroidismExcludedVs,
  legCrampComplaintVs,
  liverCirrhosisVs,
  longActingBetaAgonistsVs,
  potassiumSparingDiureticsVs,
  quinineVs,
  reportedCrampMedicationsVs,
  alcoholUseVs,
  alcoholUseExcludedVs,
  dehydrationVs,
  dialysisDependenceVs,
  hemodialysisProceduresVs,
  hypoglycemiaVs,
  nerveCompressionVs,
  overweightVs,
  addisonsDiseaseVs,
  addisonsDiseaseExcludedVs,
  calciumChannelBlockersVs,
  diabetesVs,
  diabetesExcludedVs,
  diureticsVs,
  insulinsVs,
  liverDiseaseVs,
  liverDiseaseExcludedVs,
  parkinsonsDiseaseVs,
  parkinsonsDiseaseExcludedVs,
  peripheralArteryDiseaseVs,
  pregnancyVs,
  pregnancyEndedVs,
] as readonly ValueSetResource[];

export const valueSets: Readonly<Record<string, ValueSetResource>> = Object.fromEntries(
  valueSetList.map((vs) => [vs.id ?? '', vs]),
);

