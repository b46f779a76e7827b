import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import {
  createIdentityService,
  IdentityNotFoundError,
  IdentityValidationError,
  type IdentityService,
} from '../../../src/index.js';
import { aPerson, anInstitution, seedCommand } from '../../support/builders.js';

chai.use(chaiAsPromised);
const { expect } = chai;

const T0 = new Date('2026-03-15T12:00:00Z');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('IdentityService over the in-memory adapter', () => {
  let service: IdentityService;
  beforeEach(() => {
    service = createIdentityService({ adapter: 'in-memory', clock: { now: () => T0 } });
  });

  it('gives a command without refId a UUID v4 refId by default', async () => {
    const first = await service.createIdentity(aPerson().build());
    const second = await service.createIdentity(aPerson().build());
    expect(first.refId).to.match(UUID_V4);
    expect(second.refId).to.match(UUID_V4);
    expect(second.refId).not.to.equal(first.refId);
  });

  it('uses an injected id generator for refIds', async () => {
    const custom = createIdentityService({
      adapter: 'in-memory',
      clock: { now: () => T0 },
      idGenerator: { next: () => 'fixed-ref' },
    });
    expect((await custom.createIdentity(aPerson().build())).refId).to.equal('fixed-ref');
  });

  it('reads back what it created', async () => {
    const created = await service.createIdentity(seedCommand());
    const read = await service.getIdentity(created.id);
    expect([read.id, read.refId, read.summaryStatus, read.person?.firstName]).to.deep.equal([
      created.id,
      created.refId,
      'PENDING',
      'John',
    ]);
    expect(read.taxDetails).to.have.length(1);
  });

  it('reports an unknown id as not found, and a malformed id as invalid', async () => {
    await expect(service.getIdentity('0b4a6f5e-0000-4000-8000-000000000000')).to.be.rejectedWith(IdentityNotFoundError);
    expect(await service.findIdentity('0b4a6f5e-0000-4000-8000-000000000000')).to.equal(undefined);
    const error = await service.getIdentity('../etc/passwd').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IdentityValidationError);
    expect((error as IdentityValidationError).violations[0]).to.include({ path: 'id', code: 'pattern' });
  });

  it('rejects an invalid command with the validation error, as a rejected promise', async () => {
    await expect(service.createIdentity({ person: { firstName: 'José' } } as never)).to.be.rejectedWith(
      IdentityValidationError,
    );
  });

  describe('sandbox status', () => {
    it('approving sanctions after an approved passthrough makes the person APPROVED', async () => {
      const { id } = await service.createIdentity(seedCommand());
      await service.setSandboxStatus(id, { sanctionsVerification: 'APPROVED' });
      const approved = await service.getIdentity(id);
      expect(approved.summaryStatus).to.equal('APPROVED');
      expect(approved.isApproved).to.equal(true);
      expect(approved.person?.sanctionsVerificationStatus).to.equal('APPROVED');
    });

    it('leaves the person PENDING while a check is pending, and DENIED when one is denied', async () => {
      const paxosVerified = aPerson()
        .with({ verifierType: 'PAXOS', passthroughVerifierType: undefined, passthroughVerifiedAt: undefined })
        .build();
      const { id } = await service.createIdentity(paxosVerified);
      expect((await service.getIdentity(id)).person?.idVerificationStatus).to.equal('PENDING');
      await service.setSandboxStatus(id, { sanctionsVerification: 'APPROVED' });
      expect((await service.getIdentity(id)).summaryStatus).to.equal('PENDING');
      await service.setSandboxStatus(id, { idVerification: 'DENIED' });
      expect((await service.getIdentity(id)).summaryStatus).to.equal('DENIED');
    });

    it('approves an institution once its own checks and every member are approved', async () => {
      const member = await service.createIdentity(aPerson().build());
      const company = await service.createIdentity(anInstitution([member.id]));
      await service.setSandboxStatus(company.id, {
        sanctionsVerification: 'APPROVED',
        documentVerification: 'APPROVED',
      });
      expect((await service.getIdentity(company.id)).summaryStatus).to.equal('PENDING');
      await service.setSandboxStatus(member.id, { sanctionsVerification: 'APPROVED' });
      expect((await service.getIdentity(company.id)).summaryStatus).to.equal('APPROVED');
    });

    it('§8.1 disables an approved identity', async () => {
      const { id } = await service.createIdentity(aPerson().build());
      await service.setSandboxStatus(id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
      await service.setSandboxStatus(id, { userDisabled: true });
      const disabled = await service.getIdentity(id);
      expect([disabled.summaryStatus, disabled.userDisabled]).to.deep.equal(['DISABLED', true]);
    });

    it('rejects an unknown status', async () => {
      const { id } = await service.createIdentity(aPerson().build());
      const error = await service.setSandboxStatus(id, { idVerification: 'OK' as never }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(IdentityValidationError);
      expect((error as IdentityValidationError).violations.map((x) => `${x.path} ${x.code}`)).to.deep.equal([
        'idVerification enum',
      ]);
    });
  });
});
