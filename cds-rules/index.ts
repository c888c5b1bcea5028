// The knowledge base: every rule, analyte, value set and mechanism link, assembled in one place.
import type { KnowledgeBase } from '../lib/engine/types';
import { analytes } from './analytes';
import { askThePatient } from './askThePatient';
import { complaint } from './complaint';
import { links } from './links';
import { references } from './references';
import { rules } from './rules';
import { valueSets } from './valuesets';

export { references, rules, valueSets };

export const knowledgeBase: KnowledgeBase = { rules, analytes, links, valueSets, askThePatient, references, complaint };

/** Title of the one article all knowledge comes from. */
export const SOURCE_ARTICLE = 'What Causes Severe Leg Cramps While Sleeping?';
