// The sidebar page: finish the SMART launch, load and evaluate in a lazily loaded chunk, render.
import { useEffect, useState, type CSSProperties } from 'react';
import { Sidebar } from '../lib/ui/Sidebar';
import { styleVariables } from '../lib/ui/smartStyle';
import type { SidebarModel } from '../lib/ui/types';

type State =
  | { phase: 'connecting' }
  | { phase: 'loading' }
  | { phase: 'ready'; model: SidebarModel; style: Record<string, string> }
  | { phase: 'error'; title: string; message: string };

async function fetchStyle(url: string | undefined): Promise<Record<string, string>> {
  if (!url) return {};
  try {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    return response.ok ? styleVariables(await response.json()) : {};
  } catch {
    return {};
  }
}

export default function Home() {
  const [state, setState] = useState<State>({ phase: 'connecting' });
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const { smartReady } = await import('../lib/app/smartSession');
      let client;
      try {
        client = await smartReady();
      } catch {
        if (!cancelled) {
          setState({
            phase: 'error',
            title: 'No active launch',
            message: 'This app opens from a patient’s chart in the EHR. Launch it again from the EHR (or from /launch?iss=...).',
          });
        }
        return;
      }
      if (!cancelled) setState({ phase: 'loading' });
      const { runForClient, SessionExpiredError } = await import('../lib/app/run');
      try {
        const model = await runForClient(client);
        const style = await fetchStyle(model.styleUrl);
        if (!cancelled) setState({ phase: 'ready', model, style });
      } catch (e) {
        if (cancelled) return;
        setState({
          phase: 'error',
          title: e instanceof SessionExpiredError ? 'Session expired' : 'Could not load the record',
          message: e instanceof Error ? e.message : 'An unexpected error occurred.',
        });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  if (state.phase === 'ready') {
    return (
      <div style={state.style as CSSProperties}>
        <Sidebar model={state.model} />
      </div>
    );
  }
  return (
    <main className="state" aria-live="polite" aria-busy={state.phase !== 'error'}>
      <h1 className="app-title">Leg cramp factors</h1>
      {state.phase === 'error' ? (
        <div role="alert">
          <h2 className="error">{state.title}</h2>
          <p>{state.message}</p>
          <p>Nothing was checked, so no conclusion can be drawn from this screen.</p>
        </div>
      ) : (
        <p role="status">{state.phase === 'connecting' ? 'Connecting to the EHR…' : 'Reading the patient’s record…'}</p>
      )}
    </main>
  );
}
