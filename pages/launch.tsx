// SMART launch: checks iss/launch and hands over to fhirclient's authorize(); nothing else.
import { useEffect, useState } from 'react';

export default function Launch() {
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    import('../lib/app/smartSession')
      .then(({ startLaunch }) => startLaunch(new URLSearchParams(window.location.search)))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : 'The launch failed.'));
  }, []);
  return (
    <main className="state" aria-live="polite">
      <h1 className="app-title">Leg cramp factors</h1>
      {error ? (
        <p role="alert" className="error">
          Could not start the launch: {error}
        </p>
      ) : (
        <p role="status">Connecting to the EHR…</p>
      )}
    </main>
  );
}
