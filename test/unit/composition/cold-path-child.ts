/**
 * Run by cold-path.test.ts in a fresh process: imports the root entry, makes a Paxos service aimed at the emulator
 * whose options are in PAXOS_OPTIONS, creates one identity, then decodes one invalid answer. Prints one JSON line: the
 * npm packages loaded after the create and after the invalid answer.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const log = join(tmpdir(), `paxos-identity-cold-path-${process.pid}.log`);
writeFileSync(log, '');
// Every module the ES loader resolves, logged from the hooks thread before the import completes.
const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
appendFileSync(log, '');

const require = createRequire(import.meta.url);
/** The packages loaded so far, by the ES loader or by require, each as `name` or `name/the/file.js`. */
function loaded(): string[] {
  const urls = [...readFileSync(log, 'utf8').split('\n'), ...Object.keys(require.cache)];
  const names = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
    if (match !== null) names.add(`${match[1]!}/${match[2]!}`);
  }
  return [...names].sort();
}

const { createIdentityService } = await import('../../../src/index.js');
const service = createIdentityService({
  adapter: 'paxos',
  paxos: JSON.parse(process.env['PAXOS_OPTIONS']!) as never,
});
const created = await service.createIdentity({
  person: {
    firstName: 'Cold',
    lastName: 'Start',
    dateOfBirth: '1980-01-01',
    nationality: 'CAN',
    cipId: 'P12345678',
    cipIdType: 'PASSPORT',
    cipIdCountry: 'CAN',
    address: { country: 'CAN', address1: '1 Queen St', city: 'Toronto', province: 'ON', zipCode: 'M5H 2N2' },
  },
  taxDetails: [{ taxPayerId: '123456789', taxPayerCountry: 'CAN' }],
});
const afterSuccess = loaded();
const { decode, IdentityDto } = await import('../../../src/adapters/paxos/dto/index.js');
const invalid = decode(IdentityDto, { id: 42, type: 'PERSON' });
console.log(
  JSON.stringify({
    created: created.id.length > 0,
    afterSuccess,
    invalidIssues: invalid.ok ? [] : invalid.issues,
    afterInvalid: loaded(),
  }),
);
