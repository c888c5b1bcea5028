// The knowledge base: every rule, analyte, value set and mechanism link, assembled in one place.
import type { KnowledgeBase, Rule, ValueSetResource } from '../lib/engine/types';
import { analytes } from './analytes';
import { askThePatient } from './askThePatient';
import { links } from './links';
import addisonsDisease from './rules/addisons-disease';
import calciumChannelBlocker from './rules/calcium-channel-blocker';
import diabetes from './rules/diabetes';
import diuretic from './rules/diuretic';
import highSodium from './rules/high-sodium';
import insulin from './rules/insulin';
import liverDisease from './rules/liver-disease';
import lowMagnesium from './rules/low-magnesium';
import lowPotassium from './rules/low-potassium';
import lowSodium from './rules/low-sodium';
import parkinsonsDisease from './rules/parkinsons-disease';
import peripheralArteryDisease from './rules/peripheral-artery-disease';
import pregnancy from './rules/pregnancy';
import addisonsDiseaseVs from './valuesets/addisons-disease.json';
import addisonsDiseaseExcludedVs from './valuesets/addisons-disease-excluded.json';
import calciumChannelBlockersVs from './valuesets/calcium-channel-blockers.json';
import diabetesVs from './valuesets/diabetes.json';
import diabetesExcludedVs from './valuesets/diabetes-excluded.json';
import diureticsVs from './valuesets/diuretics-potassium-losing.json';
import insulinsVs from './valuesets/insulins.json';
import liverDiseaseVs from './valuesets/liver-disease.json';
import liverDiseaseExcludedVs from './valuesets/liver-disease-excluded.json';
import parkinsonsDiseaseVs from './valuesets/parkinsons-disease.json';
import parkinsonsDiseaseExcludedVs from './valuesets/parkinsons-disease-excluded.json';
import peripheralArteryDiseaseVs from './valuesets/peripheral-artery-disease.json';
import pregnancyVs from './valuesets/pregnancy.json';
import pregnancyEndedVs from './valuesets/pregnancy-ended.json';

/** Rules in the order the sidebar lists them. */
export const rules: readonly Rule[] = [
  calciumChannelBlocker,
  diuretic,
  insulin,
  peripheralArteryDisease,
  diabetes,
  addisonsDisease,
  parkinsonsDisease,
  liverDisease,
  pregnancy,
  lowPotassium,
  lowSodium,
  highSodium,
  lowMagnesium,
];

const valueSetList = [
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

export const knowledgeBase: KnowledgeBase = { rules, analytes, links, valueSets, askThePatient };

/** Title of the one article all knowledge comes from. */
export const SOURCE_ARTICLE = 'What Causes Severe Leg Cramps While Sleeping?';
