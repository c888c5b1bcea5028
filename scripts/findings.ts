// CLI: npm run --silent findings -- --bundle FILE|- [--now ISO] | --server URL --patient ID [--bearer TOKEN]
// Prints one JSON object (KNOWLEDGE section 4). Bad input: one line on stderr and exit status 2.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BadInputError } from '../lib/fhir/fromBundle';
import { findingsFromBundle, findingsFromServer, parseNow } from '../lib/findings';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      bundle: { type: 'string' },
      server: { type: 'string' },
      patient: { type: 'string' },
      bearer: { type: 'string' },
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
    const output = await findingsFromServer(values.server, values.patient, now, values.bearer);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return;
  }
  throw new BadInputError('usage: findings --bundle FILE|- [--now ISO] | --server URL --patient ID [--bearer TOKEN] [--now ISO]');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof BadInputError || (error instanceof TypeError && 'code' in error)
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`findings: ${message.split('\n')[0]}\n`);
  process.exit(2);
});
