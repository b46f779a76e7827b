import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import sinon from 'sinon';
import {
  IdentityNotFoundError,
  IdentityValidationError,
  NewIdentity,
  StatusWaitTimeoutError,
  type Identity,
  type IdentityGateway,
} from '../../../src/index.js';
import { InMemoryIdentityGateway } from '../../../src/testing.js';
import { waitForStatus } from '../../../src/application/index.js';
import { aPerson } from '../../support/builders.js';

chai.use(chaiAsPromised);
const { expect } = chai;

/** An identity gateway over the fake that counts reads and can approve the identity after a number of them. */
function countingGateway(
  fake: InMemoryIdentityGateway,
  approveAfterReads = Infinity,
): IdentityGateway & { reads: number } {
  const counting = {
    reads: 0,
    create: fake.create.bind(fake),
    listPage: fake.listPage.bind(fake),
    update: fake.update.bind(fake),
    setSandboxStatus: fake.setSandboxStatus.bind(fake),
    async get(id: string, options?: Parameters<IdentityGateway['get']>[1]): Promise<Identity> {
      counting.reads += 1;
      if (counting.reads === approveAfterReads)
        await fake.setSandboxStatus(id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
      return fake.get(id, options);
    },
  };
  return counting;
}

describe('waitForStatus', () => {
  let clock: sinon.SinonFakeTimers;
  let fake: InMemoryIdentityGateway;
  let id: string;

  beforeEach(async () => {
    fake = new InMemoryIdentityGateway();
    id = (await fake.create(NewIdentity.create(aPerson().build()))).id;
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  it('resolves at once, without a timer left, when the identity already has the status', async () => {
    await fake.setSandboxStatus(id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const identity = await waitForStatus(fake, id, ['APPROVED', 'DENIED'], { timeoutMs: 60_000 });
    expect(identity.summaryStatus).to.equal('APPROVED');
    expect(clock.countTimers()).to.equal(0);
  });

  it('polls at 1 s, then half again as long each time, and resolves with the identity once APPROVED', async () => {
    const gateway = countingGateway(fake, 4);
    const done = waitForStatus(gateway, id, ['APPROVED'], { timeoutMs: 60_000 });
    await clock.tickAsync(0);
    expect(gateway.reads).to.equal(1);
    await clock.tickAsync(999);
    expect(gateway.reads, 'no second read before 1 s').to.equal(1);
    await clock.tickAsync(1);
    expect(gateway.reads).to.equal(2);
    await clock.tickAsync(1500);
    expect(gateway.reads, 'then after 1.5 s').to.equal(3);
    await clock.tickAsync(2249);
    expect(gateway.reads, 'not before 2.25 s').to.equal(3);
    await clock.tickAsync(1);
    const identity = await done;
    expect(gateway.reads).to.equal(4);
    expect(identity.summaryStatus).to.equal('APPROVED');
    expect(clock.countTimers(), 'the deadline timer is cleared').to.equal(0);
  });

  it('never reads more than once a second by default, and caps the delay at maxPollIntervalMs', async () => {
    const gateway = countingGateway(fake);
    const done = waitForStatus(gateway, id, ['APPROVED'], { timeoutMs: 120_000, maxPollIntervalMs: 5_000 });
    const settled = expect(done).to.be.rejectedWith(StatusWaitTimeoutError);
    await clock.tickAsync(120_000);
    await settled;
    // 1 + reads at 1, 2.5, 4.75, 8.125 (then every 5 s: 13.1 … 118.1 → 22 more) = 27; at 1 read/s it would be 120.
    expect(gateway.reads).to.be.within(25, 28);
  });

  it('rejects with StatusWaitTimeoutError naming the last status, and leaves no timer behind', async () => {
    const done = waitForStatus(fake, id, ['APPROVED'], { timeoutMs: 10_000, pollIntervalMs: 1_000 });
    const settled = expect(done)
      .to.be.rejectedWith(StatusWaitTimeoutError)
      .then((error: StatusWaitTimeoutError) => {
        expect(error.code).to.equal('status_wait_timeout');
        expect(error.lastStatus).to.equal('PENDING');
        expect(error.expected).to.deep.equal(['APPROVED']);
        expect(error.identityId).to.equal(id);
      });
    await clock.tickAsync(10_000);
    await settled;
    expect(clock.countTimers()).to.equal(0);
  });

  it("rejects with the reason of the caller's signal, and leaves no timer behind", async () => {
    const controller = new AbortController();
    const done = waitForStatus(fake, id, ['APPROVED'], { timeoutMs: 60_000, signal: controller.signal });
    const settled = expect(done).to.be.rejectedWith('stop waiting');
    await clock.tickAsync(2_000);
    controller.abort(new Error('stop waiting'));
    await settled;
    expect(clock.countTimers()).to.equal(0);
  });

  it('rejects at once for an already aborted signal, without a read', async () => {
    const gateway = countingGateway(fake);
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(
      waitForStatus(gateway, id, ['APPROVED'], { timeoutMs: 1_000, signal: controller.signal }),
    ).to.be.rejectedWith('already');
    expect(gateway.reads).to.equal(0);
    expect(clock.countTimers()).to.equal(0);
  });

  it("passes on the read's own error (an unknown identity) and clears its timers", async () => {
    await expect(waitForStatus(fake, 'no-such-identity', ['APPROVED'], { timeoutMs: 1_000 })).to.be.rejectedWith(
      IdentityNotFoundError,
    );
    expect(clock.countTimers()).to.equal(0);
  });

  it('refuses a poll interval under 100 ms, a missing timeout and an empty status list', async () => {
    await expect(waitForStatus(fake, id, ['APPROVED'], { timeoutMs: 1_000, pollIntervalMs: 10 })).to.be.rejectedWith(
      IdentityValidationError,
      /pollIntervalMs/,
    );
    await expect(waitForStatus(fake, id, ['APPROVED'], {} as never)).to.be.rejectedWith(
      IdentityValidationError,
      /timeoutMs/,
    );
    await expect(waitForStatus(fake, id, [], { timeoutMs: 1_000 })).to.be.rejectedWith(
      IdentityValidationError,
      /statuses/,
    );
  });
});
