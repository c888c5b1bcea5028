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
const EVIDENCE_PATH = path.resolve(ROOT, '../shared/EVIDENCE.md');
const VS_DIR = path.join(ROOT, 'cds-rules/valuesets');
const rules = knowledgeBase.rules;

function valueSetsOf(rule: Rule): string[] {
  const ids: string[] = (rule.evidence.matchCaveats ?? []).flatMap((c) => (c.valueSet ? [c.valueSet] : []));
  if (rule.reads === 'lab') {
    if (rule.condition) ids.push(rule.condition.valueSet, ...(rule.condition.excludeValueSet ? [rule.condition.excludeValueSet] : []));
    return ids;
  }
  ids.push(rule.valueSet);
  if (rule.reads === 'condition') {
    if (rule.excludeValueSet) ids.push(rule.excludeValueSet);
    if (rule.procedure) ids.push(rule.procedure.valueSet);
  }
  return ids;
}

/** Value sets the knowledge base uses outside the rules (the complaint). */
const otherValueSets = knowledgeBase.complaint ? [knowledgeBase.complaint.valueSet] : [];

/** Rule ids in the first column of the README's rule table. */
function readmeRuleIds(): string[] {
  const table = README.slice(README.indexOf('## Rule table'), README.indexOf('## Mechanism links'));
  return [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1] as string);
}

describe('knowledge base consistency', () => {
  it('has unique rule ids', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(25);
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
      // Rules from the article cite its sections; the literature rules cite their references instead.
      if (rule.evidence.references.includes('article')) {
        for (const section of rule.cause.section.split('; ')) expect(article).toContain(`\n${section}\n`);
      }
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
    const used = new Set([...rules.flatMap(valueSetsOf), ...otherValueSets]);
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

  it('gives every rule an evidence level and at least one reference, and every reference resolves', () => {
    for (const rule of rules) {
      expect(['strong', 'moderate', 'weak', 'safety']).toContain(rule.evidence.level);
      expect(rule.evidence.references.length).toBeGreaterThan(0);
      for (const id of rule.evidence.references) {
        const reference = knowledgeBase.references[id];
        expect({ rule: rule.id, id, found: reference !== undefined }).toEqual({ rule: rule.id, id, found: true });
        if (reference && id !== 'article') expect(reference.url).toMatch(/^https:\/\//);
      }
      // A caveat is one line.
      for (const caveat of [rule.evidence.caveat, ...(rule.evidence.matchCaveats ?? []).map((c) => c.caveat)]) {
        if (caveat !== undefined) expect(caveat).not.toMatch(/\n/);
      }
    }
  });

  it('lists the strongest reference first: literature before guidance before consumer pages', () => {
    const rank = { literature: 0, guidance: 1, consumer: 2 } as const;
    for (const rule of rules) {
      const kinds = rule.evidence.references.map((id) => rank[knowledgeBase.references[id]?.kind ?? 'consumer']);
      expect({ rule: rule.id, kinds }).toEqual({ rule: rule.id, kinds: [...kinds].sort((a, b) => a - b) });
    }
  });

  (existsSync(EVIDENCE_PATH) ? it : it.skip)('gives every rule the level, and cites the references, that ../shared/EVIDENCE.md gives it', () => {
    const evidence = readFileSync(EVIDENCE_PATH, 'utf8');
    const levels = new Map<string, string>();
    const refs = new Map<string, string[]>();
    for (const m of evidence.matchAll(/^\| ((?:`[a-z-]+`(?:, )?)+) \| (strong|moderate|weak|safety)\b[^|]*\|[^|]*\| ([^|]*) \|$/gm)) {
      const ids = [...(m[1] ?? '').matchAll(/`([a-z-]+)`/g)].map((x) => x[1] as string);
      const cited = [...(m[3] ?? '').matchAll(/R\d+/g)].map((x) => x[0]);
      for (const id of ids) {
        levels.set(id, m[2] as string);
        refs.set(id, cited.length > 0 ? cited : ['article']);
      }
    }
    expect(levels.size).toBe(rules.length);
    for (const rule of rules) {
      expect({ rule: rule.id, level: rule.evidence.level }).toEqual({ rule: rule.id, level: levels.get(rule.id) });
      expect({ rule: rule.id, refs: [...rule.evidence.references].sort() }).toEqual({
        rule: rule.id,
        refs: [...new Set([...(refs.get(rule.id) ?? []), ...(rule.evidence.references.includes('article') ? ['article'] : [])])].sort(),
      });
    }
    // Every reference's PMID and address are the ones the evidence review gives.
    for (const reference of Object.values(knowledgeBase.references)) {
      if (reference.pmid) expect(evidence).toContain(reference.pmid);
      if (reference.url) expect(evidence).toContain(reference.url);
    }
  });

  it('describes every link in the README', () => {
    for (const link of knowledgeBase.links) expect(README).toContain(`\`${link.id}\``);
  });
});
