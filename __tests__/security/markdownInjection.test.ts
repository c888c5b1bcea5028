// Finding 5 (Markdown/HTML injection through resource ids and text in card `detail`), as a property:
// demo patients whose records produce findings get hostile ids, displays and texts; the cards the
// CDS service returns are rendered with a real Markdown renderer (markdown-it, HTML on and off) and
// the result must contain only the elements the cards use, no link but to the rules' own references
// (the knowledge base's fixed https addresses), and no `javascript:`.
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type { Card } from '../../lib/cds/cards';
import { readCdsConfig } from '../../lib/cds/config';
import { prefetchFromResources } from '../../lib/cds/prefetch';
import { handleCds } from '../../lib/cds/service';
import { demoPatients } from '../../lib/sandbox/demoPatients';
import { NOW } from '../helpers/fhir';
import { references } from '../../cds-rules/references';

const PAYLOADS = [
  '`\n\n<script>alert(1)</script>',
  'x`\n\n<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '![a](javascript:alert(1))',
  '<javascript:alert(1)>',
  '<https://evil.test/>',
  '<a href="javascript:alert(1)">x</a>',
  '\n\n<iframe src="javascript:alert(1)"></iframe>\n\n',
  '](javascript:alert(1))',
  '[x]: javascript:alert(1)\n\n[x]',
  '<!-- -->',
  '&lt;script&gt;',
  '***__~~`|',
  '\\`\\',
];
const hostile = fc.oneof(fc.constantFrom(...PAYLOADS), fc.string({ maxLength: 30 }).map((s) => `${s}<b>${s}</b>`), fc.string({ maxLength: 20 }));

const ALLOWED_TAGS = new Set(['p', 'strong', 'em', 'code', 'ul', 'li']);
/** The only links a card may hold: the references the rules cite. */
const KNOWN_LINKS: ReadonlySet<string> = new Set(Object.values(references).flatMap((r) => ('url' in r && r.url ? [r.url] : [])));
const renderers = [new MarkdownIt({ html: true }), new MarkdownIt({ html: false }), new MarkdownIt('commonmark')];

function problems(markdown: string): string[] {
  const found: string[] = [];
  for (const md of renderers) {
    // Our own reference links, exactly as the renderer writes them, are the one allowed element with an address.
    const html = md.render(markdown).replace(/<a href="([^"<>]*)">([^<]*)<\/a>/g, (whole, href: string, text: string) =>
      KNOWN_LINKS.has(href) ? text : whole,
    );
    for (const m of html.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)/g)) if (!ALLOWED_TAGS.has(m[1]!.toLowerCase())) found.push(`element <${m[1]}>`);
    // In rendered HTML every literal "<" of the text is escaped, so a "<" starts a real element.
    if (/<[^>]*\s(?:href|src)=/i.test(html)) found.push('a link or source attribute');
    if (/<[^>]*javascript:/i.test(html)) found.push('javascript: in markup');
    for (const t of md.parse(markdown, {})) {
      if (t.type === 'html_block' || t.type === 'html_inline') found.push(t.type);
      for (const c of t.children ?? []) {
        if (c.type === 'link_open' && KNOWN_LINKS.has(String(c.attrGet('href') ?? ''))) continue;
        if (c.type === 'html_inline' || c.type === 'link_open' || c.type === 'image') found.push(c.type);
      }
    }
  }
  return found;
}

/** Rewrites every id, display and text in a record with hostile strings (the Patient keeps its id). */
function poison(resources: readonly fhir4.FhirResource[], pick: () => string): fhir4.FhirResource[] {
  const walk = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (typeof value !== 'object' || value === null) return (key === 'display' || key === 'text' || key === 'unit') && typeof value === 'string' ? pick() : value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  };
  return resources.map((r) => {
    const copy = walk(r) as fhir4.FhirResource;
    return r.resourceType === 'Patient' ? copy : ({ ...copy, id: pick() } as fhir4.FhirResource);
  });
}

const withFindings = demoPatients.filter((p) => p.expected.length > 0);
const config = { ...readCdsConfig({}), jwtRequired: false, patientViewTrigger: 'always' as const };

describe('card Markdown under hostile resource ids and text', () => {
  it('renders to no injected element, link or javascript: (markdown-it, HTML on and off)', async () => {
    let cardsSeen = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withFindings), fc.array(hostile, { minLength: 5, maxLength: 40 }), async (patient, strings) => {
        let i = 0;
        const pick = () => strings[i++ % strings.length]!;
        const resources = poison(patient.resources(NOW), pick);
        const res = await handleCds(
          {
            method: 'POST',
            path: 'leg-cramp-factors',
            baseUrl: 'https://cramps.test',
            now: NOW,
            body: { hook: 'patient-view', hookInstance: '5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e0f', context: { userId: 'Practitioner/1', patientId: patient.id }, prefetch: prefetchFromResources(resources) },
          },
          config,
        );
        if (res.status !== 200) throw new Error(`status ${res.status} ${JSON.stringify(res.body)}`);
        const cards = (res.body as { cards: Card[] }).cards;
        cardsSeen += cards.length;
        for (const c of cards) {
          const found = [...problems(c.detail), ...problems(c.summary)];
          if (found.length > 0) throw new Error(`${found.join(", ")} in ${JSON.stringify(c.summary)} ${JSON.stringify(c.detail)}`);
        }
        return true;
      }),
      { numRuns: 150, seed: 1414 },
    );
    expect(cardsSeen).toBeGreaterThan(150); // the hostile records still reach the rules
  }, 120_000);

  it('shows a valid reference in a code span and hides an invalid one', async () => {
    const patient = demoPatients.find((p) => p.id === 'demo-diuretic')!;
    const resources = patient.resources(NOW).map((r) => (r.resourceType === 'Observation' ? { ...r, id: 'k1`\n\n<img src=x onerror=alert(1)>' } : r));
    const res = await handleCds(
      {
        method: 'POST',
        path: 'leg-cramp-factors',
        baseUrl: 'https://cramps.test',
        now: NOW,
        body: { hook: 'patient-view', hookInstance: '5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e0f', context: { userId: 'Practitioner/1', patientId: patient.id }, prefetch: prefetchFromResources(resources) },
      },
      config,
    );
    const detail = (res.body as { cards: Card[] }).cards.map((c) => c.detail).join('\n');
    expect(detail).toMatch(/`MedicationRequest\/[A-Za-z0-9.-]+`/);
    expect(detail).toContain('reference not shown: not a valid FHIR id');
    expect(detail).not.toContain('<img');
    expect(problems(detail)).toEqual([]);
  });
});
