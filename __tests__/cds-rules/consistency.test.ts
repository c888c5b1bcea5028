// The knowledge base agrees with itself, with its README and with the specification: every rule is
// documented and cited, every value set it names exists with an up-to-date, non-empty expansion.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { knowledgeBase } from '../../cds-rules';
import { expandCompose, type ComposedValueSet } from '../../lib/terminology/expand';
import type { Rule } from '../../lib/engine/types';

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'cds-rules/README.md'), 'utf8');
const SPEC_PATH = path.resolve(ROOT, '../shared/KNOWLEDGE.md');
const ARTICLE_PATH = path.resolve(ROOT, '../shared/seed/000_4e4cf584f5954a74.txt');
const VS_DIR = path.join(ROOT, 'cds-rules/valuesets');
const rules = knowledgeBase.rules;

function valueSetsOf(rule: Rule): string[] {
  if (rule.reads === 'lab') return [];
  const ids = [rule.valueSet];
  if (rule.reads === 'condition') {
    if (rule.excludeValueSet) ids.push(rule.excludeValueSet);
    if (rule.procedure) ids.push(rule.procedure.valueSet);
  }
  return ids;
}

/** Rule ids in the first column of the README's rule table. */
function readmeRuleIds(): string[] {
  const table = README.slice(README.indexOf('## Rule table'), README.indexOf('## Mechanism links'));
  return [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1] as string);
}

describe('knowledge base consistency', () => {
  it('has unique rule ids', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(19);
  });

  it('documents every rule, and only those, in the README table, in the same order', () => {
    expect(readmeRuleIds()).toEqual(rules.map((r) => r.id));
  });

  (existsSync(SPEC_PATH) ? it : it.skip)('names every rule in the specification (../shared/KNOWLEDGE.md)', () => {
    const spec = readFileSync(SPEC_PATH, 'utf8');
    for (const rule of rules) expect(spec).toContain(`\`${rule.id}\``);
  });

  it('gives every rule a cause summary, a section and an authority', () => {
    for (const rule of rules) {
      expect(rule.cause.summary.length).toBeGreaterThan(30);
      expect(rule.cause.section.length).toBeGreaterThan(3);
      expect(rule.cause.authority.length).toBeGreaterThan(3);
      expect(rule.title.length).toBeGreaterThan(3);
    }
  });

  (existsSync(ARTICLE_PATH) ? it : it.skip)('cites sections that exist in the article, and summaries that do not copy it', () => {
    const article = readFileSync(ARTICLE_PATH, 'utf8');
    const sentences = article.split(/(?<=\.)\s+/).map((s) => s.trim().toLowerCase()).filter((s) => s.length > 40);
    for (const rule of rules) {
      for (const section of rule.cause.section.split('; ')) expect(article).toContain(`\n${section}\n`);
      const summary = rule.cause.summary.toLowerCase();
      for (const sentence of sentences) expect(summary).not.toContain(sentence);
    }
  });

  it('names only value sets that exist, each with a non-empty expansion', () => {
    for (const rule of rules) {
      for (const id of valueSetsOf(rule)) {
        const vs = knowledgeBase.valueSets[id];
        expect({ rule: rule.id, id, found: vs !== undefined }).toEqual({ rule: rule.id, id, found: true });
        expect(vs?.expansion?.contains?.length ?? 0).toBeGreaterThan(0);
      }
    }
  });

  it('registers every value set file, and every one is used by a rule', () => {
    const files = readdirSync(VS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    expect(Object.keys(knowledgeBase.valueSets).sort()).toEqual(files);
    const used = new Set(rules.flatMap(valueSetsOf));
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });

  it('keeps every expansion equal to its compose (refresh with npm run valuesets:expand)', () => {
    for (const file of readdirSync(VS_DIR).filter((f) => f.endsWith('.json'))) {
      const vs = JSON.parse(readFileSync(path.join(VS_DIR, file), 'utf8')) as ComposedValueSet;
      expect({ file, contains: vs.expansion?.contains }).toEqual({ file, contains: expandCompose(vs) });
      expect(vs.expansion?.total).toBe(vs.expansion?.contains?.length);
      expect(vs.id).toBe(file.slice(0, -5));
    }
  });

  it('links only rules that exist, and lab rules only analytes that exist', () => {
    const ids = new Set(rules.map((r) => r.id));
    for (const link of knowledgeBase.links) for (const id of [...link.causes, ...link.effects]) expect(ids).toContain(id);
    const analytes = new Set(knowledgeBase.analytes.map((a) => a.id));
    for (const rule of rules) {
      if (rule.reads === 'lab') expect(analytes).toContain(rule.analyte);
      if (rule.reads === 'condition' && rule.result) expect(analytes).toContain(rule.result.analyte);
    }
  });

  it('describes every link in the README', () => {
    for (const link of knowledgeBase.links) expect(README).toContain(`\`${link.id}\``);
  });
});
