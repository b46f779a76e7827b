import { expect } from 'chai';
import { run } from '../../src/cli/program.js';
import { seedBody } from '../emulator/support.js';
import { FakeIo, sandboxEnv } from './support.js';
import { useEmulator } from '../support/paxos.js';

describe('CLI: paxos-identity create and get', () => {
  const emulator = useEmulator();

  /** An environment pointing the CLI at the shared emulator, as a user would at the sandbox. */
  function envIo(): FakeIo {
    return new FakeIo(sandboxEnv(emulator()));
  }

  function withBody(io: FakeIo, body: unknown): FakeIo {
    io.files.set('body.json', JSON.stringify(body));
    return io;
  }

  it("creates the seed body on an embedded emulator and prints Paxos's response JSON (--reveal: in clear)", async () => {
    const body = seedBody();
    const io = withBody(new FakeIo(), body);
    expect(await run(['create', '--file', 'body.json', '--emulator', '--reveal'], io)).to.equal(0);
    const printed = JSON.parse(io.out);
    expect(printed).to.include({ type: 'PERSON', summary_status: 'PENDING', ref_id: body.ref_id });
    expect(printed.person_details).to.include({
      first_name: 'John',
      cip_id: body.person_details.cip_id,
      date_of_birth: '1980-01-01',
    });
    expect(printed.tax_details).to.deep.equal([{ tax_payer_country: 'USA', tax_payer_id: body.person_details.cip_id }]);
    expect(printed.metadata).to.deep.equal(body.person_details.metadata);
    expect(io.err).to.match(/^using an embedded Paxos emulator at http:\/\/127\.0\.0\.1:\d+\/v2\n$/);
  });

  it('masks the CIP id, the tax payer id and the date of birth unless --reveal is given', async () => {
    const body = seedBody();
    const created = withBody(envIo(), body);
    expect(await run(['create', '--file', 'body.json'], created)).to.equal(0);
    const printed = JSON.parse(created.out);
    expect(printed.person_details).to.include({
      cip_id: '[REDACTED]',
      date_of_birth: '[REDACTED]',
      first_name: 'John',
    });
    expect(printed.tax_details).to.deep.equal([{ tax_payer_country: 'USA', tax_payer_id: '[REDACTED]' }]);
    expect(created.out).not.to.include(body.person_details.cip_id);
    expect(created.out).not.to.include('1980-01-01');

    const got = envIo();
    expect(await run(['get', printed.id], got)).to.equal(0);
    expect(got.out).not.to.include(body.person_details.cip_id);
    expect(JSON.parse(got.out).person_details).to.include({ cip_id: '[REDACTED]', last_name: 'Doe' });
    const revealed = envIo();
    expect(await run(['get', printed.id, '--reveal'], revealed)).to.equal(0);
    expect(JSON.parse(revealed.out).person_details).to.include({
      cip_id: body.person_details.cip_id,
      date_of_birth: '1980-01-01',
    });
  });

  it("creates and gets through the environment's URLs and credentials", async () => {
    const body = seedBody();
    const created = withBody(envIo(), body);
    expect(await run(['create', '--file', 'body.json'], created)).to.equal(0);
    const id = JSON.parse(created.out).id as string;
    const got = envIo();
    expect(await run(['get', id], got)).to.equal(0);
    expect(JSON.parse(got.out)).to.deep.include({ id, ref_id: body.ref_id });
    expect(JSON.parse(got.out).person_details.last_name).to.equal('Doe');
    const summary = envIo();
    expect(await run(['get', id, '--no-details'], summary)).to.equal(0);
    expect(JSON.parse(summary.out)).not.to.have.property('person_details');
  });

  it('replays the same body to the same identity', async () => {
    const body = seedBody();
    const first = withBody(envIo(), body);
    const second = withBody(envIo(), body);
    expect(await run(['create', '--file', 'body.json'], first)).to.equal(0);
    expect(await run(['create', '--file', 'body.json'], second)).to.equal(0);
    expect(JSON.parse(second.out).id).to.equal(JSON.parse(first.out).id);
  });

  it('reports a taken SSN in one line with class, status and detail, and no personal data', async () => {
    const body = seedBody();
    await run(['create', '--file', 'body.json'], withBody(envIo(), body));
    const io = withBody(envIo(), seedBody({ ssn: body.person_details.cip_id }));
    expect(await run(['create', '--file', 'body.json'], io)).to.equal(1);
    expect(io.out).to.equal('');
    expect(io.err).to.match(
      /^error: IdentityAlreadyExistsError \(409\): An identity with the same \(cipId, cipIdType, cipIdCountry\) already exists: [0-9a-f-]{36}\n$/,
    );
    expect(io.err).not.to.include(body.person_details.cip_id);
  });

  it('lists every violation of an invalid body by its wire name, sends nothing and exits 1', async () => {
    const body = seedBody();
    body.person_details.first_name = 'Jöhn';
    body.person_details.nationality = 'xyz';
    body.person_details.cipIdType = 'SSN';
    emulator().clearRequestLog();
    const io = withBody(envIo(), body);
    expect(await run(['create', '--file', 'body.json'], io)).to.equal(1);
    const lines = io.err.trimEnd().split('\n');
    expect(lines[0]).to.equal('error: IdentityValidationError: 3 violations in body.json; nothing was sent');
    expect(lines.slice(1)).to.have.members([
      "  person_details.cipIdType: is not a field of this request in Paxos's schema [unknown_field]",
      '  person_details.first_name: contains characters Paxos does not accept [pattern]',
      '  person_details.nationality: must be an ISO 3166-1 alpha-3 country code (three capital letters) [pattern]',
    ]);
    expect(io.err).not.to.include(body.person_details.cip_id);
    expect(emulator().requests).to.deep.equal([]);
  });

  it('reports an unreadable file or a body that is not JSON without quoting it', async () => {
    const missing = envIo();
    expect(await run(['create', '--file', 'nope.json'], missing)).to.equal(1);
    expect(missing.err).to.equal('error: cannot read nope.json (ENOENT)\n');
    const broken = envIo();
    broken.files.set('body.json', '{"person_details": {"cip_id": "123-45-6789",');
    expect(await run(['create', '--file', 'body.json'], broken)).to.equal(1);
    expect(broken.err).to.equal('error: body.json is not valid JSON\n');
  });

  it('reports an unknown id as IdentityNotFoundError (404)', async () => {
    const io = envIo();
    expect(await run(['get', '0b5d2c4e-0000-4000-8000-000000000000'], io)).to.equal(1);
    expect(io.err).to.match(/^error: IdentityNotFoundError \(404\): .*0b5d2c4e-0000-4000-8000-000000000000\n$/);
  });

  it('reports refused credentials in one line without the secret', async () => {
    const io = new FakeIo({
      PAXOS_BASE_URL: emulator().baseUrl,
      PAXOS_TOKEN_URL: emulator().tokenUrl,
      PAXOS_CLIENT_ID: emulator().clientId,
      PAXOS_CLIENT_SECRET: 'not-the-secret-at-all',
    });
    expect(await run(['get', 'some-id'], io)).to.equal(1);
    expect(io.err.split('\n')).to.have.length(2);
    expect(io.err).to.match(/^error: PaxosAuthenticationError/);
    expect(io.err).not.to.include('not-the-secret-at-all');
  });

  it('asks for credentials or --emulator, and for a known PAXOS_ENV, with exit code 2', async () => {
    const none = new FakeIo();
    expect(await run(['get', 'some-id'], none)).to.equal(2);
    expect(none.err).to.equal('error: PAXOS_CLIENT_ID and PAXOS_CLIENT_SECRET must be set (or pass --emulator)\n');
    const staging = new FakeIo({ PAXOS_ENV: 'staging', PAXOS_CLIENT_ID: 'a', PAXOS_CLIENT_SECRET: 'b' });
    expect(await run(['get', 'some-id'], staging)).to.equal(2);
    expect(staging.err).to.equal("error: PAXOS_ENV must be 'sandbox' or 'production'\n");
  });

  it('refuses a plain-http base URL to a remote host as a configuration error (exit 2)', async () => {
    const io = new FakeIo({ PAXOS_BASE_URL: 'http://example.com/v2', PAXOS_CLIENT_ID: 'a', PAXOS_CLIENT_SECRET: 'b' });
    expect(await run(['get', 'some-id'], io)).to.equal(2);
    expect(io.err).to.match(/^error: PaxosConfigurationError: /);
  });
});
