import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  createIdentityService,
  IdentityAlreadyExistsError,
  PaxosResponseError,
  type Clock,
  type IdentityService,
} from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { recordingIds } from './issued-ids.js';

class ManualClock implements Clock {
  #now = Date.now();
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

const CREATE = '/v2/identity/identities';

describe('exactly-once creates, one fault at a time, through the service and the emulator', function () {
  this.timeout(20_000);
  let emulator: PaxosEmulator;
  let service: IdentityService;
  let issued: string[];
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    const ids = recordingIds();
    issued = ids.issued;
    emulator = await startPaxosEmulator({ ids: ids.ids });
    service = createIdentityService({
      adapter: 'paxos',
      clock,
      paxos: {
        ...paxosOptionsFor(emulator),
        timeoutMs: 10_000,
        maxRetries: 3,
        retryBackoff: { initialDelayMs: 1, maxDelayMs: 4 },
        rateLimit: false,
      },
    });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('a command without refId gets one, and every retry after a lost response reuses it: one identity', async () => {
    emulator.faults.inject({ kind: 'drop', when: 'after-processing' }, { match: { method: 'POST', path: CREATE } });
    emulator.faults.inject({ kind: 'status', status: 503 }, { match: { method: 'POST', path: CREATE } });
    const command = aPerson().build();
    expect(command.refId).to.equal(undefined);
    const identity = await service.createIdentity({ ...command, refId: undefined });
    expect(issued).to.deep.equal([identity.id]);
    expect(emulator.requests.filter((r) => r.route === CREATE).map((r) => r.status ?? r.fault)).to.deep.equal([
      'drop',
      503,
      409,
    ]);
  });

  it('a truncated answer, then a 409 duplicate ref_id, resolves in the same call to the identity it made', async () => {
    emulator.faults.inject({ kind: 'truncate-body' }, { match: { method: 'POST', path: CREATE } });
    const command = aPerson().withCommand({ refId: randomUUID() }).build();
    const identity = await service.createIdentity(command);
    expect(issued).to.deep.equal([identity.id]);
    expect(identity.refId).to.equal(command.refId);
    expect(emulator.requests.filter((r) => r.route === CREATE).map((r) => r.fault ?? r.status)).to.deep.equal([
      'truncate-body',
      409,
    ]);
  });

  it('every create attempt truncated: a typed error; the same command sent again resolves to the one identity', async () => {
    emulator.faults.inject({ kind: 'truncate-body' }, { times: 10, match: { method: 'POST', path: CREATE } });
    const command = aPerson().withCommand({ refId: randomUUID() }).build();
    const first = await service.createIdentity(command).catch((error: unknown) => error);
    expect(first).to.be.instanceOf(PaxosResponseError);
    emulator.faults.clear();
    const again = await service.createIdentity(command);
    expect(issued).to.deep.equal([again.id]);
    expect(again.refId).to.equal(command.refId);
  });

  it('a CIP conflict is never mistaken for a replay: another refId with the same SSN is refused', async () => {
    const command = aPerson().withCommand({ refId: randomUUID() }).build();
    const first = await service.createIdentity(command);
    const error = await service.createIdentity({ ...command, refId: randomUUID() }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
    expect((error as IdentityAlreadyExistsError).conflict).to.equal('cip_id');
    expect((error as IdentityAlreadyExistsError).existingId).to.equal(first.id);
    expect(issued).to.deep.equal([first.id]);
  });

  it('the same refId for a different person is refused, not resolved to the first person', async () => {
    const refId = randomUUID();
    const first = await service.createIdentity(aPerson().withCommand({ refId }).build());
    emulator.faults.inject({ kind: 'drop', when: 'before-processing' }, { match: { method: 'POST', path: CREATE } });
    const error = await service.createIdentity(aPerson().withCommand({ refId }).build()).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
    expect((error as IdentityAlreadyExistsError).conflict).to.equal('ref_id');
    expect(issued).to.deep.equal([first.id]);
  });

  it('100 concurrent calls when the cached token has expired: one token request', async () => {
    await service.createIdentity(aPerson().build());
    clock.advance(3600 * 1000);
    emulator.clearRequestLog();
    const results = await Promise.all(Array.from({ length: 100 }, () => service.createIdentity(aPerson().build())));
    expect(new Set(results.map((r) => r.id)).size).to.equal(100);
    expect(emulator.requests.filter((r) => r.path === '/oauth2/token')).to.have.length(1);
  });

  it('100 concurrent calls whose token Paxos revoked (401 each): one token request', async () => {
    await service.createIdentity(aPerson().build());
    emulator.expireTokens();
    emulator.clearRequestLog();
    const results = await Promise.all(Array.from({ length: 100 }, () => service.createIdentity(aPerson().build())));
    expect(new Set(results.map((r) => r.id)).size).to.equal(100);
    expect(emulator.requests.filter((r) => r.path === '/oauth2/token')).to.have.length(1);
    expect(emulator.requests.filter((r) => r.status === 401).length).to.be.greaterThan(0);
  });
});
