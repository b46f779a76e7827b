import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { PaxosIdentityGateway } from '../../../src/gateways.js';
import { settle, useScriptedPaxos } from './support.js';

const GET = 'GET /v2/identity/identities/{id}';

describe("a caller's AbortSignal shared by many concurrent calls", () => {
  const bench = useScriptedPaxos();
  const { options } = bench;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  /** Lets process.emitWarning (which emits on a later tick) deliver what it has. */
  const warningsDelivered = () => new Promise((resolve) => setImmediate(resolve));

  it('100 calls on one signal: no MaxListenersExceededWarning, and the signal keeps no listener after', async () => {
    const controller = new AbortController();
    const gateway = new PaxosIdentityGateway(options());
    await gateway.get('abc-1');
    const results = await Promise.all(
      Array.from({ length: 100 }, () => settle(gateway.get('abc-1', { signal: controller.signal }))),
    );
    await warningsDelivered();

    for (const { error } of results) expect(error).to.equal(undefined);
    expect(warnings.map((w) => w.name)).not.to.include('MaxListenersExceededWarning');
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('aborting the shared signal still stops every call in flight with its reason', async () => {
    const controller = new AbortController();
    const gateway = new PaxosIdentityGateway(options({ timeoutMs: 20_000, attemptTimeoutMs: 20_000 }));
    await gateway.get('abc-1');
    let arrived = 0;
    const allArrived = new Promise<void>((resolve) => {
      bench.paxos.otherwise(GET, () => {
        // Never answered: only the caller's abort can end these calls.
        arrived += 1;
        if (arrived === 30) resolve();
      });
    });
    const calls = Array.from({ length: 30 }, () => settle(gateway.get('abc-1', { signal: controller.signal })));
    await allArrived;
    const reason = new Error('caller gave up');
    controller.abort(reason);
    const results = await Promise.all(calls);
    await warningsDelivered();

    for (const { error } of results) expect(error).to.equal(reason);
    expect(warnings.map((w) => w.name)).not.to.include('MaxListenersExceededWarning');
  });
});
