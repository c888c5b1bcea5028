// The lookups and caches that keep the CDS hot path cheap answer exactly as the plain versions they
// replace, and keep nothing of a patient beyond one evaluation (or keep a bounded amount).
import fc from 'fast-check';
import { escapeMarkdown, rememberedRuleTexts, renderPatientView, RULE_TEXT_LIMIT } from '../../lib/cds/cards';
import { planPatientView } from '../../lib/cds/policy';
import { compileKnowledge } from '../../lib/engine/compile';
import { linkFindings } from '../../lib/engine/links';
import { planSearches } from '../../lib/fhir/queries';
import { dateMemoActive, parseFhirDate, withDateMemo } from '../../lib/engine/dates';
import { evaluate, medicationMatch } from '../../lib/engine/evaluate';
import type { Analyte, ValueSetResource } from '../../lib/engine/types';
import { knowledge } from '../../lib/knowledge';
import { CodeSet, SYSTEMS } from '../../lib/terminology/codes';
import { findName, isNegatedAfter, isNegatedAt, wordMatcher } from '../../lib/terminology/names';
import { createUnitConverter, normaliseUnit, UNIT_CACHE_LIMIT } from '../../lib/terminology/units';
import { condition, data, lab, NOW } from '../helpers/fhir';

const ICD = new Set<string>([SYSTEMS.icd10cm, SYSTEMS.icd10]);
const plainIcdKey = (code: string) => code.toUpperCase().replace(/\./g, '').trim();

/** Membership by scanning the expansion, as KNOWLEDGE section 1 states it (ICD-10 entries cover their children). */
function scanHas(vs: ValueSetResource, coding: fhir4.Coding): boolean {
  if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return false;
  const system = coding.system;
  const code = coding.code;
  return (vs.expansion?.contains ?? []).some((entry) => {
    if (!entry.system || !entry.code) return false;
    if (ICD.has(system)) {
      if (!ICD.has(entry.system)) return false;
      const prefix = plainIcdKey(entry.code);
      return prefix.length >= 3 && plainIcdKey(code).startsWith(prefix);
    }
    return !ICD.has(entry.system) && entry.system === system && entry.code.trim() === code.trim();
  });
}

describe('compiled value sets (CodeSet)', () => {
  const valueSets = Object.entries(knowledge().kb.valueSets);
  const everyCoding = valueSets.flatMap(([, vs]) => (vs.expansion?.contains ?? []).map((e) => ({ system: e.system, code: e.code })));
  // Each coding as recorded, and as EHRs vary it: children, case, dots, spaces, the other ICD-10 system.
  const variants = (c: fhir4.Coding): fhir4.Coding[] => {
    const code = c.code ?? '';
    const out: fhir4.Coding[] = [c, { ...c, code: ` ${code} ` }, { ...c, code: `${code}9` }, { ...c, code: `${code}.1` }, { ...c, code: code.toLowerCase() }];
    out.push({ ...c, code: code.replace(/\./g, '') }, { ...c, code: code.slice(0, -1) }, { ...c, code: code.slice(0, 3) });
    if (c.system === SYSTEMS.icd10cm) out.push({ ...c, system: SYSTEMS.icd10 });
    if (c.system === SYSTEMS.snomed) out.push({ ...c, system: SYSTEMS.icd10cm }, { ...c, system: `${SYSTEMS.snomed}/` });
    return out;
  };

  it('has value sets with both exact and ICD-10 codes to compare', () => {
    expect(everyCoding.length).toBeGreaterThan(100);
    expect(everyCoding.some((c) => c.system !== undefined && ICD.has(c.system))).toBe(true);
    expect(everyCoding.some((c) => c.system === SYSTEMS.snomed)).toBe(true);
  });

  it.each(valueSets.map(([id, vs]) => [id, vs] as const))('%s answers like a scan of its expansion for every code of every value set', (_id, vs) => {
    const set = new CodeSet(vs);
    for (const coding of everyCoding.flatMap(variants)) {
      expect([coding, set.has(coding)]).toEqual([coding, scanHas(vs, coding)]);
    }
  });

  it('answers like a scan for arbitrary codings', () => {
    const sets = valueSets.map(([, vs]) => [vs, new CodeSet(vs)] as const);
    const system = fc.constantFrom<string | undefined>(SYSTEMS.icd10cm, SYSTEMS.icd10, SYSTEMS.snomed, SYSTEMS.rxnorm, SYSTEMS.loinc, 'urn:other', undefined);
    const code = fc.oneof(fc.string(), fc.stringMatching(/^ ?[A-Za-z][0-9]{2}(\.[0-9A-Za-z]{0,4})? ?$/), fc.constantFrom(...everyCoding.map((c) => c.code ?? '')));
    fc.assert(
      fc.property(system, code, (s, c) => {
        const coding = { system: s, code: c } as fhir4.Coding;
        for (const [vs, set] of sets) expect(set.has(coding)).toBe(scanHas(vs, coding));
      }),
      { numRuns: 300 },
    );
  });

  it('counts distinct entries, as before', () => {
    const set = new CodeSet({
      resourceType: 'ValueSet',
      expansion: { contains: [{ system: SYSTEMS.snomed, code: '1' }, { system: SYSTEMS.snomed, code: ' 1 ' }, { system: SYSTEMS.icd10cm, code: 'E11' }, { system: SYSTEMS.icd10, code: 'e11.' }] },
    } as ValueSetResource);
    expect(set.size).toBe(2);
    expect(new CodeSet(undefined).has({ system: SYSTEMS.icd10cm, code: 'E11.9' })).toBe(false);
  });
});

/** The escaping as first written: one callback per special character, then whitespace collapsed. */
const plainEscape = (text: string) => String(text).replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\s+/g, ' ').trim();

describe('escapeMarkdown in one pass', () => {
  it.each(['', 'Furosemide 40 MG Oral Tablet', '  a\tb\n\nc  ', 'a  b', 'x\u00a0y', '[link](http://x) *b* _i_ `c` #h +1 -2 3. !|<>~ {} \\', 'line\r\nbreak'])(
    'escapes %j as before',
    (text) => expect(escapeMarkdown(text)).toBe(plainEscape(text)),
  );

  it('escapes any text as before', () => {
    const special = fc.constantFrom(...'\\`*_{}[]()#+-.!|<>~ \t\n\r\u00a0\u2003ab'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(special).map((a) => a.join(''))), (text) => {
        expect(escapeMarkdown(text)).toBe(plainEscape(text));
      }),
      { numRuns: 500 },
    );
  });
});

/** Name finding with a fresh matchAll over a copy of the matcher, as first written. */
function plainFindName(matcher: RegExp | undefined, texts: readonly string[]): string | undefined {
  if (!matcher) return undefined;
  for (const text of texts) {
    for (const m of text.matchAll(new RegExp(matcher.source, matcher.flags))) {
      const start = m.index ?? 0;
      if (!isNegatedAt(text, start) && !isNegatedAfter(text, start + m[0].length)) return m[0];
    }
  }
  return undefined;
}

describe('findName on a shared matcher', () => {
  const matcher = wordMatcher(['insulin', 'insulin glargine', 'HCTZ', 'quinine']);

  it('gives the same answer however often the matcher is reused, whatever the last call left', () => {
    const texts = [['no insulin; insulin glargine 10 units'], ['quinine: not taking', 'HCTZ 25 mg'], ['denies insulin'], ['insulin (discontinued). insulin']];
    for (let round = 0; round < 3; round++) {
      for (const t of texts) expect(findName(matcher, t)).toBe(plainFindName(matcher, t));
    }
    // A caller that left lastIndex part-way (test() on the global matcher) changes nothing.
    matcher?.test('xx insulin');
    expect(findName(matcher, ['insulin'])).toBe('insulin');
  });

  it('answers like matchAll for arbitrary texts', () => {
    const words = fc.constantFrom('insulin', 'glargine', 'HCTZ', 'quinine', 'no', 'not taking', 'denies', ',', '.', ';', '(', 'stopped', 'x', ' ', 'Insulin-glargine');
    fc.assert(
      fc.property(fc.array(fc.array(words, { maxLength: 12 }).map((w) => w.join(' ')), { maxLength: 3 }), (texts) => {
        expect(findName(matcher, texts)).toBe(plainFindName(matcher, texts));
      }),
      { numRuns: 500 },
    );
  });
});

describe('unit spellings remembered per converter', () => {
  const potassium = knowledge().analytes.get('potassium') as Analyte;

  it('converts as a converter that remembers nothing, and stays bounded', () => {
    const converter = createUnitConverter();
    const spellings = ['mmol/L', 'MMOL/L', ' mEq/L ', 'meq/l', 'mg/dL', 'bogus'];
    for (let i = 0; i < UNIT_CACHE_LIMIT * 3; i++) spellings.push(`unit-${i}/L`);
    for (const round of [1, 2]) {
      for (const code of spellings) {
        for (const unit of [{ code }, { text: code }, { code: '', text: code }, { code, text: 'mmol/L' }]) {
          const fresh = createUnitConverter();
          expect([round, unit, converter.convert(4, unit, potassium)]).toEqual([round, unit, fresh.convert(4, unit, potassium)]);
          expect(converter.knows(unit, potassium)).toBe(fresh.knows(unit, potassium));
        }
        expect(converter.rememberedUnits()).toBeLessThanOrEqual(UNIT_CACHE_LIMIT);
      }
    }
    expect(converter.rememberedUnits()).toBe(UNIT_CACHE_LIMIT);
    expect(converter.convert(4, { code: 'mmol/L' }, potassium)).toBe(4);
  });

  it('does not confuse a code and a text that join to the same characters', () => {
    const converter = createUnitConverter();
    expect(converter.convert(4, { code: 'mmol/L', text: 'x' }, potassium)).toBe(4);
    expect(converter.convert(4, { code: 'mmol/', text: 'Lx' }, potassium)).toBeUndefined();
    expect(converter.convert(4, { code: 'mmol/Lx' }, potassium)).toBeUndefined();
    expect(normaliseUnit(' MMOL/ L ')).toBe('mmol/L');
  });

  it('asks the fallback each time (its answer depends on the value)', () => {
    const fallback = jest.fn((value: number) => value * 2);
    const converter = createUnitConverter(fallback);
    expect(converter.convert(1, { code: 'odd' }, potassium)).toBe(2);
    expect(converter.convert(3, { code: 'odd' }, potassium)).toBe(6);
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});

describe('dates parsed once per evaluation', () => {
  const values = ['2024', '2024-02', '2024-02-29', '2023-02-29', '2024-13', '2024-00-10', '2024-05-17T10:20:00Z', '2024-05-17T10:20:00+02:00', '2024-05-17T10:20', '2024-05-17 10:20', '20240517', 'abc', '', '12', '2024-05-17T99:99:99Z', 7];

  it('parses the same inside and outside the memo', () => {
    for (const edge of ['start', 'end'] as const) {
      const outside = values.map((v) => parseFhirDate(v, edge)?.toISOString());
      const inside = withDateMemo(() => values.map((v) => [parseFhirDate(v, edge)?.toISOString(), parseFhirDate(v, edge)?.toISOString()]));
      expect(inside).toEqual(outside.map((v) => [v, v]));
    }
    withDateMemo(() => {
      expect(parseFhirDate('2024-05-17', 'start')?.toISOString()).toBe('2024-05-17T00:00:00.000Z');
      // The same text is a different instant at each edge.
      expect(parseFhirDate('2024-05-17', 'end')?.toISOString()).toBe('2024-05-17T23:59:59.999Z');
      expect(parseFhirDate('2024-05-17', 'start')?.toISOString()).toBe('2024-05-17T00:00:00.000Z');
    });
    // Outside an evaluation each caller gets its own Date.
    expect(parseFhirDate('2024-05-17')).not.toBe(parseFhirDate('2024-05-17'));
  });

  it('keeps nothing after an evaluation, even one that throws', () => {
    expect(dateMemoActive()).toBe(false);
    const result = evaluate(knowledge(), data({ conditions: [condition([{ system: 'icd', code: 'E11.9', display: 'Type 2 diabetes' }])], observations: [lab('2823-3', 3.1, 'mmol/L')] }), NOW);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(dateMemoActive()).toBe(false);
    expect(() =>
      withDateMemo(() => {
        expect(dateMemoActive()).toBe(true);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(dateMemoActive()).toBe(false);
  });
});

describe('rule texts escaped once', () => {
  const result = evaluate(knowledge(), data({ conditions: [condition([{ system: 'icd', code: 'E11.9', display: 'Type 2 diabetes' }])], observations: [lab('2823-3', 3.1, 'mmol/L')] }), NOW);
  const plans = planPatientView(result, { trigger: 'always', disabledRules: new Set() }, new Set()).plans;
  const options = { article: 'The article', launchUrl: 'http://x/launch' };
  const cards = (r: typeof result) =>
    renderPatientView(planPatientView(r, { trigger: 'always', disabledRules: new Set() }, new Set()).plans, r, options).map((c) => ({ ...c.card, uuid: '' }));

  it('renders the same cards the first time and every time after', () => {
    expect(plans.length).toBeGreaterThan(0);
    const first = cards(result);
    expect(cards(result)).toEqual(first);
    expect(first.some((c) => c.detail.includes(escapeMarkdown(result.findings[0]?.cause.summary ?? '-')))).toBe(true);
  });

  it('remembers a bounded number of texts', () => {
    for (let i = 0; i < RULE_TEXT_LIMIT + 50; i++) {
      const renamed = { ...result, findings: result.findings.map((f) => ({ ...f, title: `${f.title} (${i}) *` })) };
      const rendered = cards(renamed);
      expect(rendered.some((c) => c.detail.includes(`(${i}\\) \\*`))).toBe(true);
      expect(rememberedRuleTexts()).toBeLessThanOrEqual(RULE_TEXT_LIMIT);
    }
  });
});

describe('search plans built once per knowledge base and day', () => {
  const kb = knowledge();
  const fresh = (now: Date, windows?: boolean) => planSearches(compileKnowledge(kb.kb), now, windows === undefined ? {} : { windows });
  const days = [new Date('2026-11-24T00:00:00Z'), new Date('2026-11-24T23:59:59.999Z'), new Date('2026-11-25T00:00:00Z'), new Date('2024-02-29T12:00:00Z')];

  it('answers as a fresh build, for each day and form, in any order', () => {
    for (const now of [...days, ...days.slice().reverse()]) {
      expect(planSearches(kb, now)).toEqual(fresh(now));
      expect(planSearches(kb, now, { windows: false })).toEqual(fresh(now, false));
    }
    // Windows move with the day.
    const dates = (now: Date) => planSearches(kb, now).flatMap((p) => p.parts.filter((q) => q.name === 'date').map((q) => q.value));
    expect(dates(days[0] as Date)).toEqual(dates(days[1] as Date));
    expect(dates(days[0] as Date)).not.toEqual(dates(days[2] as Date));
  });

  it('hands each caller its own list', () => {
    const now = days[0] as Date;
    const first = planSearches(kb, now);
    first.splice(0, first.length);
    expect(planSearches(kb, now)).toEqual(fresh(now));
  });

  it('plans for an invalid clock as before when there are no windows', () => {
    expect(planSearches(kb, new Date(NaN), { windows: false })).toEqual(fresh(new Date(NaN), false));
  });
});

describe('word matchers shared by rules with the same names', () => {
  const k = knowledge();

  it('compiles one matcher per distinct list, so a drug is tested against the supply words once', () => {
    const exclusions = k.medication.map((m) => m.excludedNames).filter((m): m is RegExp => m !== undefined);
    const distinctSources = new Set(exclusions.map((m) => m.source));
    expect(exclusions.length).toBeGreaterThan(distinctSources.size);
    expect(new Set(exclusions).size).toBe(distinctSources.size);
  });

  it('matches the same through a shared matcher, whatever order the rules use it in', () => {
    const supply = { label: 'Insulin pen needles', codings: [], names: ['Insulin pen needles 32G'] };
    const drug = { label: 'Furosemide', codings: [], names: ['Furosemide 40 MG Oral Tablet'] };
    const plain = [supply, drug].map((d) => k.medication.map((m) => medicationMatch(m, d)));
    const remembered = [supply, drug].map((d) => {
      const seen = new Map<RegExp, boolean>();
      return k.medication.map((m) => medicationMatch(m, d, undefined, seen));
    });
    expect(remembered).toEqual(plain);
    expect(plain[0]?.every((m) => m === undefined)).toBe(true);
    expect(plain[1]).toContain('name');
  });
});

describe('rule order and titles indexed once per rule list', () => {
  const kb = knowledge().kb;
  const link = kb.links.find((l) => l.causes.length > 0 && l.effects.length > 0);

  it('gives each rule list its own titles and order, however often it is asked', () => {
    expect(link).toBeDefined();
    if (!link) return;
    const fired = new Set([...link.causes, ...link.effects]);
    const first = linkFindings(kb.links, kb.rules, fired);
    expect(linkFindings(kb.links, kb.rules, fired)).toEqual(first);
    // Another list with the same ids, renamed and reversed: its own titles and order, not the first list's.
    const renamed = kb.rules.map((r) => ({ ...r, title: `Renamed ${r.title}` })).reverse();
    const other = linkFindings(kb.links, renamed, fired);
    expect(other[0]?.sentence).toContain('Renamed');
    expect(other[0]?.ruleIds).toEqual([...(first[0]?.ruleIds ?? [])].reverse());
    expect(linkFindings(kb.links, kb.rules, fired)).toEqual(first);
  });
});
