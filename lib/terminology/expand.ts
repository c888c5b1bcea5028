// Expands a ValueSet whose compose lists its concepts explicitly (all of ours do): the included
// concepts, minus the excluded ones, in the order written. Filters and nested value sets are not
// supported and are refused loudly rather than expanded wrongly.

export interface ComposeConcept {
  readonly code: string;
  readonly display?: string;
}

export interface ComposeInclude {
  readonly system?: string;
  readonly concept?: readonly ComposeConcept[];
  readonly filter?: readonly unknown[];
  readonly valueSet?: readonly string[];
}

export interface ComposedValueSet {
  resourceType: 'ValueSet';
  id?: string;
  compose?: { include?: readonly ComposeInclude[]; exclude?: readonly ComposeInclude[] };
  expansion?: {
    identifier?: string;
    timestamp?: string;
    total?: number;
    contains?: { system: string; code: string; display?: string }[];
  };
}

export function expandCompose(vs: ComposedValueSet): { system: string; code: string; display?: string }[] {
  const key = (system: string, code: string) => `${system}|${code}`;
  const refuse = (part: ComposeInclude) => {
    if ((part.filter?.length ?? 0) > 0 || (part.valueSet?.length ?? 0) > 0 || !part.system) {
      throw new Error(`ValueSet ${vs.id}: only explicit concept lists with a system can be expanded here`);
    }
  };
  const excluded = new Set<string>();
  for (const part of vs.compose?.exclude ?? []) {
    refuse(part);
    for (const c of part.concept ?? []) excluded.add(key(part.system ?? '', c.code));
  }
  const seen = new Set<string>();
  const out: { system: string; code: string; display?: string }[] = [];
  for (const part of vs.compose?.include ?? []) {
    refuse(part);
    const system = part.system ?? '';
    for (const c of part.concept ?? []) {
      const k = key(system, c.code);
      if (excluded.has(k) || seen.has(k)) continue;
      seen.add(k);
      out.push({ system, code: c.code, ...(c.display ? { display: c.display } : {}) });
    }
  }
  return out;
}
