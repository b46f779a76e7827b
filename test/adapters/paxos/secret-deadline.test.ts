import { expect } from 'chai';
import { PaxosAuthenticationError, PaxosTimeoutError } from '../../../src/index.js';
import { PaxosIdentityGateway } from '../../../src/gateways.js';
import { CANARY_SECRET, pause, rejectionOf, settle, useScriptedPaxos } from './support.js';

/** A vault that hangs on the calls listed (1-based) and answers the others; it counts every call. */
function vault(hangOn: ReadonlySet<number>) {
  const state = { calls: 0 };
  const read = (): Promise<string> => {
    state.calls += 1;
    return hangOn.has(state.calls) ? new Promise<string>(() => undefined) : Promise.resolve(CANARY_SECRET);
  };
  return { state, read };
}

describe('the clientSecret function under the deadline', () => {
  const bench = useScriptedPaxos();
  const { options } = bench;

  it('a secret that hangs once fails that call with a typed error; the next call asks the vault again', async () => {
    const { state, read } = vault(new Set([1]));
    const gateway = new PaxosIdentityGateway(options({ clientSecret: read, secretTimeoutMs: 50 }));

    const error = await rejectionOf(gateway.get('abc-1'));
    expect(error).to.be.instanceOf(PaxosAuthenticationError);
    expect((error as Error).message).to.include('clientSecret function did not settle within 50 ms');
    expect(bench.paxos.tokenRequests).to.have.length(0);

    expect((await gateway.get('abc-1')).id).to.equal('abc-1');
    expect(state.calls).to.equal(2);
    expect(bench.paxos.tokenRequests).to.have.length(1);
  });

  it('a secret slower than the deadline: PaxosTimeoutError by the deadline, and the next call asks again', async () => {
    const { state, read } = vault(new Set([1]));
    const gateway = new PaxosIdentityGateway(options({ clientSecret: read, timeoutMs: 100, secretTimeoutMs: 60_000 }));

    expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosTimeoutError);
    // The token request's own deadline ends it as the caller's does; a call that starts after that asks anew.
    await pause(50);
    expect((await gateway.get('abc-1')).id).to.equal('abc-1');
    expect(state.calls).to.equal(2);
  });

  it('every waiter of the hung token request is released with a typed error; then one new request serves all', async () => {
    const { state, read } = vault(new Set([1]));
    const gateway = new PaxosIdentityGateway(options({ clientSecret: read, secretTimeoutMs: 80 }));

    const first = await Promise.all(Array.from({ length: 12 }, () => settle(gateway.get('abc-1'))));
    for (const { error } of first) expect(error).to.be.instanceOf(PaxosAuthenticationError);
    expect(state.calls, 'one token request in flight for all twelve').to.equal(1);

    const second = await Promise.all(Array.from({ length: 12 }, () => settle(gateway.get('abc-1'))));
    for (const { error } of second) expect(error).to.equal(undefined);
    expect(state.calls).to.equal(2);
    expect(bench.paxos.tokenRequests).to.have.length(1);
  });

  it('a secret function that throws synchronously or rejects: PaxosAuthenticationError, asked again next time', async () => {
    let calls = 0;
    const read = (): Promise<string> => {
      calls += 1;
      if (calls === 1) throw new Error(`vault down, token ${CANARY_SECRET}`);
      if (calls === 2) return Promise.reject(new Error(`vault said ${CANARY_SECRET}`));
      return Promise.resolve(CANARY_SECRET);
    };
    const gateway = new PaxosIdentityGateway(options({ clientSecret: read }));

    expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosAuthenticationError);
    expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosAuthenticationError);
    expect((await gateway.get('abc-1')).id).to.equal('abc-1');
    expect(calls).to.equal(3);
  });
});
