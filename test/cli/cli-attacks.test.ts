import { expect } from 'chai';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from '../../src/cli/program.js';
import { Redactor } from '../../src/cli/redact.js';
import { readCreateIdentityRequest } from '../../src/gateways.js';
import { seedPersonDetails } from '../support/seed.js';
import { CliProject, shellStatusOf } from './spawn.js';
import { FakeIo } from './support.js';

const SSN = '987-65-4321';
const BIRTH_DATE = '1975-03-09';
const SECRET = 'client-secret-7Qx2Lm9Pz';

/** What the fake Paxos answers to one request. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * A stand-in for Paxos that answers whatever a case needs, Paxos never does: its token endpoint and its API may
 * quote back what they were sent.
 */
class FakePaxos {
  token: (body: string) => Answer = () => ({
    status: 200,
    body: { access_token: 'issued-token', token_type: 'Bearer', expires_in: 3600, scope: 'identity:read_identity' },
  });
  api: (body: string) => Answer = () => ({ status: 500, body: {} });
  readonly #server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const answer = request.url?.startsWith('/oauth2/') ? this.token(body) : this.api(body);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** A CLI environment pointed at it, with the client secret `SECRET`. */
  io(): FakeIo {
    const { port } = this.#server.address() as AddressInfo;
    return new FakeIo({
      PAXOS_ENV: 'sandbox',
      PAXOS_BASE_URL: `http://127.0.0.1:${port}/v2`,
      PAXOS_TOKEN_URL: `http://127.0.0.1:${port}/oauth2/token`,
      PAXOS_CLIENT_ID: 'client-id',
      PAXOS_CLIENT_SECRET: SECRET,
    });
  }
}

/** Fails naming the value's index (never the value) when `text` holds it as given or digit-wise. */
function expectNone(text: string, values: readonly string[], where: string): void {
  const digits = text.replace(/\D/g, '');
  for (const [index, value] of values.entries()) {
    expect(text.toLowerCase().includes(value.toLowerCase()), `value #${index} in ${where}`).to.equal(false);
    const bare = value.replace(/\D/g, '');
    if (bare.length >= 6) expect(digits.includes(bare), `value #${index} digit-wise in ${where}`).to.equal(false);
  }
}

function personBody(): Record<string, unknown> {
  return { ref_id: 'attack-1', person_details: { ...seedPersonDetails(SSN), date_of_birth: BIRTH_DATE } };
}

function problem(status: number, detail: string): Answer {
  return { status, body: { type: 'about:blank', title: 'refused', status, detail } };
}

describe('CLI under attack: nothing personal or secret reaches stderr, whatever the server or the user does', () => {
  const paxos = new FakePaxos();
  before(() => paxos.start());
  after(() => paxos.close());

  async function create(body: unknown, ...flags: string[]): Promise<{ code: number; io: FakeIo }> {
    const io = paxos.io();
    io.files.set('body.json', JSON.stringify(body));
    return { code: await run(['create', '--file', 'body.json', ...flags], io), io };
  }

  it('a 400 quoting the SSN and the date of birth in other spellings prints neither, --reveal or not', async () => {
    const spellings = [
      '987 65 4321',
      '987.65.4321',
      '987654321',
      '03/09/1975',
      '9/3/75',
      '09.03.1975',
      '19750309',
      'March 9, 1975',
      '9 Mar 1975',
      '1975/03/09',
    ];
    for (const spelling of spellings) {
      paxos.api = () => problem(400, `field refused: ${spelling} is not acceptable`);
      for (const flags of [[], ['--reveal']]) {
        const { code, io } = await create(personBody(), ...flags);
        expect(code, io.err).to.equal(1);
        expect(io.err).to.include('PaxosBadRequestError (400)').and.include('field refused: [REDACTED] is not');
        expectNone(io.err, [SSN, BIRTH_DATE, spelling], `stderr for "${spelling.replace(/\d/g, '#')}"`);
        expect(io.out).to.equal('');
      }
    }
  });

  it("a 400 quoting an EIN or an institution's tax payer id split by spaces prints neither", async () => {
    paxos.api = () => problem(400, 'tin 12 3456789 rejected');
    const { code, io } = await create(personBody());
    expect(code).to.equal(1);
    expect(io.err).to.include('tin [REDACTED] rejected');
    expectNone(io.err, ['12-3456789'], 'stderr');
  });

  it('the client secret never reaches stderr: quoted by the token endpoint, by the API, or on the command line', async () => {
    paxos.token = () => ({ status: 401, body: { error: 'invalid_client', error_description: `bad secret ${SECRET}` } });
    const refused = await create(personBody());
    expect(refused.code).to.equal(1);
    expect(refused.io.err).to.include('PaxosAuthenticationError').and.include('invalid_client');
    expectNone(refused.io.err, [SECRET], 'stderr of a refused token');

    paxos.token = () => ({ status: 500, body: { error: 'server_error', error_description: SECRET } });
    const broken = await create(personBody());
    expect(broken.code).to.equal(1);
    expect(broken.io.err).to.include('PaxosServerError (500)');
    expectNone(broken.io.err, [SECRET], 'stderr of a token endpoint 500');

    paxos.token = new FakePaxos().token;
    paxos.api = () => problem(418, `echo: ${SECRET} and ${SECRET.toUpperCase()}`);
    const echoed = await create(personBody());
    expect(echoed.code).to.equal(1);
    expect(echoed.io.err).to.include('PaxosHttpError (418)').and.include('echo: [REDACTED] and [REDACTED]');
    expectNone(echoed.io.err, [SECRET], 'stderr of an API error quoting the secret');

    const typed = paxos.io();
    expect(await run(['get', 'x', `--secret=${SECRET}`], typed)).to.equal(2);
    expect(typed.err).to.include("unknown option '--secret=[REDACTED]'");
    expectNone(typed.err, [SECRET], 'stderr of a command line holding the secret');
  });

  it('a key that is really a value (a file converted without its header row) is named by its shape, never printed', async () => {
    const body = personBody();
    body['person_details'] = { ...(body['person_details'] as object), '123-45-6789': 'ssn', 'born 1961-07-04': 'dob' };
    body['metadata'] = { '555443333': 7 };
    const { code, io } = await create(body);
    expect(code).to.equal(1);
    expect(io.err).to.include('person_details.###-45-####: is not a field');
    expect(io.err).to.include('person_details."born ####-07-04": is not a field');
    // Metadata entries are named by position, never by key.
    expect(io.err).to.match(/metadata\[0\][^\n]*must be a string/);
    expectNone(io.err, ['123-45-6789', '1961-07-04', '555443333'], 'stderr');

    // The same paths go into import's result files, which the CLI's stderr redaction does not cover.
    const checked = readCreateIdentityRequest(body);
    expect(checked.ok).to.equal(false);
    const paths = checked.ok ? [] : checked.violations.map((v) => v.path);
    expect(paths).to.have.members(['person_details.###-45-####', 'person_details."born ####-07-04"', 'metadata[0]']);
    expectNone(paths.join(' '), ['123-45-6789', '1961-07-04', '555443333'], 'violation paths');
  });

  it('get of an SSN typed as an identity id does not print it back', async () => {
    paxos.api = () => problem(404, 'no such identity');
    const io = paxos.io();
    expect(await run(['get', '222-33-4444'], io)).to.equal(1);
    expect(io.err).to.include('IdentityNotFoundError (404): Identity not found: [REDACTED]');
    expectNone(io.err, ['222-33-4444'], 'stderr');
  });

  it('--reveal prints the values in clear on stdout, and only there', async () => {
    paxos.api = (sent) => {
      const body = JSON.parse(sent) as Record<string, unknown>;
      return {
        status: 200,
        body: { ...body, id: 'c0ffee00-0000-4000-8000-000000000001', type: 'PERSON', summary_status: 'PENDING' },
      };
    };
    const masked = await create(personBody());
    expect(masked.code, masked.io.err).to.equal(0);
    expectNone(masked.io.out + masked.io.err, [SSN, BIRTH_DATE], 'output without --reveal');
    const revealed = await create(personBody(), '--reveal');
    expect(revealed.code, revealed.io.err).to.equal(0);
    const printed = JSON.parse(revealed.io.out) as { person_details: Record<string, unknown> };
    expect(printed.person_details).to.include({ cip_id: SSN, date_of_birth: BIRTH_DATE, first_name: 'John' });
    expect(revealed.io.err).to.equal('');
  });

  it('reads a body saved with a byte order mark, as editors on Windows save it', async () => {
    paxos.api = (sent) => ({
      status: 200,
      body: { ...(JSON.parse(sent) as object), id: 'c0ffee00-0000-4000-8000-000000000002', type: 'PERSON' },
    });
    const io = paxos.io();
    io.files.set('body.json', `\uFEFF${JSON.stringify(personBody())}`);
    expect(await run(['create', '--file', 'body.json'], io), io.err).to.equal(0);
    expect(JSON.parse(io.out)).to.include({ id: 'c0ffee00-0000-4000-8000-000000000002', ref_id: 'attack-1' });
  });

  it('works with an io whose members are methods of a class, as the CliIo interface allows', async () => {
    class MethodIo {
      out = '';
      err = '';
      readonly env = {};
      stdout(text: string): void {
        this.out += text;
      }
      stderr(text: string): void {
        this.err += text;
      }
      readFile(): Promise<string> {
        const body = personBody();
        body['person_details'] = { ...(body['person_details'] as object), '987-65-4321': 'x' };
        return Promise.resolve(JSON.stringify(body));
      }
      untilInterrupted(): Promise<void> {
        return new Promise(() => undefined);
      }
    }
    const io = new MethodIo();
    expect(await run(['create', '--file', 'any.json'], io)).to.equal(1);
    expect(io.err).to.include('person_details.###-65-####: is not a field');
    expect(io.out).to.equal('');
  });

  it('--help and --version win over other flags; an unknown command, flag or format exits 2 naming it', async () => {
    for (const argv of [
      ['--version', 'get', 'x'],
      ['get', '--help', '--reveal'],
      ['create', '--file', 'nowhere.json', '--help'],
      ['help', 'import'],
    ]) {
      const io = new FakeIo();
      expect(await run(argv, io), argv.join(' ')).to.equal(0);
      expect(io.out, argv.join(' ')).to.match(/^(0\.\d+\.\d+|\d+\.\d+\.\d+.*|Usage: paxos-identity)/);
      expect(io.err, argv.join(' ')).to.equal('');
    }
    for (const [argv, said] of [
      [['list'], "unknown command 'list'"],
      [['get', 'x', '--json'], "unknown option '--json'"],
      [['get', 'x', '--format', 'yaml'], "unknown option '--format'"],
      [['create', '--file', 'b.json', '--verbose'], "unknown option '--verbose'"],
      [['import', 'nope'], "too many arguments for 'import'"],
    ] as const) {
      const io = new FakeIo();
      expect(await run(argv, io), argv.join(' ')).to.equal(2);
      expect(io.err, argv.join(' ')).to.include(said);
      expect(io.out).to.equal('');
    }
  });
});

describe('CLI under attack: Ctrl-C during a create that Paxos never answers', function () {
  // The real executable, started from the TypeScript sources.
  this.timeout(120_000);
  let project: CliProject;
  const held: ServerResponse[] = [];
  let posted: () => void = () => undefined;
  const post = new Promise<void>((resolve) => {
    posted = resolve;
  });
  // Issues a token, then holds the create open: the call is in flight, past the credentials, when Ctrl-C comes.
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/oauth2/')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: 't', token_type: 'Bearer', expires_in: 3600, scope: '' }));
      return;
    }
    held.push(response);
    posted();
  });

  before(async () => {
    project = new CliProject();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const response of held) response.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    project.remove();
  });

  it('exits 130 at once and prints nothing on stdout, nor the personal values or the secret on stderr', async () => {
    const { port } = server.address() as AddressInfo;
    const file = project.file('person.json', JSON.stringify(personBody()));
    const cli = project.direct(['create', '--file', file], {
      PAXOS_BASE_URL: `http://127.0.0.1:${port}/v2`,
      PAXOS_TOKEN_URL: `http://127.0.0.1:${port}/oauth2/token`,
      PAXOS_CLIENT_ID: 'client',
      PAXOS_CLIENT_SECRET: SECRET,
    });
    await post;
    cli.signalGroup('SIGINT');
    const ended = await cli.ended;
    expect(shellStatusOf(ended), ended.stderr).to.equal(130);
    expect(ended.stdout).to.equal('');
    expectNone(ended.stderr, [SSN, BIRTH_DATE, SECRET], 'stderr of an interrupted create');
  });
});

describe('Redactor', () => {
  it('hides a value as given, case-insensitively, split by other separators, and a date in its spellings', () => {
    const redactor = new Redactor(['AB-1234567', '1980-01-31']);
    expect(redactor.redact('ab1234567 / ab 123 4567 / AB.1234.567')).to.equal('[REDACTED] / [REDACTED] / [REDACTED]');
    expect(redactor.redact('01/31/1980, 31.1.80, Jan. 31st 1980, 31 January 1980, 1980 Jan 31')).to.equal(
      '[REDACTED], [REDACTED], [REDACTED], [REDACTED], [REDACTED]',
    );
  });

  it('leaves ids whose digits happen to match a loose spelling, and text without values, as they are', () => {
    const redactor = new Redactor(['1980-01-31']);
    const id = 'a19800131b-0000-4000-8000-000000000000';
    expect(redactor.redact(`Identity already exists: ${id}`)).to.equal(`Identity already exists: ${id}`);
    expect(new Redactor([]).redact('retry after 2026-01-01T00:00:00Z (3 attempts)')).to.equal(
      'retry after 2026-01-01T00:00:00Z (3 attempts)',
    );
  });

  it('ignores values too short to find safely, and adds values with `with`', () => {
    const redactor = new Redactor(['abc', '', undefined]).with(['secret-value']);
    expect(redactor.redact('abc secret-value')).to.equal('abc [REDACTED]');
  });
});
