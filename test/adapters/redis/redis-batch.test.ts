import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  createIdentityService,
  IdentityValidationError,
  PaxosBadRequestError,
  PaxosRateLimitError,
  PaxosServerError,
  type CreateIdentityCommand,
  type Identity,
} from '../../../src/index.js';
import {
  BatchConfigurationError,
  BatchEncryptionKeyError,
  redisBatch,
  type BatchIdentityCreator,
  type BatchResult,
  type RedisBatch,
} from '../../../src/redis.js';
import { aPerson } from '../../support/builders.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from '../../support/redis.js';
import { contentsUnder, dateOfBirth, keysHolding, secretsOf } from './redis-contents.js';

/** Short locks and retries, so that the suite runs in seconds. */
const FAST = {
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  retry: { initialDelayMs: 20, maxDelayMs: 50 },
} as const;

function people(n: number, from = 0): CreateIdentityCommand[] {
  return Array.from({ length: n }, (_, i) =>
    aPerson()
      .with({ dateOfBirth: dateOfBirth(from + i) })
      .withCommand({ refId: `batch-test-${String(from + i)}-${randomBytes(4).toString('hex')}` })
      .build(),
  );
}

/** A service stand-in that answers each refId's calls from a script, and remembers when each call came. */
class ScriptedCreator implements BatchIdentityCreator {
  readonly calls = new Map<string, number[]>();

  constructor(private readonly script: (refId: string, call: number) => Error | undefined) {}

  createIdentity(command: CreateIdentityCommand): Promise<Identity> {
    const refId = command.refId ?? '';
    const times = this.calls.get(refId) ?? [];
    times.push(Date.now());
    this.calls.set(refId, times);
    const error = this.script(refId, times.length);
    if (error !== undefined) return Promise.reject(error);
    return Promise.resolve({ id: `id-of-${refId}`, refId } as unknown as Identity);
  }
}

async function collect(batch: RedisBatch): Promise<BatchResult[]> {
  const out: BatchResult[] = [];
  for await (const result of batch.results()) out.push(result);
  return out.sort((a, b) => a.line - b.line);
}

describeWithRedis('redisBatch (BullMQ on a real Redis)', function () {
  this.timeout(30_000);
  let connection: Redis;
  let namespace: string;
  let key: Buffer;
  let batches: RedisBatch[];

  function batchOf(options: { name?: string; encryptionKey?: Buffer | string | null; client?: Redis } = {}) {
    const encryptionKey = options.encryptionKey === undefined ? key : (options.encryptionKey ?? undefined);
    const batch = redisBatch({
      connection: options.client ?? connection,
      namespace,
      name: options.name ?? 'people',
      ...(encryptionKey !== undefined && { encryptionKey }),
    });
    batches.push(batch);
    return batch;
  }

  beforeEach(() => {
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    namespace = uniqueNamespace();
    key = randomBytes(32);
    batches = [];
  });

  afterEach(async () => {
    for (const batch of batches) await batch.close();
    const cleaner = redisBatch({ connection, namespace, name: 'people' });
    await cleaner.obliterate();
    await cleaner.close();
    const left = await contentsUnder(connection, `${namespace}:`);
    await connection.quit();
    expect([...left.keys()], 'obliterate left no key of the namespace').to.deep.equal([]);
  });

  it('enqueues each line once: the same lines again add nothing, and a worker creates each once', async () => {
    const commands = people(25);
    const batch = batchOf();
    const first = await batch.enqueue(commands, { chunkSize: 10 });
    const second = await batch.enqueue(commands, { chunkSize: 7 });
    expect(first).to.deep.equal({ lines: 25, added: 25, alreadyThere: 0, invalid: 0 });
    expect(second).to.deep.equal({ lines: 25, added: 0, alreadyThere: 25, invalid: 0 });
    expect(await batch.status()).to.deep.include({ total: 25, waiting: 25, active: 0, done: 0 });

    const service = createIdentityService({ adapter: 'in-memory' });
    const worker = await batch.work(service, { ...FAST, concurrency: 5 });
    const status = await worker.untilEmpty({ pollMs: 50 });
    await worker.close();
    expect(status).to.deep.equal({
      total: 25,
      waiting: 0,
      active: 0,
      done: 25,
      succeeded: 25,
      failed: 0,
      invalid: 0,
    });
    const results = await collect(batch);
    expect(results.map((r) => r.refId)).to.deep.equal(commands.map((c) => c.refId));
    const ids = results.map((r) => (r.ok ? r.identityId : r.code));
    expect(new Set(ids).size).to.equal(25);
    for (const [i, r] of results.entries()) {
      expect(r.ok).to.equal(true);
      if (r.ok) expect((await service.getIdentity(r.identityId)).refId).to.equal(commands[i]?.refId);
    }

    const third = await batch.enqueue(commands);
    expect(third.added, 'finished lines are kept, so they still dedupe').to.equal(0);
  });

  it('records a line without refId, an invalid command and an unreadable line as invalid, and never sends them', async () => {
    const [good, other] = people(2);
    const noRefId = aPerson().build();
    const invalid = aPerson()
      .with({ dateOfBirth: '2023-02-30' })
      .withCommand({ refId: `bad-${randomBytes(4).toString('hex')}` })
      .build();
    const batch = batchOf();
    const report = await batch.enqueue([
      { line: 1, command: good! },
      { line: 2, command: noRefId },
      { line: 3, command: invalid },
      {
        line: 4,
        refId: 'not-json',
        violations: [{ path: 'body', code: 'format', message: 'body: is not valid JSON' }],
      },
      { line: 5, command: other! },
    ]);
    expect(report).to.deep.equal({ lines: 5, added: 2, alreadyThere: 0, invalid: 3 });
    const creator = new ScriptedCreator(() => undefined);
    const worker = await batch.work(creator, FAST);
    const status = await worker.untilEmpty({ pollMs: 50 });
    expect(status).to.deep.equal({ total: 5, waiting: 0, active: 0, done: 5, succeeded: 2, failed: 3, invalid: 3 });
    expect([...creator.calls.keys()].sort()).to.deep.equal([good!.refId, other!.refId].sort());
    const results = await collect(batch);
    expect(results[1]).to.deep.equal({
      line: 2,
      refId: undefined,
      ok: false,
      code: 'identity_invalid',
      violations: [{ path: 'refId', code: 'required' }],
    });
    expect(results[2]).to.deep.include({ line: 3, refId: invalid.refId, ok: false, code: 'identity_invalid' });
    expect(results[2]?.ok === false && results[2].violations).to.deep.equal([
      { path: 'person.dateOfBirth', code: 'format' },
    ]);
    expect(results[3]).to.deep.equal({
      line: 4,
      refId: 'not-json',
      ok: false,
      code: 'identity_invalid',
      violations: [{ path: 'body', code: 'format' }],
    });
  });

  it('finishes a permanent failure at once, and retries transient ones without spending the line', async () => {
    const [invalid, refused, flaky, cooling, hopeless] = people(5);
    const coolUntil = Date.now() + 600;
    const creator = new ScriptedCreator((refId, call) => {
      if (refId === invalid!.refId)
        return new IdentityValidationError([{ path: 'person.lastName', code: 'required', message: 'x' }]);
      if (refId === refused!.refId) return new PaxosBadRequestError('no', { status: 400 });
      if (refId === flaky!.refId && call <= 2) return new PaxosServerError(503);
      if (refId === cooling!.refId && call === 1)
        return new PaxosRateLimitError({ reason: 'cooling_down', retryAt: new Date(coolUntil) });
      if (refId === hopeless!.refId) return new PaxosServerError(502);
      return undefined;
    });
    const batch = batchOf();
    await batch.enqueue([invalid!, refused!, flaky!, cooling!, hopeless!]);
    const worker = await batch.work(creator, { ...FAST, concurrency: 5, retry: { ...FAST.retry, maxAttempts: 3 } });
    const status = await worker.untilEmpty({ pollMs: 50 });
    expect(status).to.deep.include({ total: 5, done: 5, succeeded: 2, failed: 3 });
    const byRef = new Map((await collect(batch)).map((r) => [r.refId, r]));

    expect(creator.calls.get(invalid!.refId!), 'identity_invalid: one call').to.have.length(1);
    expect(byRef.get(invalid!.refId)).to.deep.include({ ok: false, code: 'identity_invalid' });
    expect(creator.calls.get(refused!.refId!), '400: one call').to.have.length(1);
    expect(byRef.get(refused!.refId)).to.deep.include({ ok: false, code: 'paxos_bad_request', status: 400 });

    expect(creator.calls.get(flaky!.refId!), '503 twice, then created').to.have.length(3);
    expect(byRef.get(flaky!.refId)).to.deep.include({ ok: true, identityId: `id-of-${flaky!.refId!}` });

    const coolingCalls = creator.calls.get(cooling!.refId!) ?? [];
    expect(coolingCalls).to.have.length(2);
    expect(coolingCalls[1], 'run again only once the cool-down is over').to.be.at.least(coolUntil);
    expect(byRef.get(cooling!.refId)).to.deep.include({ ok: true });

    expect(creator.calls.get(hopeless!.refId!), 'maxAttempts calls, then failed').to.have.length(3);
    expect(byRef.get(hopeless!.refId)).to.deep.include({ ok: false, code: 'paxos_server_error', status: 502 });
    await worker.close();
  });

  it('reads status and results from a second batch object without the key, on another connection', async () => {
    const commands = people(6);
    const batch = batchOf();
    await batch.enqueue(commands);
    const creator = new ScriptedCreator((refId) =>
      refId === commands[2]?.refId ? new PaxosBadRequestError('no', { status: 400 }) : undefined,
    );
    const worker = await batch.work(creator, FAST);
    await worker.untilEmpty({ pollMs: 50 });
    await worker.close();

    const reader = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const elsewhere = batchOf({ encryptionKey: null, client: reader });
      expect(await elsewhere.status()).to.deep.equal({
        total: 6,
        waiting: 0,
        active: 0,
        done: 6,
        succeeded: 5,
        failed: 1,
        invalid: 0,
      });
      const results = await collect(elsewhere);
      expect(results).to.have.length(6);
      expect(results.filter((r) => !r.ok).map((r) => r.refId)).to.deep.equal([commands[2]?.refId]);
      await elsewhere.close();
    } finally {
      await reader.quit();
    }
  });

  it('stores no SSN nor date of birth readable in Redis, and refuses another key with a typed error', async () => {
    const commands = people(20, 100);
    const batch = batchOf();
    await batch.enqueue(commands);
    const worker = await batch.work(new ScriptedCreator(() => undefined), FAST);
    await worker.untilEmpty({ pollMs: 50 });
    await worker.close();
    await batch.enqueue(commands.slice(0, 5));

    const contents = await contentsUnder(connection, `${namespace}:`);
    expect(contents.size, 'the batch wrote keys').to.be.greaterThan(5);
    const secrets = commands.flatMap((c) => secretsOf(c.person!));
    expect(keysHolding(contents, secrets)).to.deep.equal([]);
    // The check above can fail: the same scan finds what is stored in clear.
    expect(keysHolding(contents, [commands[0]!.refId!]).length).to.be.greaterThan(0);

    const wrong = batchOf({ encryptionKey: randomBytes(32) });
    const enqueueError = await wrong.enqueue(people(1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(enqueueError).to.be.instanceOf(BatchEncryptionKeyError);
    expect(enqueueError).to.include({ code: 'batch_encryption_key', field: 'encryptionKey' });
    const workError = await wrong.work(new ScriptedCreator(() => undefined), FAST).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(workError).to.be.instanceOf(BatchEncryptionKeyError);
    expect((await batch.status()).total, 'the wrong key added nothing').to.equal(20);

    const keyless = batchOf({ encryptionKey: null });
    const missing = await keyless.enqueue(people(1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(missing).to.be.instanceOf(BatchConfigurationError);
    expect(missing).to.include({ field: 'encryptionKey' });
  });

  it('finishes a line whose stored command was tampered with as unreadable, without sending it', async () => {
    const [command] = people(1);
    const batch = batchOf();
    await batch.enqueue([command!]);
    const [jobKey] = [...(await contentsUnder(connection, batch.keyPrefix)).keys()].filter((k) =>
      /:r-[0-9a-f]{40}$/.test(k),
    );
    const data = JSON.parse((await connection.hget(jobKey!, 'data'))!) as { sealed: string };
    const bytes = Buffer.from(data.sealed, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await connection.hset(jobKey!, 'data', JSON.stringify({ ...data, sealed: bytes.toString('base64') }));
    const creator = new ScriptedCreator(() => undefined);
    const worker = await batch.work(creator, FAST);
    await worker.untilEmpty({ pollMs: 50 });
    await worker.close();
    expect(creator.calls.size).to.equal(0);
    expect(await collect(batch)).to.deep.equal([
      { line: 1, refId: command!.refId, ok: false, code: 'batch_payload_unreadable' },
    ]);
  });

  it('names the field of a wrong option', async () => {
    expect(() => batchOf({ name: 'has:colon' }))
      .to.throw(BatchConfigurationError)
      .with.property('field', 'name');
    expect(() => batchOf({ encryptionKey: 'not a key' }))
      .to.throw(BatchConfigurationError)
      .with.property('field', 'encryptionKey');
    const plain = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const error = await batchOf({ client: plain })
        .work(new ScriptedCreator(() => undefined))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(BatchConfigurationError);
      expect(error).to.include({ field: 'connection' });
      const concurrency = await batchOf()
        .work(new ScriptedCreator(() => undefined), { concurrency: 0 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(concurrency).to.include({ field: 'concurrency' });
    } finally {
      await plain.quit();
    }
  });
});
