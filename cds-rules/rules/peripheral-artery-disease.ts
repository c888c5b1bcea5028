// Rule: current peripheral artery disease (KNOWLEDGE section 2). Venous and coronary disease do not fire.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'peripheral-artery-disease',
  title: 'Peripheral artery disease',
  reads: 'condition',
  valueSet: 'peripheral-artery-disease',
  names: [
    'peripheral artery disease', 'peripheral arterial disease', 'peripheral arterial occlusive disease',
    'peripheral vascular disease', 'intermittent claudication', 'claudication', 'diabetic peripheral angiopathy',
    'peripheral angiopathy', 'atherosclerosis of native arteries of extremities',
    'atherosclerosis of native arteries of the extremities', 'atherosclerosis of the arteries of the extremities',
  ],
  excludeNames: ['venous', 'coronary', 'family history'],
  evidence: {
    level: 'moderate',
    caveat:
      '75% of veterans with peripheral vascular disease reported cramps in one clinic study; claudication (pain on walking, eased by rest) is a different symptom, not a night cramp.',
    references: ['R1', 'article'],
  },
  cause: {
    section: 'Peripheral Artery Disease',
    authority: 'National Institutes of Health',
    summary:
      'Plaque narrows and stiffens the leg arteries so less oxygen-rich blood reaches the muscles, which can cause cramping.',
  },
} satisfies ConditionRule;
