import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import {
  AccountAlreadyExistsError,
  AccountNotFoundError,
  createIdentityService,
  IdentityValidationError,
  type Account,
} from '../../../src/index.js';
import { IdentityLifecycle } from '../../../src/container.js';
import { InMemoryIdentityGateway } from '../../../src/testing.js';
import { aPerson } from '../../support/builders.js';
import { collect, identityServiceOver } from '../../support/services.js';
import { paxosOptionsFor, useEmulator } from '../../support/paxos.js';

chai.use(chaiAsPromised);
const { expect } = chai;

describe('IdentityService: accounts', () => {
  it('§3.8 opens, lists, updates an account and adds and removes its members (in-memory)', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const john = await service.createIdentity(aPerson().build());
    const jane = await service.createIdentity(aPerson().build());
    const advisor = await service.createIdentity(aPerson().build());
    const opened = await service.createAccount({
      identityId: john.id,
      members: [{ identityId: jane.id, roles: ['BENEFICIAL_OWNER'] }],
    });
    expect(opened.refId, 'a refId is generated so that retries are safe').to.match(/^[0-9a-f-]{36}$/);
    const second = await service.createAccount({ identityId: john.id });
    const listed = await collect(service.listAccounts({ identityId: john.id, limit: 1, order: 'ASC' }));
    expect(listed.map((a: Account) => a.id)).to.deep.equal([opened.id, second.id]);

    const added = await service.addAccountMembers(opened.id, [
      { identityId: advisor.id, roles: ['FINANCIAL_ADVISOR'] },
    ]);
    expect((await service.getAccount(opened.id)).members).to.have.length(2);
    await service.removeAccountMember(added.members[0]?.id ?? '');
    expect((await service.getAccount(opened.id)).members?.map((m) => m.identityId)).to.deep.equal([jane.id]);

    const updated = await service.updateAccount(opened.id, { description: 'Joint', setUserDisabled: true });
    expect(updated.description).to.equal('Joint');
    expect(updated.userDisabled).to.equal(true);
  });

  it('§3.8 an update that would drop a BENEFICIAL_OWNER is refused before anything is sent', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const john = await service.createIdentity(aPerson().build());
    const jane = await service.createIdentity(aPerson().build());
    const opened = await service.createAccount({
      identityId: john.id,
      members: [{ identityId: jane.id, roles: ['BENEFICIAL_OWNER'] }],
    });
    await expect(
      service.updateAccount(opened.id, { members: [{ identityId: jane.id, roles: ['AUTHORIZED_USER'] }] }),
    ).to.be.rejectedWith(IdentityValidationError, /BENEFICIAL_OWNER/);
    await expect(service.updateAccount('missing-account', { description: 'x' })).to.be.rejectedWith(
      AccountNotFoundError,
    );
  });

  it('§6.1 #4 a refId of another identity is AccountAlreadyExistsError; the same identity replays its account', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const john = await service.createIdentity(aPerson().build());
    const jane = await service.createIdentity(aPerson().build());
    const first = await service.createAccount({ identityId: john.id, refId: 'acc-ref-1' });
    const again = await service.createAccount({ identityId: john.id, refId: 'acc-ref-1' });
    expect(again.id).to.equal(first.id);
    await expect(service.createAccount({ identityId: jane.id, refId: 'acc-ref-1' }))
      .to.be.rejectedWith(AccountAlreadyExistsError)
      .and.eventually.have.property('existingId', first.id);
  });

  it('a service built without an account gateway says so with a TypeError', () => {
    const identities = new InMemoryIdentityGateway();
    const service = identityServiceOver(identities, { lifecycle: new IdentityLifecycle(identities, {}) });
    expect(() => service.getAccount('a')).to.throw(TypeError, /no account gateway/);
  });

  describe('over the Paxos adapter and the emulator', () => {
    const emulator = useEmulator();

    it('§6.1 #3/#4 a create whose response was lost is retried and resolves to the one account it opened', async () => {
      const service = createIdentityService({
        adapter: 'paxos',
        paxos: {
          ...paxosOptionsFor(emulator()),
          retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 },
        },
      });
      const john = await service.createIdentity(aPerson().build());
      emulator().faults.inject(
        { kind: 'drop', when: 'after-processing' },
        { match: { method: 'POST', path: '/v2/identity/accounts' } },
      );
      const opened = await service.createAccount({ identityId: john.id });
      expect(emulator().faults.pending).to.have.length(0);
      const all = await collect(service.listAccounts({ identityId: john.id }));
      expect(all.map((a) => a.id)).to.deep.equal([opened.id]);
    });
  });
});
