import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import {
  createIdentityService,
  IdentityControlNotFoundError,
  IdentityValidationError,
  SandboxOnlyError,
  type IdentityControl,
  type PaxosEvent,
} from '../../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../../src/testing.js';
import { aPerson } from '../../support/builders.js';
import { collect } from '../../support/services.js';
import { paxosOptionsFor } from '../../support/paxos.js';

chai.use(chaiAsPromised);
const { expect } = chai;

describe('IdentityService: identity controls and KYC refresh', () => {
  it('§4.12 createControl, listControls and deleteControl move an approved identity to DISABLED and back (in-memory)', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const john = await service.createIdentity(aPerson().build());
    await service.setSandboxStatus(john.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const control = await service.createControl({ identityId: john.id, type: 'DORMANT', reasonCode: 'INACTIVITY' });
    expect((await service.getIdentity(john.id)).summaryStatus).to.equal('DISABLED');
    const listed: IdentityControl[] = await collect(service.listControls({ identityId: john.id }));
    expect(listed.map((c) => c.id)).to.deep.equal([control.id]);
    await service.deleteControl(control.id, 'back from dormancy');
    expect((await service.getIdentity(john.id)).summaryStatus).to.equal('APPROVED');
    await expect(service.deleteControl(control.id)).to.be.rejectedWith(IdentityControlNotFoundError);
  });

  it('§4.12 a FROZEN control, an unknown reason code or a missing identity id are refused before anything is sent', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const error = await service
      .createControl({ identityId: '', type: 'FROZEN' as never, reasonCode: 'NOT_A_CODE' as never })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(IdentityValidationError);
    expect((error as IdentityValidationError).violations.map((v) => v.path).sort()).to.deep.equal([
      'identityId',
      'reasonCode',
      'type',
    ]);
  });

  it('§8.5 forceStartKycRefresh checks expiry_days (1–90) and the identity_id pattern before sending', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const john = await service.createIdentity(aPerson().build());
    for (const days of [0, 91, 1.5]) {
      await expect(service.forceStartKycRefresh(john.id, days)).to.be.rejectedWith(
        IdentityValidationError,
        /expiryDays/,
      );
    }
    for (const id of ['abc', '-starts-with-dash', 'has_underscore_in_it']) {
      await expect(service.forceStartKycRefresh(id, 30)).to.be.rejectedWith(IdentityValidationError, /identityId/);
    }
    await expect(service.resetKycRefresh('x.y')).to.be.rejectedWith(IdentityValidationError, /identityId/);
  });

  it('§8.5 the KYC refresh helpers are sandbox only: refused against production without a request', async () => {
    const emulator: PaxosEmulator = await startPaxosEmulator();
    try {
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: { ...paxosOptionsFor(emulator), environment: 'production' },
      });
      const id = '36ae1728-c54a-4046-86df-8a413e0ab9b3';
      await expect(service.startKycRefresh(id)).to.be.rejectedWith(SandboxOnlyError);
      await expect(service.forceStartKycRefresh(id, 30)).to.be.rejectedWith(SandboxOnlyError);
      await expect(service.resetKycRefresh(id)).to.be.rejectedWith(SandboxOnlyError);
      expect(emulator.requests.filter((r) => r.path.includes('kyc'))).to.deep.equal([]);
    } finally {
      await emulator.close();
    }
  });

  it('§8.5 through the adapter and the emulator: a refresh started, then completed by updateIdentity with lastKycRefreshDate', async () => {
    const emulator: PaxosEmulator = await startPaxosEmulator();
    try {
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: paxosOptionsFor(emulator),
      });
      const john = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(john.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
      await service.startKycRefresh(john.id);
      const date = '2026-01-02T03:04:05Z';
      const updated = await service.updateIdentity(john.id, { lastKycRefreshDate: date });
      expect(updated.lastKycRefreshDate).to.equal(date);
      const completed: PaxosEvent[] = await collect(service.listEvents({ type: 'identity.kyc_refresh.completed' }));
      expect(completed.map((e) => [e.object.identityId, e.object.lastKycRefreshDate])).to.deep.equal([[john.id, date]]);
    } finally {
      await emulator.close();
    }
  });
});
