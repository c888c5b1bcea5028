// The knowledge base: every rule, analyte, value set and mechanism link, assembled in one place.
import type { KnowledgeBase } from '../lib/engine/types';
import { analytes } from './analytes';
import { askThePatient } from './askThePatient';
import { links } from './links';
import { rules } from './rules';
import { valueSets } from './valuesets';

export { rules, valueSets };

export const knowledgeBase: KnowledgeBase = { rules, analytes, links, valueSets, askThePatient };

/** Title of the one article all knowledge comes from. */
export const SOURCE_ARTICLE = 'What Causes Severe Leg Cramps While Sleeping?';
