// The compiled knowledge base, built once per process and shared by every face of the product.
import { knowledgeBase } from '../cds-rules';
import { compileKnowledge, type CompiledKnowledge } from './engine/compile';

let compiled: CompiledKnowledge | undefined;

export function knowledge(): CompiledKnowledge {
  compiled ??= compileKnowledge(knowledgeBase);
  return compiled;
}
