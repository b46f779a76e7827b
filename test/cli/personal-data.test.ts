import { expect } from 'chai';
import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { llcDetails, seedPersonDetails } from '../support/seed.js';
import { useEmulator } from '../support/paxos.js';
import { CliProject, type Ended } from './spawn.js';
import { sandboxEnv } from './support.js';

/** A random SSN-shaped id, its digits unlikely to occur anywhere else in the output. */
function randomSsn(): string {
  const d = (n: number) => String(randomInt(10 ** (n - 1), 10 ** n));
  return `${d(3)}-${d(2)}-${d(4)}`;
}

/** A random past date of birth. */
function randomBirthDate(): string {
  return `19${randomInt(40, 99)}-${String(randomInt(1, 13)).padStart(2, '0')}-${String(randomInt(10, 29))}`;
}

/** The personal values of one case, in every spelling that could leak: as given, and as bare digits. */
class Secrets {
  readonly values: string[] = [];

  add(value: string): string {
    this.values.push(value);
    return value;
  }

  /** Fails naming the kind of value (never the value) when `text` holds any of them, also with separators dropped. */
  expectAbsentFrom(text: string, where: string): void {
    const digits = text.replace(/\D/g, '');
    for (const [index, value] of this.values.entries()) {
      expect(text.includes(value), `personal value #${index} in ${where}`).to.equal(false);
      const bare = value.replace(/\D/g, '');
      if (bare.length >= 6)
        expect(digits.includes(bare), `personal value #${index} digit-wise in ${where}`).to.equal(false);
    }
  }

  expectAbsent(ended: Ended, command: string): void {
    this.expectAbsentFrom(ended.stdout, `stdout of ${command}`);
    this.expectAbsentFrom(ended.stderr, `stderr of ${command}`);
  }
}

describe('CLI: personal data is masked in every output unless --reveal is given', function () {
  // Every case runs the real executable, started from the TypeScript sources.
  this.timeout(120_000);
  const emulator = useEmulator();
  let project: CliProject;

  before(() => {
    project = new CliProject();
  });
  after(() => {
    project.remove();
  });

  function environment(): Record<string, string> {
    return sandboxEnv(emulator());
  }

  async function cli(args: readonly string[]): Promise<Ended> {
    const ended = await project.direct(args, environment()).ended;
    expect(ended.code, `${args.join(' ')}: ${ended.stderr}`).to.equal(0);
    return ended;
  }

  /** A person whose CIP id is given under the deprecated `govt_id`, its tax payer id derived from it. */
  function personBody(secrets: Secrets): object {
    const details: Record<string, unknown> = { ...seedPersonDetails(secrets.add(randomSsn())) };
    details['date_of_birth'] = secrets.add(randomBirthDate());
    details['govt_id'] = details['cip_id'];
    details['govt_id_type'] = 'SSN';
    delete details['cip_id'];
    delete details['cip_id_type'];
    return { ref_id: randomUUID(), person_details: details };
  }

  it('create, get and get --no-details of a person print no SSN, CIP id, tax payer id or date of birth', async () => {
    const secrets = new Secrets();
    const created = await cli(['create', '--file', project.file('person.json', JSON.stringify(personBody(secrets)))]);
    secrets.expectAbsent(created, 'create');
    const printed = JSON.parse(created.stdout);
    expect(printed.person_details).to.include({ cip_id: '[REDACTED]', date_of_birth: '[REDACTED]' });
    expect(printed.tax_details).to.deep.equal([{ tax_payer_id: '[REDACTED]', tax_payer_country: 'USA' }]);
    secrets.expectAbsent(await cli(['get', printed.id]), 'get');
    const summary = await cli(['get', printed.id, '--no-details']);
    secrets.expectAbsent(summary, 'get --no-details');
    expect(JSON.parse(summary.stdout).tax_details).to.deep.equal([
      { tax_payer_id: '[REDACTED]', tax_payer_country: 'USA' },
    ]);

    const revealed = JSON.parse((await cli(['get', printed.id, '--reveal'])).stdout);
    const [ssn, birthDate] = secrets.values;
    expect(revealed.person_details).to.include({ cip_id: ssn, date_of_birth: birthDate });
    expect(revealed.tax_details).to.deep.equal([{ tax_payer_id: ssn, tax_payer_country: 'USA' }]);
  });

  it("create and get of an institution with a member print neither the institution's EIN nor the member's data", async () => {
    const secrets = new Secrets();
    const member = JSON.parse(
      (await cli(['create', '--file', project.file('member.json', JSON.stringify(personBody(secrets)))])).stdout,
    );
    const ein = secrets.add(`${randomInt(10, 100)}-${randomInt(1_000_000, 10_000_000)}`);
    const body = {
      ref_id: randomUUID(),
      institution_details: llcDetails(ein),
      institution_members: [{ identity_id: member.id, roles: ['BENEFICIAL_OWNER'], ownership: '60' }],
      tax_details: [{ tax_payer_id: ein, tax_payer_country: 'USA' }],
    };
    const created = await cli(['create', '--file', project.file('institution.json', JSON.stringify(body))]);
    secrets.expectAbsent(created, 'create');
    const institution = JSON.parse(created.stdout);
    expect(institution.institution_details).to.include({ cip_id: '[REDACTED]' });
    expect(institution.institution_members).to.have.length(1);
    secrets.expectAbsent(await cli(['get', institution.id]), 'get');
    secrets.expectAbsent(await cli(['get', institution.id, '--no-details']), 'get --no-details');
    const revealed = JSON.parse((await cli(['get', institution.id, '--reveal'])).stdout);
    expect(revealed.institution_details).to.include({ cip_id: ein });
  });

  it('import prints no personal data on stdout, stderr or in its --out results, valid lines or not', async () => {
    const secrets = new Secrets();
    const invalid = personBody(secrets) as { person_details: Record<string, unknown> };
    invalid.person_details['nationality'] = 'xyz';
    const lines = [personBody(secrets), invalid, personBody(secrets)].map((b) => JSON.stringify(b));
    const out = project.file('results.ndjson', '');
    const ended = await project.direct(
      ['import', '--file', project.file('people.ndjson', `${lines.join('\n')}\n`), '--out', out],
      environment(),
    ).ended;
    expect(ended.code, ended.stderr).to.equal(1);
    expect(ended.stdout).to.include('import: 2 created, 0 replayed, 1 invalid, 0 failed, 0 skipped of 3 lines');
    secrets.expectAbsent(ended, 'import');
    secrets.expectAbsentFrom(readFileSync(out, 'utf8'), 'the results of import');
  });
});
