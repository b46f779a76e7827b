import { expect } from 'chai';
import {
  AccountUpdate,
  IdentityValidationError,
  NewAccount,
  parseAccountChanges,
  parseAccountMembersToAdd,
  parseListAccountsFilter,
  type Account,
} from '../../../src/gateways.js';

function violationsOf(run: () => unknown): { path: string; code: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(IdentityValidationError);
    return (error as IdentityValidationError).violations.map((v) => ({ path: v.path, code: v.code }));
  }
  expect.fail('expected an IdentityValidationError');
}

const account: Account = {
  id: 'acc-1',
  identityId: 'john',
  members: [
    { id: 'm1', identityId: 'jane', roles: ['BENEFICIAL_OWNER'] },
    { id: 'm2', identityId: 'advisor', roles: ['FINANCIAL_ADVISOR'] },
  ],
};

describe('domain: accounts', () => {
  it('§3.8 create needs identity_id only and keeps what was given, frozen', () => {
    const created = NewAccount.create({
      identityId: 'john',
      description: 'Joint',
      metadata: { a: '1' },
      members: [{ identityId: 'jane', roles: ['BENEFICIAL_OWNER'] }],
      createProfile: true,
      type: 'BROKERAGE',
    });
    expect(created.identityId).to.equal('john');
    expect(created.members).to.deep.equal([{ identityId: 'jane', roles: ['BENEFICIAL_OWNER'] }]);
    expect(created.createProfile).to.equal(true);
    expect(created.type).to.equal('BROKERAGE');
    expect(Object.isFrozen(created)).to.equal(true);
    expect(NewAccount.create({ identityId: 'john' }).createProfile).to.equal(false);
  });

  it('§3.8 create lists every broken rule: identity_id, unknown fields, roles, type, the member id Paxos sets', () => {
    expect(
      violationsOf(() =>
        NewAccount.create({
          name: 'x',
          type: 'CRYPTO_BROKERAGE',
          members: [
            { identityId: 'jane', roles: [] },
            { id: 'm', identityId: 'x', roles: ['TRUSTEE'] },
          ],
        }),
      ),
    ).to.deep.equal([
      { path: 'name', code: 'unknown_field' },
      { path: 'identityId', code: 'required' },
      { path: 'members[0].roles', code: 'min_items' },
      { path: 'members[1].id', code: 'unknown_field' },
      { path: 'members[1].roles[0]', code: 'enum' },
      { path: 'type', code: 'enum' },
    ]);
  });

  it('§3.8 update may add and remove FINANCIAL_ADVISOR and AUTHORIZED_USER roles, BENEFICIAL_OWNER stays', () => {
    const update = AccountUpdate.create(account, {
      members: [
        { identityId: 'jane', roles: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER'] },
        { identityId: 'user', roles: ['AUTHORIZED_USER'] },
      ],
    });
    expect(update.delta.members).to.have.length(2);
  });

  it('§3.8 update refuses to remove or add a BENEFICIAL_OWNER role, naming each change', () => {
    const removed = violationsOf(() =>
      AccountUpdate.create(account, { members: [{ identityId: 'advisor', roles: ['FINANCIAL_ADVISOR'] }] }),
    );
    expect(removed).to.deep.equal([{ path: 'members', code: 'forbidden' }]);
    const added = violationsOf(() =>
      AccountUpdate.create(account, {
        members: [
          { identityId: 'jane', roles: ['BENEFICIAL_OWNER'] },
          { identityId: 'advisor', roles: ['FINANCIAL_ADVISOR', 'BENEFICIAL_OWNER'] },
        ],
      }),
    );
    expect(added).to.deep.equal([{ path: 'members', code: 'forbidden' }]);
  });

  it('§3.8 update needs a non-empty members list and at least one change', () => {
    expect(violationsOf(() => parseAccountChanges({ members: [] }))).to.deep.equal([
      { path: 'members', code: 'min_items' },
    ]);
    expect(violationsOf(() => parseAccountChanges({}))).to.deep.equal([{ path: '', code: 'required' }]);
    expect(violationsOf(() => parseAccountChanges({ identityId: 'other' }))).to.deep.equal([
      { path: 'identityId', code: 'unknown_field' },
    ]);
  });

  it('§3 #20 members to add: a non-empty list of members with roles', () => {
    expect(violationsOf(() => parseAccountMembersToAdd([]))).to.deep.equal([{ path: 'members', code: 'min_items' }]);
    expect(parseAccountMembersToAdd([{ identityId: 'jane', roles: ['BENEFICIAL_OWNER'] }])).to.deep.equal([
      { identityId: 'jane', roles: ['BENEFICIAL_OWNER'] },
    ]);
  });

  it('§3 #19 the list filter takes identityId with the paging rules of identities', () => {
    expect(parseListAccountsFilter({ identityId: 'john', limit: 5, order: 'ASC' })).to.deep.equal({
      identityId: 'john',
      limit: 5,
      order: 'ASC',
    });
    expect(
      violationsOf(() => parseListAccountsFilter({ identityId: 'a b', limit: 0, createdAt: { gte: 'yesterday' } })),
    ).to.deep.equal([
      { path: 'limit', code: 'range' },
      { path: 'createdAt.gte', code: 'format' },
      { path: 'identityId', code: 'pattern' },
    ]);
  });
});
