// Builds the app once and starts it with the demo EHR for every e2e test file.
import { build, start } from './server';

export default async function globalSetup(): Promise<void> {
  build();
  const logs: string[] = [];
  const child = await start(logs);
  (globalThis as unknown as { __E2E_SERVER__: typeof child }).__E2E_SERVER__ = child;
  (globalThis as unknown as { __E2E_LOGS__: string[] }).__E2E_LOGS__ = logs;
}
