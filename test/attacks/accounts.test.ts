import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { IdentityService } from '../../src/index.js';
import { aPerson } from '../support/builders.js';
import { call, tokenFor } from '../emulator/support.js';
import { rejection, startRig, type Rig } from './support.js';

const ACCOUNT_SCOPES = 'identity:read_identity identity:write_identity identity:read_account identity:write_account';

// refId replay of createAccount and the member rules of updateAccount, from the service and from a raw client.
describe('attacks: accounts', () => {
  let rig: Rig;
  let service: IdentityService;

  before(async () => {
    rig = await startRig();
    service = rig.service;
  });

  after(async () => {
    await rig.emulator.close();
  });

  const person = async (): Promise<string> => (await service.createIdentity(aPerson().build())).id;
  const accountPosts = () =>
    rig.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v2/identity/accounts').length;
  const accountPuts = () =>
    rig.emulator.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/v2/identity/accounts')).length;

  it('ten concurrent creates with one refId open one account, and all ten resolve to it', async () => {
    const owner = await person();
    const refId = randomUUID();
    const accounts = await Promise.all(
      Array.from({ length: 10 }, () => service.createAccount({ identityId: owner, refId, description: 'joint' })),
    );
    expect(new Set(accounts.map((a) => a.id)).size).to.equal(1);
    const listed = [];
    for await (const a of service.listAccounts({ identityId: owner })) listed.push(a);
    expect(listed).to.have.length(1);
  });

  it("a refId replayed for another identity is AccountAlreadyExistsError, never the other identity's account", async () => {
    const refId = randomUUID();
    const first = await service.createAccount({ identityId: await person(), refId });
    const error = (await rejection(service.createAccount({ identityId: await person(), refId }))) as {
      name: string;
      existingId?: string;
    };
    expect(error.name).to.equal('AccountAlreadyExistsError');
    expect(error.existingId).to.equal(first.id);
  });

  // A 409 for the same refId and identity is this create's own lost answer only when the account has what the
  // command asks for: a replay asking for a profile must not resolve, silently, to an account that has none.
  it('a refId replayed with createProfile: true does not hand back an account without the profile it asked for', async () => {
    const owner = await person();
    const refId = randomUUID();
    await service.createAccount({ identityId: owner, refId });
    const replay: unknown = await service.createAccount({ identityId: owner, refId, createProfile: true }).then(
      (account) => account,
      (error: unknown) => error,
    );
    expect(replay).to.be.instanceOf(Error);
    expect((replay as Error).name).to.equal('AccountAlreadyExistsError');
  });

  it('updateAccount refuses, unsent, a members list that removes a BENEFICIAL_OWNER or adds one', async () => {
    const owner = await person();
    const jane = await person();
    const advisor = await person();
    const account = await service.createAccount({
      identityId: owner,
      members: [{ identityId: jane, roles: ['BENEFICIAL_OWNER'] }],
    });
    const before = accountPuts();
    const removes = (await rejection(
      service.updateAccount(account.id, { members: [{ identityId: advisor, roles: ['FINANCIAL_ADVISOR'] }] }),
    )) as Error;
    expect(removes.name).to.equal('IdentityValidationError');
    const adds = (await rejection(
      service.updateAccount(account.id, {
        members: [
          { identityId: jane, roles: ['BENEFICIAL_OWNER'] },
          { identityId: advisor, roles: ['BENEFICIAL_OWNER'] },
        ],
      }),
    )) as Error;
    expect(adds.name).to.equal('IdentityValidationError');
    const promotes = (await rejection(
      service.updateAccount(account.id, {
        members: [
          { identityId: jane, roles: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER'] },
          { identityId: owner, roles: ['BENEFICIAL_OWNER'] },
        ],
      }),
    )) as Error;
    expect(promotes.name).to.equal('IdentityValidationError');
    const empty = (await rejection(service.updateAccount(account.id, { members: [] }))) as Error;
    expect(empty.name).to.equal('IdentityValidationError');
    expect(accountPuts()).to.equal(before);
    const kept = await service.updateAccount(account.id, {
      members: [
        { identityId: jane, roles: ['BENEFICIAL_OWNER'] },
        { identityId: advisor, roles: ['FINANCIAL_ADVISOR'] },
      ],
    });
    expect(kept.members?.map((m) => m.identityId).sort()).to.deep.equal([jane, advisor].sort());
  });

  it('a raw client that skips the library is held to the same member rules by the emulator', async () => {
    const token = await tokenFor(rig.emulator, ACCOUNT_SCOPES);
    const owner = await person();
    const jane = await person();
    const account = await service.createAccount({
      identityId: owner,
      members: [{ identityId: jane, roles: ['BENEFICIAL_OWNER'] }],
    });
    const removes = await call(rig.emulator, 'PUT', '/identity/accounts', {
      token,
      body: {
        account: { id: account.id, identity_id: owner, members: [{ identity_id: owner, roles: ['AUTHORIZED_USER'] }] },
      },
    });
    expect(removes.status).to.equal(400);
    const moves = await call(rig.emulator, 'PUT', '/identity/accounts', {
      token,
      body: {
        account: { id: account.id, identity_id: jane, members: [{ identity_id: jane, roles: ['BENEFICIAL_OWNER'] }] },
      },
    });
    expect(moves.status).to.equal(400);
    expect((await service.getAccount(account.id)).identityId).to.equal(owner);
  });

  it('updateAccount for an unknown account id with path characters is refused before anything is sent', async () => {
    const before = accountPuts() + accountPosts();
    const error = (await rejection(service.updateAccount('../identities/x', { description: 'x' }))) as Error;
    expect(error.name).to.equal('IdentityValidationError');
    expect(accountPuts() + accountPosts()).to.equal(before);
  });
});
