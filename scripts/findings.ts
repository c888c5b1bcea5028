// CLI: npm run --silent findings -- --bundle FILE|- [--now ISO] | --server URL --patient ID [--bearer TOKEN] [--allow-private]
// Prints one JSON object (KNOWLEDGE section 4). Bad input: one line on stderr and exit status 2.
// The token is better given as FHIR_BEARER_TOKEN (--bearer is visible to other users in `ps`).
// Requests go through the SSRF-hardened fetch: https only and public addresses only, unless
// --allow-private (a FHIR server on this machine or the local network, http allowed).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BadInputError } from '../lib/fhir/fromBundle';
import { findingsFromBundle, findingsFromServer, parseNow } from '../lib/findings';
import { securityLogToStderr } from '../lib/log/security';
import { createSafeFetch, OutboundRefusedError } from '../lib/net/safeFetch';

async function main(argv: string[]): Promise<void> {
  securityLogToStderr();
  const { values } = parseArgs({
    args: argv,
    options: {
      bundle: { type: 'string' },
      server: { type: 'string' },
      patient: { type: 'string' },
      bearer: { type: 'string' },
      'allow-private': { type: 'boolean' },
      now: { type: 'string' },
    },
    strict: true,
  });
  const now = parseNow(values.now);
  if (values.bundle !== undefined && values.server !== undefined) throw new BadInputError('use --bundle or --server, not both');
  if (values.bundle !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.bundle === '-' ? 0 : values.bundle, 'utf8');
    } catch {
      throw new BadInputError(`cannot read ${values.bundle === '-' ? 'standard input' : values.bundle}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BadInputError(`${values.bundle === '-' ? 'standard input' : values.bundle} is not JSON`);
    }
    process.stdout.write(`${JSON.stringify(findingsFromBundle(json, now, values.patient), null, 2)}\n`);
    return;
  }
  if (values.server !== undefined) {
    if (!values.patient) throw new BadInputError('--server needs --patient ID');
    const bearer = values.bearer ?? (process.env.FHIR_BEARER_TOKEN?.trim() || undefined);
    const allowPrivate = values['allow-private'] === true;
    let url: URL | undefined;
    try {
      url = new URL(values.server);
    } catch {
      url = undefined;
    }
    if (url && url.protocol === 'http:' && !allowPrivate) throw new BadInputError('--server must use https (add --allow-private for a FHIR server on this machine or network)');
    const fetch = createSafeFetch({ allowHttp: allowPrivate, allowPrivate });
    const output = await findingsFromServer(values.server, values.patient, now, bearer, { fetch });
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return;
  }
  throw new BadInputError('usage: findings --bundle FILE|- [--now ISO] | --server URL --patient ID [--bearer TOKEN] [--allow-private] [--now ISO] (or FHIR_BEARER_TOKEN)');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof BadInputError || error instanceof OutboundRefusedError || (error instanceof TypeError && 'code' in error)
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`findings: ${message.split('\n')[0]}\n`);
  process.exit(2);
});
