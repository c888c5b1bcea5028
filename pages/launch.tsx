// SMART launch: checks iss/launch (against SMART_ALLOWED_ISSUERS, read at run time on the server)
// and hands over to fhirclient's authorize(); nothing else.
import type { GetServerSideProps } from 'next';
import { useEffect, useState } from 'react';
import { issuerAllowed, parseAllowedIssuers } from '../lib/app/issuers';

interface Props {
  readonly allowedIssuers: string[];
  /** Set when the server already refused the launch. */
  readonly refused?: string;
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => {
  const allowedIssuers = parseAllowedIssuers(process.env.SMART_ALLOWED_ISSUERS);
  const iss = typeof query.iss === 'string' ? query.iss : undefined;
  if (iss && !issuerAllowed(iss, allowedIssuers)) {
    const { securityEvent } = await import('../lib/log/security');
    let host = 'invalid';
    try {
      host = new URL(iss).host;
    } catch {
      /* not a URL */
    }
    securityEvent('launch.refused', { reason: 'iss not in SMART_ALLOWED_ISSUERS', host });
    return {
      props: { allowedIssuers, refused: 'This FHIR server is not one this app is set up for. Ask your administrator to add it to SMART_ALLOWED_ISSUERS.' },
    };
  }
  return { props: { allowedIssuers } };
};

export default function Launch({ allowedIssuers, refused }: Props) {
  const [error, setError] = useState<string | undefined>(refused);
  useEffect(() => {
    if (refused) return;
    import('../lib/app/smartSession')
      .then(({ startLaunch }) => startLaunch(new URLSearchParams(window.location.search), { allowedIssuers }))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : 'The launch failed.'));
  }, [allowedIssuers, refused]);
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
