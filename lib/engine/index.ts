// Public face of the engine: compile the knowledge once, then evaluate patients.
export { compileKnowledge, typesReadBy, type CompiledKnowledge } from './compile';
export { evaluate, RECENT_DAYS, type EvaluateOptions } from './evaluate';
export * from './types';
