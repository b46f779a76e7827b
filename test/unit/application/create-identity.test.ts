import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import sinon from 'sinon';
import {
  IdentityAlreadyExistsError,
  IdentityRejectedError,
  IdentityValidationError,
  type Clock,
  type IdentityGateway,
} from '../../../src/index.js';
import { CreateIdentity } from '../../../src/container.js';
import { InMemoryIdentityGateway, PaxosSimulator } from '../../../src/testing.js';
import { aPerson, anInstitution, seedCommand, uniqueSsn } from '../../support/builders.js';

chai.use(chaiAsPromised);
const { expect } = chai;

const T0 = new Date('2026-03-15T12:00:00Z');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return this.current;
  }
  set(date: Date): void {
    this.current = date;
  }
}

function setup(now: Date = T0) {
  const clock = new ManualClock(now);
  const gateway = new InMemoryIdentityGateway({ clock });
  let next = 0;
  const refIds = { next: () => `generated-ref-${(next += 1)}` };
  return { clock, gateway, refIds, useCase: new CreateIdentity(gateway, refIds, clock) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected a rejection');
}

describe('CreateIdentity with the in-memory gateway', () => {
  describe('the seed request', () => {
    it('creates a PENDING person with one tax detail derived from the SSN', async () => {
      const identity = await setup().useCase.execute(seedCommand());
      expect(identity.id).to.match(UUID_V4);
      expect(identity.type).to.equal('PERSON');
      expect(identity.summaryStatus).to.equal('PENDING');
      expect(identity.refId).to.equal('33ece656-eef1-43b5-a851-b6b9099089a5');
      expect(identity.taxDetails.map((t) => [t.taxPayerId.reveal(), t.taxPayerCountry])).to.deep.equal([
        ['111-11-1234', 'USA'],
      ]);
      expect(identity.taxDetailsNotRequired).to.equal(false);
      expect(identity.summaryTinVerificationStatus).to.equal('TIN_VERIFICATION_PENDING');
      expect(identity.metadata).to.deep.equal({
        custom_property1: 'custom value 1',
        custom_property2: 'custom value 2',
      });
    });

    it('has id verification APPROVED (an approved passthrough), sanctions and additional screening PENDING', async () => {
      const person = (await setup().useCase.execute(seedCommand())).person;
      expect(person).to.include({
        idVerificationStatus: 'APPROVED',
        sanctionsVerificationStatus: 'PENDING',
        additionalScreeningStatus: 'PENDING',
      });
      expect(person).to.include({
        firstName: 'John',
        lastName: 'Doe',
        verifierType: 'PASSTHROUGH',
        passthroughVerifierType: 'JUMIO',
      });
    });

    it('takes createdAt and updatedAt from the injected clock, in microseconds as Paxos does', async () => {
      const { clock, useCase } = setup();
      const first = await useCase.execute(seedCommand());
      expect([first.createdAt, first.updatedAt]).to.deep.equal([
        '2026-03-15T12:00:00.000000Z',
        '2026-03-15T12:00:00.000000Z',
      ]);
      clock.set(new Date('2026-04-01T08:30:00.250Z'));
      const second = await useCase.execute(aPerson().build());
      expect(second.createdAt).to.equal('2026-04-01T08:30:00.250000Z');
    });
  });

  it('warns of a date in the future of the injected clock through the logger, and sends the identity', async () => {
    const { gateway, refIds } = setup(new Date('2021-06-16T09:28:13Z'));
    const warn = sinon.spy();
    const logger = { debug: sinon.spy(), info: sinon.spy(), warn, error: sinon.spy() };
    const clock = new ManualClock(new Date('2021-06-16T09:28:13Z'));
    const useCase = new CreateIdentity(gateway, refIds, clock, { logger });
    const create = sinon.spy(gateway, 'create');
    await useCase.execute(seedCommand());
    expect(create.calledOnce).to.equal(true);
    expect(warn.args.map(([, fields]) => fields as unknown)).to.deep.equal([
      { operation: 'create', path: 'person.passthroughVerifiedAt', code: 'future_date' },
    ]);
  });

  it('sends nothing when a rule fails', async () => {
    const { gateway, useCase } = setup();
    const create = sinon.spy(gateway, 'create');
    const error = await rejection(useCase.execute(aPerson().with({ firstName: 'Jörg' }).build()));
    expect(error).to.be.instanceOf(IdentityValidationError);
    expect((error as IdentityValidationError).violations.map((x) => `${x.path} ${x.code}`)).to.deep.equal([
      'person.firstName pattern',
    ]);
    expect(create.called).to.equal(false);
  });

  describe('refId', () => {
    it('is generated when the command has none', async () => {
      const { useCase } = setup();
      expect((await useCase.execute(aPerson().build())).refId).to.equal('generated-ref-1');
      expect((await useCase.execute({ ...aPerson().build(), refId: '' })).refId).to.equal('generated-ref-2');
    });

    it('is kept when the command has one', async () => {
      const { refIds, useCase } = setup();
      const next = sinon.spy(refIds, 'next');
      expect((await useCase.execute({ ...aPerson().build(), refId: 'mine' })).refId).to.equal('mine');
      expect(next.called).to.equal(false);
    });
  });

  describe('a duplicate refId', () => {
    it('with the same CIP triple is a replay: it resolves to the existing identity', async () => {
      const { gateway, useCase } = setup();
      const first = await useCase.execute(seedCommand());
      const get = sinon.spy(gateway, 'get');
      const again = await useCase.execute(seedCommand());
      expect(again.id).to.equal(first.id);
      expect(again.createdAt).to.equal(first.createdAt);
      expect(again.person?.cipId?.reveal()).to.equal('111-11-1234');
      expect(get.calledOnceWith(first.id)).to.equal(true);
    });

    it('replays even when other fields changed, as the CIP triple names the same person', async () => {
      const { useCase } = setup();
      const first = await useCase.execute(seedCommand());
      const again = await useCase.execute({
        ...seedCommand(),
        person: { ...seedCommand().person!, firstName: 'Johnny' },
      });
      expect([again.id, again.person?.firstName]).to.deep.equal([first.id, 'John']);
    });

    it('of an institution replays with its members, as the first create returned them', async () => {
      const { useCase } = setup();
      const owner = await useCase.execute(aPerson().build());
      const command = { ...anInstitution([owner.id]), refId: 'institution-replay' };
      const first = await useCase.execute(command);
      const again = await useCase.execute(command);
      expect(again.id).to.equal(first.id);
      expect(again.institutionMembers?.map((m) => m.identityId)).to.deep.equal([owner.id]);
      expect(again.institutionMembers?.[0]?.id).to.equal(first.institutionMembers?.[0]?.id);
    });

    it('with another CIP triple is a conflict on ref_id naming the existing identity', async () => {
      const { useCase } = setup();
      const first = await useCase.execute(seedCommand());
      for (const person of [
        { ...seedCommand().person!, cipId: uniqueSsn() },
        { ...seedCommand().person!, cipIdType: 'ITIN' as const },
      ]) {
        const error = await rejection(useCase.execute({ ...seedCommand(), person }));
        expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
        expect(error).to.include({ conflict: 'ref_id', existingId: first.id, code: 'identity_already_exists' });
      }
    });
  });

  describe('a duplicate CIP triple', () => {
    it('under another refId is a conflict on cip_id naming the existing identity', async () => {
      const { useCase } = setup();
      const first = await useCase.execute(seedCommand());
      const error = await rejection(useCase.execute({ ...seedCommand(), refId: 'another-ref' }));
      expect(error).to.be.instanceOf(IdentityAlreadyExistsError);
      expect(error).to.include({ conflict: 'cip_id', existingId: first.id });
      await expect(useCase.execute({ ...seedCommand(), refId: undefined })).to.be.rejectedWith(
        IdentityAlreadyExistsError,
      );
    });

    it('is only a duplicate when all three parts match', async () => {
      const { useCase } = setup();
      const cipId = uniqueSsn();
      const ssn = await useCase.execute(aPerson().with({ cipId, cipIdType: 'SSN' }).build());
      const itin = await useCase.execute(aPerson().with({ cipId, cipIdType: 'ITIN' }).build());
      expect(itin.id).not.to.equal(ssn.id);
    });

    it('is scoped to one API user', async () => {
      const clock = new ManualClock(T0);
      const simulator = new PaxosSimulator({ clock });
      const first = new InMemoryIdentityGateway({ clientId: 'client-a', simulator });
      const second = new InMemoryIdentityGateway({ clientId: 'client-b', simulator });
      const refIds = { next: () => 'unused' };
      const a = await new CreateIdentity(first, refIds, clock).execute(seedCommand());
      const b = await new CreateIdentity(second, refIds, clock).execute(seedCommand());
      expect(b.id).not.to.equal(a.id);
    });
  });

  describe('institution members', () => {
    it("must be existing PERSON identities; the created members get a link id and the person's name", async () => {
      const { useCase } = setup();
      const owner = await useCase.execute(aPerson().with({ firstName: 'Ada', lastName: 'Owner' }).build());
      const user = await useCase.execute(aPerson().build());
      const institution = await useCase.execute(anInstitution([owner.id, user.id]));
      expect(institution.type).to.equal('INSTITUTION');
      expect(institution.summaryStatus).to.equal('PENDING');
      expect(institution.institutionMembers?.map((m) => [m.identityId, m.name])).to.deep.equal([
        [owner.id, 'Ada Owner'],
        [user.id, 'John Doe'],
      ]);
      for (const member of institution.institutionMembers ?? []) expect(member.id).to.match(UUID_V4);
      expect(institution.institution).to.include({
        sanctionsVerificationStatus: 'PENDING',
        documentVerificationStatus: 'PENDING',
        additionalScreeningStatus: 'PENDING',
      });
      expect(institution.taxDetails.map((t) => t.taxPayerCountry)).to.deep.equal(['USA']);
    });

    it('rejects a member id that does not exist, or is not a person', async () => {
      const { useCase } = setup();
      const owner = await useCase.execute(aPerson().build());
      const company = await useCase.execute(anInstitution([owner.id]));
      const error = await rejection(useCase.execute(anInstitution([owner.id, 'no-such-identity', company.id])));
      // Paxos checks members, not the client: the fake refuses them as Paxos does (a 400), naming each one.
      expect(error).to.be.instanceOf(IdentityRejectedError);
      expect((error as IdentityRejectedError).violations.map((x) => `${x.path} ${x.code}`)).to.deep.equal([
        'institutionMembers[1].identityId not_found',
        'institutionMembers[2].identityId not_found',
      ]);
    });

    it('creates nothing when a member is missing', async () => {
      const { useCase } = setup();
      const command = anInstitution(['no-such-identity']);
      await expect(useCase.execute(command)).to.be.rejectedWith(IdentityRejectedError);
      const owner = await useCase.execute(aPerson().build());
      const created = await useCase.execute({
        ...command,
        institutionMembers: [{ identityId: owner.id, roles: ['BENEFICIAL_OWNER'] }],
      });
      expect(created.type).to.equal('INSTITUTION');
    });
  });

  it('passes the call options to the gateway', async () => {
    const gateway: IdentityGateway = {
      create: sinon.stub().rejects(new Error('unreachable')),
      get: sinon.stub(),
      setSandboxStatus: sinon.stub(),
      listPage: sinon.stub(),
      update: sinon.stub(),
    };
    const controller = new AbortController();
    const useCase = new CreateIdentity(gateway, { next: () => 'r' }, { now: () => T0 });
    await expect(useCase.execute(aPerson().build(), { signal: controller.signal })).to.be.rejectedWith('unreachable');
    expect((gateway.create as sinon.SinonStub).firstCall.args[1]).to.deep.equal({ signal: controller.signal });
  });
});
