// Rule: current chronic liver disease (KNOWLEDGE section 2). Acute hepatitis A and gallbladder disease do not fire.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'liver-disease',
  title: 'Liver disease',
  reads: 'condition',
  valueSet: 'liver-disease',
  excludeValueSet: 'liver-disease-excluded',
  names: [
    'cirrhosis', 'chronic liver disease', 'alcoholic liver disease', 'chronic hepatitis', 'chronic viral hepatitis',
    'fatty liver', 'hepatic steatosis', 'steatohepatitis', 'NASH', 'NAFLD', 'MASLD', 'MASH', 'hepatic fibrosis',
    'liver fibrosis', 'hepatic failure', 'liver failure',
  ],
  excludeNames: ['hepatitis A', 'acute hepatitis', 'gallbladder', 'cholecystitis', 'cholelithiasis', 'family history'],
  evidence: {
    level: 'strong',
    caveat:
      'About 60% of people with cirrhosis report cramps, mostly older people with advanced disease.',
    matchCaveats: [
      {
        when: 'none',
        names: ['cirrhosis', 'cirrhotic'],
        valueSet: 'liver-cirrhosis',
        caveat: 'The strong evidence concerns cirrhosis (about 60% report cramps); for other chronic liver disease the link is less established.',
      },
    ],
    references: ['R1', 'article'],
  },
  cause: {
    section: 'Overextension and Other Factors',
    authority: 'Dr. Bhupinder K (AskMedicalDoctor)',
    summary: 'Liver disease is among the conditions the article ties to leg cramps.',
  },
} satisfies ConditionRule;
