// Demo EHR: starts a standalone launch against the demo FHIR server (the picker comes next).
import type { GetServerSideProps } from 'next';
import { sandboxEnabled, sandboxOrigin } from '../../lib/sandbox/enabled';

export const getServerSideProps: GetServerSideProps = async () => {
  if (!sandboxEnabled()) return { notFound: true };
  const iss = `${sandboxOrigin()}/api/sandbox/fhir`;
  return { redirect: { destination: `/launch?iss=${encodeURIComponent(iss)}`, permanent: false } };
};

export default function Standalone() {
  return null;
}
