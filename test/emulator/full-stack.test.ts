import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createIdentityService, IdentityServiceError, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { aPerson } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';

/**
 * The emulator's faults through the whole stack: use case → Paxos adapter (ky, OAuth) → emulator. These assert what
 * the caller of the service sees, and that the emulator saw the traffic the fault implies.
 */
describe('emulator faults through the service and the Paxos adapter', () => {
  let emulator: PaxosEmulator;
  let service: IdentityService;

  function serviceFor(timeoutMs: number): IdentityService {
    return createIdentityService({
      adapter: 'paxos',
      paxos: {
        ...paxosOptionsFor(emulator),
        timeoutMs,
        retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 },
      },
    });
  }

  beforeEach(async () => {
    emulator = await startPaxosEmulator();
    service = serviceFor(5000);
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('a create whose response was lost resolves to the identity the first attempt made', async () => {
    emulator.faults.inject(
      { kind: 'drop', when: 'after-processing' },
      { match: { method: 'POST', path: '/v2/identity/identities' } },
    );
    const command = aPerson().withCommand({ refId: randomUUID() }).build();
    const identity = await service.createIdentity(command);
    expect(identity.refId).to.equal(command.refId);
    const creates = emulator.requests.filter((r) => r.route === '/v2/identity/identities');
    expect(creates[0]).to.include({ fault: 'drop' });
    expect(creates.slice(1).map((r) => r.status)).to.include(409);
    expect((await service.getIdentity(identity.id)).refId).to.equal(command.refId);
  });

  it('a 503 with Retry-After on a get is retried and the caller sees the identity', async () => {
    const created = await service.createIdentity(aPerson().build());
    emulator.faults.inject({ kind: 'status', status: 503, retryAfter: 0 }, { match: { method: 'GET' } });
    const got = await service.getIdentity(created.id);
    expect(got.id).to.equal(created.id);
    expect(emulator.requests.filter((r) => r.method === 'GET').map((r) => r.status)).to.deep.equal([503, 200]);
  });

  it('expired tokens are renewed transparently', async () => {
    const created = await service.createIdentity(aPerson().build());
    emulator.expireTokens();
    emulator.clearRequestLog();
    const got = await service.getIdentity(created.id);
    expect(got.id).to.equal(created.id);
    expect(emulator.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).to.deep.equal([
      'GET /v2/identity/identities/{id} 401',
      'POST /oauth2/token 200',
      'GET /v2/identity/identities/{id} 200',
    ]);
  });

  it("a truncated body becomes one of the library's errors, never a bare SyntaxError", async () => {
    const created = await service.createIdentity(aPerson().build());
    emulator.faults.inject({ kind: 'truncate-body' }, { match: { method: 'GET' }, times: 10 });
    let failure: unknown;
    try {
      await service.getIdentity(created.id);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(IdentityServiceError);
  });

  it("a stalled body ends at the call deadline with one of the library's errors", async () => {
    const created = await service.createIdentity(aPerson().build());
    emulator.faults.inject({ kind: 'stall-body' }, { match: { method: 'GET' }, times: 10 });
    let failure: unknown;
    try {
      await serviceFor(300).getIdentity(created.id);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(IdentityServiceError);
    expect((failure as IdentityServiceError).code).to.equal('paxos_timeout');
  });
});
