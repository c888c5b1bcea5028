// App configuration from the environment (NEXT_PUBLIC_* values are inlined at build time).
// Scopes default to least privilege: exactly the resource types the rules read.
import { rules } from '../cds-rules/rules';
import { typesReadBy } from './engine/compile';
import type { ReadableType } from './engine/types';

export type ScopeStyle = 'v1' | 'v2';

export interface SmartConfig {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopeStyle: ScopeStyle;
  /** Full scope override; when empty the scopes are derived from the rules. */
  readonly scopeOverride: string;
}

export function readConfig(env: Record<string, string | undefined> = {
  NEXT_PUBLIC_SMART_CLIENT_ID: process.env.NEXT_PUBLIC_SMART_CLIENT_ID,
  NEXT_PUBLIC_SMART_REDIRECT_URI: process.env.NEXT_PUBLIC_SMART_REDIRECT_URI,
  NEXT_PUBLIC_SMART_SCOPE_STYLE: process.env.NEXT_PUBLIC_SMART_SCOPE_STYLE,
  NEXT_PUBLIC_SMART_SCOPES: process.env.NEXT_PUBLIC_SMART_SCOPES,
}): SmartConfig {
  return {
    clientId: env.NEXT_PUBLIC_SMART_CLIENT_ID?.trim() || 'leg-cramp-factors',
    redirectUri: env.NEXT_PUBLIC_SMART_REDIRECT_URI?.trim() || '/',
    scopeStyle: env.NEXT_PUBLIC_SMART_SCOPE_STYLE?.trim() === 'v2' ? 'v2' : 'v1',
    scopeOverride: env.NEXT_PUBLIC_SMART_SCOPES?.trim() ?? '',
  };
}

/** Every resource type the app reads: the Patient for the banner, plus what the rules read. */
export function typesToRead(): ReadableType[] {
  const types = new Set<ReadableType>(['Patient']);
  for (const rule of rules) for (const t of typesReadBy(rule)) types.add(t);
  return [...types];
}

/** SMART scopes for a launch: `launch` for EHR launch, `launch/patient` for standalone. */
export function scopesFor(config: SmartConfig, mode: 'ehr' | 'standalone'): string {
  if (config.scopeOverride) return config.scopeOverride;
  const suffix = config.scopeStyle === 'v2' ? 'rs' : 'read';
  const resourceScopes = typesToRead().map((t) => `patient/${t}.${suffix}`);
  return ['openid', 'fhirUser', mode === 'ehr' ? 'launch' : 'launch/patient', ...resourceScopes].join(' ');
}
