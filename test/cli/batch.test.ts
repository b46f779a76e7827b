import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { run } from '../../src/cli/program.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { uniqueSsn } from '../support/builders.js';
import { IDENTITIES_ROUTE } from '../support/paxos.js';
import { describeWithRedis, REDIS_URL, removeBatch, uniqueNamespace } from '../support/redis.js';
import { seedBody } from '../emulator/support.js';
import { FakeIo } from './support.js';

/** A FakeIo whose written files land in its files. */
class BatchIo extends FakeIo {
  readonly writeFile = (path: string, text: string): Promise<void> => {
    this.files.set(path, text);
    return Promise.resolve();
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed NDJSON result line, read field by field in assertions
type ResultLine = Record<string, any>;

describeWithRedis('CLI: paxos-identity import enqueue | work | status (a batch on Redis)', function () {
  this.timeout(30_000);
  let emulator: PaxosEmulator;
  let namespace: string;
  let key: string;
  let connection: Redis;
  const batch = 'cli-batch';

  beforeEach(async () => {
    emulator = await startPaxosEmulator();
    namespace = uniqueNamespace();
    key = randomBytes(32).toString('base64');
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });

  afterEach(async () => {
    await removeBatch(connection, namespace, batch);
    await connection.quit();
    await emulator.close();
  });

  function io(env: Record<string, string> = {}): BatchIo {
    return new BatchIo({
      PAXOS_ENV: 'sandbox',
      PAXOS_BASE_URL: emulator.baseUrl,
      PAXOS_TOKEN_URL: emulator.tokenUrl,
      PAXOS_CLIENT_ID: emulator.clientId,
      PAXOS_CLIENT_SECRET: emulator.clientSecret,
      PAXOS_IDENTITY_BATCH_KEY: key,
      ...env,
    });
  }

  const where = (): string[] => ['--redis', REDIS_URL, '--batch', batch, '--namespace', namespace];

  it('enqueues a file once, works it to the end, and writes every result', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) =>
      seedBody({ ssn: uniqueSsn(), refId: `cli-${String(i)}-${randomBytes(4).toString('hex')}` }),
    );
    const noRef = seedBody({ ssn: uniqueSsn() });
    delete noRef['ref_id'];
    const file = [...bodies.slice(0, 4), noRef, ...bodies.slice(4)].map((b) => JSON.stringify(b)).join('\n');
    const text = `${file}\n{not json\n`;

    const first = io();
    first.files.set('people.ndjson', text);
    expect(await run(['import', 'enqueue', 'people.ndjson', ...where()], first)).to.equal(1);
    expect(first.out).to.equal('enqueue: 10 lines, 8 added, 0 already there, 2 invalid\n');
    const again = io();
    again.files.set('people.ndjson', text);
    expect(await run(['import', 'enqueue', 'people.ndjson', ...where()], again)).to.equal(1);
    expect(again.out).to.equal('enqueue: 10 lines, 0 added, 8 already there, 2 invalid\n');

    const worker = io();
    const code = await run(
      ['import', 'work', ...where(), '--concurrency', '3', '--exit-when-empty', '--progress-interval', '100'],
      worker,
    );
    expect(code, worker.err).to.equal(0);
    expect(worker.out).to.equal(
      'work: 8 created, 0 invalid, 0 failed here; batch total 10, waiting 0, active 0, done 10 (8 created, 2 invalid, 0 failed)\n',
    );

    // status needs no key: results hold no personal data. The Redis URL may come from the environment.
    const reader = new BatchIo({ PAXOS_IDENTITY_REDIS_URL: REDIS_URL });
    const located = ['--batch', batch, '--namespace', namespace];
    expect(await run(['import', 'status', ...located, '--out', 'results.ndjson'], reader)).to.equal(0);
    expect(reader.out).to.equal(
      'status: total 10, waiting 0, active 0, done 10 (8 created, 2 invalid, 0 failed)\n' +
        'status: 10 results written to results.ndjson\n',
    );
    const lines = (reader.files.get('results.ndjson') ?? '')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ResultLine);
    expect(lines.map((l) => l['line'])).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lines[4]).to.deep.equal({
      line: 5,
      status: 'invalid',
      error: 'identity_invalid',
      violations: [{ path: 'ref_id', code: 'required' }],
    });
    expect(lines[9]).to.deep.include({ line: 10, status: 'invalid', error: 'identity_invalid' });
    const created = lines.filter((l) => l['status'] === 'created');
    expect(created.map((l) => l['ref_id'])).to.deep.equal(bodies.map((b) => b['ref_id']));
    expect(new Set(created.map((l) => l['identity_id'])).size).to.equal(8);
    const creates = emulator.requests.filter((r) => r.method === 'POST' && r.route === IDENTITIES_ROUTE);
    expect(creates.map((r) => r.status)).to.deep.equal(Array.from({ length: 8 }, () => 200));
  });

  it('reads the key from PAXOS_IDENTITY_BATCH_KEY only, and refuses another key without sending anything', async () => {
    const body = seedBody({ ssn: uniqueSsn(), refId: `cli-key-${randomBytes(4).toString('hex')}` });
    const missing = io({ PAXOS_IDENTITY_BATCH_KEY: '' });
    missing.files.set('one.ndjson', JSON.stringify(body));
    expect(await run(['import', 'enqueue', 'one.ndjson', ...where()], missing)).to.equal(2);
    expect(missing.err).to.equal("error: PAXOS_IDENTITY_BATCH_KEY must hold the batch's key (base64 of 32 bytes)\n");

    const ok = io();
    ok.files.set('one.ndjson', JSON.stringify(body));
    expect(await run(['import', 'enqueue', 'one.ndjson', ...where()], ok)).to.equal(0);

    const wrong = io({ PAXOS_IDENTITY_BATCH_KEY: randomBytes(32).toString('base64') });
    expect(await run(['import', 'work', ...where(), '--exit-when-empty'], wrong)).to.equal(2);
    expect(wrong.err).to.include('error: PAXOS_IDENTITY_BATCH_KEY is not the key this batch was enqueued with');
    expect(wrong.err).not.to.include(key);
    expect(emulator.requests.filter((r) => r.method === 'POST')).to.deep.equal([]);

    const flag = io();
    expect(await run(['import', 'work', ...where(), '--key', key], flag)).to.equal(2);
    expect(flag.err).to.include("unknown option '--key'");
  });

  it('keeps the single-process import --file beside the batch commands', async () => {
    const single = io();
    single.files.set('one.ndjson', JSON.stringify(seedBody({ ssn: uniqueSsn() })));
    expect(await run(['import', '--file', 'one.ndjson', '--concurrency', '1', '--rate', '50'], single)).to.equal(0);
    expect(single.out).to.include('import: 1 created, 0 replayed, 0 invalid, 0 failed');
  });
});
