import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createIdentityService, PaxosTimeoutError, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type EmulatorFault, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { recordingIds } from './issued-ids.js';

const IDENTITIES = '/v2/identity/identities';

/**
 * One stalled, cut or truncated answer costs one attempt, not the call: each fault below hits the first create
 * once, after the emulator processed it, and the call still resolves with the one identity it made.
 */
describe('per-attempt timeout: a stalled or cut answer is retried, a processed create resolves by replay', function () {
  this.timeout(30_000);
  let emulator: PaxosEmulator;
  let issued: string[];
  let service: IdentityService;

  beforeEach(async () => {
    const ids = recordingIds();
    issued = ids.issued;
    emulator = await startPaxosEmulator({ ids: ids.ids });
    // A deadline long enough that only the attempt timeout can explain a call that resolves after a stall.
    service = createIdentityService({
      adapter: 'paxos',
      paxos: { ...paxosOptionsFor(emulator), timeoutMs: 20_000, attemptTimeoutMs: 150, rateLimit: false },
    });
  });

  afterEach(async () => {
    await emulator.close();
  });

  const cases: readonly [string, EmulatorFault][] = [
    ['headers that never come (processed)', { kind: 'stall-headers' }],
    ['a body that stalls mid-way (processed)', { kind: 'stall-body' }],
    ['a body truncated after processing', { kind: 'truncate-body' }],
    ['a reset after processing', { kind: 'drop', when: 'after-processing' }],
  ];
  for (const [what, fault] of cases) {
    it(`${what}: one identity, returned to its command, by a 409 replay`, async () => {
      emulator.faults.inject(fault, { match: { method: 'POST', path: IDENTITIES } });
      const command = aPerson().withCommand({ refId: randomUUID() }).build();
      const identity = await service.createIdentity(command);

      expect(identity.refId).to.equal(command.refId);
      expect(issued).to.deep.equal([identity.id]);
      const posts = emulator.requests.filter((r) => r.method === 'POST' && r.path === IDENTITIES);
      expect(posts.map((r) => r.fault ?? r.status)).to.deep.equal([fault.kind, 409]);
    });
  }

  it('a GET whose headers stall once is cut and asked again', async () => {
    const created = await service.createIdentity(aPerson().withCommand({ refId: randomUUID() }).build());
    emulator.faults.inject({ kind: 'stall-headers' }, { match: { method: 'GET' } });
    const read = await service.getIdentity(created.id);

    expect(read.id).to.equal(created.id);
    expect(emulator.requests.filter((r) => r.method === 'GET').map((r) => r.fault ?? r.status)).to.deep.equal([
      'stall-headers',
      200,
    ]);
  });

  it('every attempt stalled: PaxosTimeoutError after maxRetries + 1 attempts, naming the attempt budget', async () => {
    const created = await service.createIdentity(aPerson().withCommand({ refId: randomUUID() }).build());
    emulator.faults.inject({ kind: 'stall-body' }, { times: 10, match: { method: 'GET' } });
    const strict = createIdentityService({
      adapter: 'paxos',
      paxos: {
        ...paxosOptionsFor(emulator),
        timeoutMs: 20_000,
        attemptTimeoutMs: 100,
        maxRetries: 2,
        retryBackoff: { initialDelayMs: 1, maxDelayMs: 2 },
        rateLimit: false,
      },
    });
    const error = await strict.getIdentity(created.id).then(
      () => expect.fail('expected a timeout'),
      (e: unknown) => e,
    );

    expect(error).to.be.instanceOf(PaxosTimeoutError);
    expect(error).to.deep.include({ timeoutMs: 100, attempts: 3 });
  });
});
