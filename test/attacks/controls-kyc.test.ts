import { expect } from 'chai';
import { IdentityRejectedError, type IdentityService } from '../../src/index.js';
import { aPerson } from '../support/builders.js';
import { rejection, startRig, type Rig } from './support.js';

// Controls Paxos set, control ids as query strings, and the sandbox-only KYC routes against production.
describe('attacks: identity controls and KYC refresh', () => {
  let rig: Rig;
  let service: IdentityService;

  before(async () => {
    rig = await startRig();
    service = rig.service;
  });

  after(async () => {
    await rig.emulator.close();
  });

  const approved = async (): Promise<string> => {
    const id = (await service.createIdentity(aPerson().build())).id;
    await service.waitForStatus(id, ['APPROVED'], { timeoutMs: 5000, pollIntervalMs: 100 });
    return id;
  };

  it('deleting a control Paxos set is an IdentityRejectedError and the control, and its effect, stay', async () => {
    const id = await approved();
    const controlId = rig.emulator.setPaxosControl(id, 'FROZEN', 'COMPLIANCE_INVESTIGATION');
    expect((await service.getIdentity(id)).summaryStatus).to.equal('ERROR');
    const error = await rejection(service.deleteControl(controlId, 'let me trade'));
    expect(error).to.be.instanceOf(IdentityRejectedError);
    const controls = [];
    for await (const c of service.listControls({ identityId: id })) controls.push(c);
    expect(controls.map((c) => c.id)).to.include(controlId);
    expect((await service.getIdentity(id)).summaryStatus).to.equal('ERROR');
  });

  it('a client control deleted beside a Paxos one leaves the identity restricted by the Paxos one', async () => {
    const id = await approved();
    const mine = await service.createControl({ identityId: id, type: 'DORMANT', reasonCode: 'INACTIVITY' });
    rig.emulator.setPaxosControl(id, 'SELL_ONLY', 'COMPLIANCE_KYC');
    await service.deleteControl(mine.id, 'back');
    expect((await service.getIdentity(id)).summaryStatus).to.equal('DISABLED');
  });

  it('a control id that smuggles query parameters is refused before anything is sent', async () => {
    const id = await approved();
    const paxos = rig.emulator.setPaxosControl(id, 'FROZEN', 'COMPLIANCE_INVESTIGATION');
    const before = rig.emulator.requests.length;
    const error = (await rejection(service.deleteControl(`x&control_id=${paxos}`))) as Error;
    expect(error.name).to.equal('IdentityValidationError');
    expect(rig.emulator.requests.length).to.equal(before);
  });

  it('deleting a control twice: the second is IdentityControlNotFoundError', async () => {
    const id = await approved();
    const mine = await service.createControl({ identityId: id, type: 'CLOSED', reasonCode: 'END_USER_REQUEST' });
    await service.deleteControl(mine.id);
    const error = (await rejection(service.deleteControl(mine.id))) as Error;
    expect(error.name).to.equal('IdentityControlNotFoundError');
    expect((await service.getIdentity(id)).summaryStatus).to.equal('APPROVED');
  });

  it('a client cannot create a FROZEN control (only Paxos sets one)', async () => {
    const id = await approved();
    const error = await rejection(
      service.createControl({ identityId: id, type: 'FROZEN' as never, reasonCode: 'COMPLIANCE_INVESTIGATION' }),
    );
    expect(error).to.be.instanceOf(Error);
    expect((await service.getIdentity(id)).summaryStatus).to.equal('APPROVED');
  });

  describe('against production', () => {
    let prod: Rig;

    before(async () => {
      prod = await startRig({}, 'production');
    });

    after(async () => {
      await prod.emulator.close();
    });

    it('startKycRefresh, forceStartKycRefresh, resetKycRefresh and setSandboxStatus send nothing at all', async () => {
      const id = '00000000-0000-4000-8000-000000000001';
      const before = prod.emulator.requests.length;
      const errors = await Promise.all([
        rejection(prod.service.startKycRefresh(id)),
        rejection(prod.service.forceStartKycRefresh(id, 1)),
        rejection(prod.service.resetKycRefresh(id)),
        rejection(prod.service.setSandboxStatus(id, { idVerification: 'APPROVED' } as never)),
      ]);
      expect(errors.map((e) => (e as Error).name)).to.deep.equal([
        'SandboxOnlyError',
        'SandboxOnlyError',
        'SandboxOnlyError',
        'SandboxOnlyError',
      ]);
      expect(prod.emulator.requests.slice(before)).to.deep.equal([]);
    });

    it('a bad expiryDays against production is still not sent (either refusal is fine)', async () => {
      const before = prod.emulator.requests.length;
      await rejection(prod.service.forceStartKycRefresh('00000000-0000-4000-8000-000000000001', 0));
      await rejection(prod.service.forceStartKycRefresh('../../x', 1));
      expect(prod.emulator.requests.slice(before)).to.deep.equal([]);
    });
  });
});
