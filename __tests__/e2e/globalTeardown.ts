// Stops the server started by globalSetup.
import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  (globalThis as unknown as { __E2E_SERVER__?: ChildProcess }).__E2E_SERVER__?.kill();
}
