import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from '../support/redis.js';
import { FleetProcess } from './tokens-and-webhooks-processes.js';

const FLEET_SIZE = 5;

describeWithRedis('a fleet sharing a RedisTokenCache', function () {
  this.timeout(60_000);
  let emulator: PaxosEmulator;
  let fleet: FleetProcess[] = [];

  before(async () => {
    emulator = await startPaxosEmulator();
  });
  after(async () => {
    await Promise.all(fleet.map((child) => child.stop()));
    await emulator.close();
  });

  it('sends exactly one token request for 5 cold processes that need a token at once', async () => {
    const env = {
      REDIS_URL,
      EMULATOR_PAXOS: JSON.stringify(paxosOptionsFor(emulator)),
      FLEET_NAMESPACE: uniqueNamespace(),
      FLEET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    fleet = Array.from({ length: FLEET_SIZE }, () => new FleetProcess('./tokens-child.ts', env));
    expect(await Promise.all(fleet.map((child) => child.next()))).to.deep.equal(
      Array.from({ length: FLEET_SIZE }, () => ({ ready: true })),
    );
    for (const child of fleet) child.send('go');
    const outcomes = await Promise.all(fleet.map((child) => child.next<{ outcome: string }>()));
    expect(outcomes.map((o) => o.outcome)).to.deep.equal(Array.from({ length: FLEET_SIZE }, () => 'not_found'));
    const tokenRequests = emulator.requests.filter((request) => request.path === '/oauth2/token');
    expect(tokenRequests, 'token requests of the whole fleet').to.have.length(1);
    const identityRequests = emulator.requests.filter((request) => request.path.startsWith('/v2/identity'));
    expect(identityRequests).to.have.length(FLEET_SIZE);
    expect(identityRequests.every((request) => request.status === 404)).to.equal(true, 'every call had a valid token');
  });
});
