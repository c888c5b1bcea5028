// The rules in the order the sidebar lists them. Light (no value sets), so the launch page can
// derive its scopes from it without pulling value-set expansions into its bundle.
import type { Rule } from '../../lib/engine/types';
import addisonsDisease from './addisons-disease';
import alcoholUse from './alcohol-use';
import calciumChannelBlocker from './calcium-channel-blocker';
import dehydration from './dehydration';
import diabetes from './diabetes';
import diuretic from './diuretic';
import hemodialysis from './hemodialysis';
import highSodium from './high-sodium';
import hypothyroidism from './hypothyroidism';
import hypoglycemia from './hypoglycemia';
import insulin from './insulin';
import liverDisease from './liver-disease';
import longActingBetaAgonist from './long-acting-beta-agonist';
import lowCalcium from './low-calcium';
import lowMagnesium from './low-magnesium';
import lowPotassium from './low-potassium';
import lowSodium from './low-sodium';
import nerveCompression from './nerve-compression';
import overweight from './overweight';
import parkinsonsDisease from './parkinsons-disease';
import peripheralArteryDisease from './peripheral-artery-disease';
import potassiumSparingDiuretic from './potassium-sparing-diuretic';
import pregnancy from './pregnancy';
import quinine from './quinine';
import reportedCrampMedication from './reported-cramp-medication';

/** Rules in the order the sidebar lists them within an evidence level (the engine sorts by level). */
export const rules: readonly Rule[] = [
  quinine,
  calciumChannelBlocker,
  diuretic,
  insulin,
  longActingBetaAgonist,
  potassiumSparingDiuretic,
  reportedCrampMedication,
  peripheralArteryDisease,
  diabetes,
  addisonsDisease,
  parkinsonsDisease,
  liverDisease,
  pregnancy,
  hemodialysis,
  hypoglycemia,
  overweight,
  alcoholUse,
  nerveCompression,
  dehydration,
  lowPotassium,
  lowSodium,
  highSodium,
  lowMagnesium,
  lowCalcium,
  hypothyroidism,
];

