// Documented mechanisms that tie findings together (data, not code). The engine shows a fired link
// as one group, prefixed with the fired rules' names: "Diuretic (water pill) → low potassium: ...".
// Links that share a finding are merged, so each finding is shown once.
import type { MechanismLink } from '../lib/engine/types';

export const links = [
  {
    id: 'potassium-loss',
    label: 'Potassium loss',
    relation: 'causes',
    causes: ['diuretic', 'insulin'],
    effects: ['low-potassium'],
    sentence: 'the article says this drug can lower potassium, and the latest potassium is low.',
  },
  {
    id: 'diuretic-sodium',
    label: 'Diuretic and sodium',
    relation: 'causes',
    causes: ['diuretic'],
    effects: ['low-sodium', 'high-sodium'],
    sentence: 'water pills make the kidneys pass salt and water, which shifts the blood sodium, and the latest sodium is out of range.',
  },
  {
    id: 'diabetes-electrolytes',
    label: 'Diabetes and electrolytes',
    relation: 'causes',
    causes: ['diabetes'],
    effects: ['low-magnesium', 'low-sodium'],
    sentence: 'the article notes that people with diabetes tend to run low on magnesium and sodium, and the latest result is low.',
  },
  {
    id: 'alcohol-liver',
    label: 'Alcohol and the liver',
    relation: 'mutual',
    causes: ['alcohol-use'],
    effects: ['liver-disease'],
    sentence: 'the article names both heavy drinking and liver disease as causes, and each can lead to or worsen the other.',
  },
] as const satisfies readonly MechanismLink[];
