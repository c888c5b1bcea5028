// The sources the rules cite (facts from the team's evidence review; citations as published).
// Each rule lists the ids it rests on, strongest first, so the first one with a URL is the one a
// CDS card links to.
import type { Reference } from '../lib/engine/types';

export const references = {
  R1: {
    id: 'R1',
    short: 'Allen & Kirby, Am Fam Physician 2012',
    citation: 'Allen RE, Kirby KA. Nocturnal leg cramps. Am Fam Physician. 2012;86(4):350-355.',
    url: 'https://www.aafp.org/pubs/afp/issues/2012/0815/p350.html',
    pmid: '22963024',
    kind: 'literature',
  },
  R2: {
    id: 'R2',
    short: 'Garrison et al., Arch Intern Med 2012',
    citation:
      'Garrison SR, Dormuth CR, Morrow RL, Carney GA, Khan KM. Nocturnal leg cramps and prescription use that precedes them: a sequence symmetry analysis. Arch Intern Med. 2012;172(2):120-126. doi:10.1001/archinternmed.2011.1029',
    url: 'https://pubmed.ncbi.nlm.nih.gov/22157068/',
    pmid: '22157068',
    kind: 'literature',
  },
  R3: {
    id: 'R3',
    short: 'US FDA safety communication, 2010',
    citation:
      'US Food and Drug Administration. Drug Safety Communication: new risk management plan and patient Medication Guide for Qualaquin (quinine sulfate). 8 July 2010.',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability',
    kind: 'literature',
  },
  R4: {
    id: 'R4',
    short: 'Katzberg et al., Neurology 2010',
    citation:
      'Katzberg HD, Khan AH, So YT. Assessment: symptomatic treatment for muscle cramps (an evidence-based review). Neurology. 2010;74(8):691-696.',
    url: 'https://pubmed.ncbi.nlm.nih.gov/20177124/',
    pmid: '20177124',
    kind: 'literature',
  },
  R5: {
    id: 'R5',
    short: 'Mayo Clinic patient page',
    citation: 'Mayo Clinic. Night leg cramps: causes (patient information).',
    url: 'https://www.mayoclinic.org/symptoms/night-leg-cramps/basics/causes/sym-20050813',
    kind: 'consumer',
  },
  R6: {
    id: 'R6',
    short: 'Grandner & Winkelman, PLoS One 2017',
    citation:
      'Grandner MA, Winkelman JW. Nocturnal leg cramps: prevalence and associations with demographics, sleep disturbance symptoms, medical conditions, and cardiometabolic risk factors. PLoS One. 2017;12(6):e0178465.',
    url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC5460850/',
    pmid: '28586374',
    kind: 'literature',
  },
  R7: {
    id: 'R7',
    short: 'FPnotebook',
    citation: 'FPnotebook. Nocturnal leg cramps.',
    url: 'https://fpnotebook.com/Ortho/Sx/NctrnlLgCrmp.htm',
    kind: 'guidance',
  },
  R8: {
    id: 'R8',
    short: 'Cochrane review, magnesium, 2020',
    citation: 'Garrison SR, Korownyk CS, Kolber MR, et al. Magnesium for skeletal muscle cramps. Cochrane Database Syst Rev. 2020;9:CD009402.',
    url: 'https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD009402.pub3/full',
    kind: 'literature',
  },
  R9: {
    id: 'R9',
    short: 'NICE CKS, leg cramps',
    citation: 'NICE Clinical Knowledge Summaries. Leg cramps.',
    url: 'https://cks.nice.org.uk/topics/leg-cramps/',
    kind: 'guidance',
  },
  R10: {
    id: 'R10',
    short: 'Cochrane review, quinine, 2015',
    citation: 'El-Tawil S, Al Musa T, Valli H, et al. Quinine for muscle cramps. Cochrane Database Syst Rev. 2015;(4):CD005044.',
    url: 'https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD005044.pub3/full',
    kind: 'literature',
  },
  R11: {
    id: 'R11',
    short: 'Clinical Inquiries, J Fam Pract',
    citation:
      'Clinical Inquiries. What is the diagnostic approach to a patient with leg cramps? J Fam Pract (University of Missouri; strength of recommendation C, expert opinion).',
    url: 'https://mospace.umsystem.edu/xmlui/handle/10355/3348',
    kind: 'guidance',
  },
  article: {
    id: 'article',
    short: 'Source article (consumer health)',
    citation: 'What Causes Severe Leg Cramps While Sleeping? Consumer-health article; the source of the original rules.',
    kind: 'consumer',
  },
} as const satisfies Readonly<Record<string, Reference>>;

export type ReferenceId = keyof typeof references;
