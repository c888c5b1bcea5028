// Documented mechanisms that tie findings together; the sidebar shows a linked group once.
import type { MechanismLink } from '../lib/engine/types';

export const links = [
  {
    id: 'potassium-loss',
    label: 'Potassium loss',
    causes: ['diuretic', 'insulin'],
    effects: ['low-potassium'],
    sentence: 'The article links this drug to falling potassium, and the latest potassium is low.',
  },
  {
    id: 'diabetes-electrolytes',
    label: 'Diabetes and electrolytes',
    causes: ['diabetes'],
    effects: ['low-magnesium', 'low-sodium'],
    sentence: 'The article notes that people with diabetes tend to run low on magnesium and sodium, and the latest result is low.',
  },
] as const satisfies readonly MechanismLink[];
