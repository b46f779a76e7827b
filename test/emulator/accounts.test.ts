import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { call, seedBody, tokenFor } from './support.js';

const ACCOUNT_SCOPES = 'identity:read_identity identity:write_identity identity:read_account identity:write_account';

// Raw bodies, as a client of any language sends them: these cases prove the emulator's own judge (Paxos's schemas
// and account-rules.ts), which never reads the library's domain.
describe('emulator: accounts and account members', () => {
  let emulator: PaxosEmulator;
  let token: string;

  before(async () => {
    emulator = await startPaxosEmulator();
    token = await tokenFor(emulator, ACCOUNT_SCOPES);
  });

  after(async () => {
    await emulator.close();
  });

  const person = async (): Promise<string> => {
    const response = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
    expect(response.status).to.equal(200);
    return response.body.id as string;
  };

  const paths = (body: { meta?: { violations?: { path: string }[] } }) =>
    (body.meta?.violations ?? []).map((v) => v.path);

  it('§1.1 account routes need identity:read_account / identity:write_account, not the identity scopes', async () => {
    const identityOnly = await tokenFor(emulator, 'identity:read_identity identity:write_identity');
    const created = await call(emulator, 'POST', '/identity/accounts', {
      token: identityOnly,
      body: { account: { identity_id: await person() } },
    });
    expect(created.status).to.equal(403);
    expect(created.body.detail).to.include('identity:write_account');
    const listed = await call(emulator, 'GET', '/identity/accounts', { token: identityOnly });
    expect(listed.status).to.equal(403);
    expect(listed.body.detail).to.include('identity:read_account');
  });

  it('§2 create answers 200 with the Account; §3.8 create_profile adds a profile_id', async () => {
    const owner = await person();
    const response = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: owner, ref_id: randomUUID(), type: 'BROKERAGE' }, create_profile: true },
    });
    expect(response.status).to.equal(200);
    expect(response.body.identity_id).to.equal(owner);
    expect(response.body.type).to.equal('BROKERAGE');
    expect(response.body.profile_id).to.be.a('string').and.not.equal('');
  });

  it('§3.8 create refuses a missing identity_id, an account id and a member id', async () => {
    const response = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { id: randomUUID(), members: [{ id: randomUUID(), identity_id: await person() }] } },
    });
    expect(response.status).to.equal(400);
    expect(paths(response.body)).to.include.members(['account.identity_id', 'account.id', 'account.members[0].id']);
  });

  it('§3.8 / §12 #11 create refuses, in strict mode, fields Create Account does not list (type is allowed)', async () => {
    const response = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: await person(), user_disabled: true, profile_id: 'x', type: 'ROTH_IRA' } },
    });
    expect(response.status).to.equal(400);
    expect(paths(response.body)).to.have.members(['account.user_disabled', 'account.profile_id']);
  });

  it('§6.1 #4 a duplicate ref_id is 409 already-exists with meta.existing.id', async () => {
    const refId = randomUUID();
    const first = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: await person(), ref_id: refId } },
    });
    const second = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: await person(), ref_id: refId } },
    });
    expect(second.status).to.equal(409);
    expect(second.body.type).to.equal('https://developer.paxos.com/docs/v2/problems/already-exists');
    expect(second.body.meta.existing.id).to.equal(first.body.id);
  });

  it("§3.8 update's own judge refuses an empty members list and a changed BENEFICIAL_OWNER, naming account.members", async () => {
    const [owner, jane] = [await person(), await person()];
    const created = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: owner, members: [{ identity_id: jane, roles: ['BENEFICIAL_OWNER'] }] } },
    });
    const id = created.body.id as string;
    const empty = await call(emulator, 'PUT', '/identity/accounts', { token, body: { account: { id, members: [] } } });
    expect(empty.status).to.equal(400);
    expect(paths(empty.body)).to.deep.equal(['account.members']);
    const demoted = await call(emulator, 'PUT', '/identity/accounts', {
      token,
      body: { account: { id, members: [{ identity_id: jane, roles: ['AUTHORIZED_USER'] }] } },
    });
    expect(demoted.status).to.equal(400);
    expect(paths(demoted.body)).to.deep.equal(['account.members']);
    expect(demoted.body.detail).to.include('BENEFICIAL_OWNER');
    const promoted = await call(emulator, 'PUT', '/identity/accounts', {
      token,
      body: { account: { id, members: [{ identity_id: jane, roles: ['BENEFICIAL_OWNER', 'FINANCIAL_ADVISOR'] }] } },
    });
    expect(promoted.status).to.equal(200);
    expect(promoted.body.members[0].roles).to.deep.equal(['BENEFICIAL_OWNER', 'FINANCIAL_ADVISOR']);
  });

  it('§3.8 update refuses a changed identity_id (not writable on update) and needs account.id', async () => {
    const created = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: await person() } },
    });
    const moved = await call(emulator, 'PUT', '/identity/accounts', {
      token,
      body: { account: { id: created.body.id, identity_id: await person() } },
    });
    expect(moved.status).to.equal(400);
    expect(paths(moved.body)).to.deep.equal(['account.identity_id']);
    const anonymous = await call(emulator, 'PUT', '/identity/accounts', {
      token,
      body: { account: { description: 'x' } },
    });
    expect(anonymous.status).to.equal(400);
    expect(paths(anonymous.body)).to.deep.equal(['account.id']);
  });

  it('§3 #20 add members needs a non-empty list; §3 #21 delete answers {}', async () => {
    const created = await call(emulator, 'POST', '/identity/accounts', {
      token,
      body: { account: { identity_id: await person() } },
    });
    const empty = await call(emulator, 'POST', '/identity/account-members', {
      token,
      body: { account_id: created.body.id, members: [] },
    });
    expect(empty.status).to.equal(400);
    expect(paths(empty.body)).to.deep.equal(['members']);
    const added = await call(emulator, 'POST', '/identity/account-members', {
      token,
      body: { account_id: created.body.id, members: [{ identity_id: await person(), roles: ['AUTHORIZED_USER'] }] },
    });
    expect(added.status).to.equal(200);
    const removed = await call(emulator, 'DELETE', `/identity/account-members/${added.body.members[0].id as string}`, {
      token,
    });
    expect(removed.status).to.equal(200);
    expect(removed.body).to.deep.equal({});
  });

  it('§2 the last page of a listing carries an empty next_page_cursor; order_by other than CREATED_AT is refused', async () => {
    const owner = await person();
    await call(emulator, 'POST', '/identity/accounts', { token, body: { account: { identity_id: owner } } });
    const listed = await call(emulator, 'GET', `/identity/accounts?identity_id=${owner}`, { token });
    expect(listed.status).to.equal(200);
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.next_page_cursor).to.equal('');
    const badOrder = await call(emulator, 'GET', '/identity/accounts?order_by=UPDATED_AT', { token });
    expect(badOrder.status).to.equal(400);
  });
});
