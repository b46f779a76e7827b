import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  AccountUpdate,
  IdentityRejectedError,
  NewAccount,
  type Account,
  type AccountMemberInput,
  type CreateAccountCommand,
} from '../../domain/index.js';
import type { AccountGateway, IdentityGateway } from '../../ports/index.js';
import { contractPerson as person, rejectsWith } from './fixtures.js';
import { runnerGlobal } from './mocha-globals.js';

/** The gateways {@link describeAccountGatewayContract} runs against: one backend, its identities and its accounts. */
export interface AccountContractGateways {
  readonly identities: IdentityGateway;
  readonly accounts: AccountGateway;
}

/** Options of {@link describeAccountGatewayContract}. */
export interface AccountContractOptions {
  /** Mocha's `describe` (or a compatible one). Default: the global `describe`. */
  readonly describe?: (title: string, body: () => void) => unknown;
  /** Mocha's `it` (or a compatible one). Default: the global `it`. */
  readonly it?: (title: string, body: () => Promise<void>) => unknown;
}

function account(command: Omit<CreateAccountCommand, 'refId'> & { refId?: string }): NewAccount {
  return NewAccount.create({ refId: randomUUID(), ...command });
}

function rolesByIdentity(account: Account): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of account.members ?? []) out[m.identityId] = [...(out[m.identityId] ?? []), ...m.roles].sort();
  return out;
}

/**
 * Registers the contract of accounts and account members (reference §3.8, §3 #16–21, §6.1): create with what was
 * sent echoed, profiles, `refId` uniqueness, unknown identities, cursor paging filtered by identity, members added
 * beside the existing ones and removed by link id, updates that replace the whole member list and may change only
 * FINANCIAL_ADVISOR and AUTHORIZED_USER roles. Cases use fresh identities and never count global state, so they run
 * against Paxos's sandbox too. `makeGateways` is called once, lazily.
 *
 * @example
 * ```ts
 * const simulator = new PaxosSimulator();
 * describeAccountGatewayContract('in-memory', () => ({
 *   identities: new InMemoryIdentityGateway({ simulator }),
 *   accounts: new InMemoryAccountGateway({ simulator }),
 * }));
 * ```
 */
export function describeAccountGatewayContract(
  name: string,
  makeGateways: () => AccountContractGateways | Promise<AccountContractGateways>,
  options: AccountContractOptions = {},
): void {
  const describe = options.describe ?? runnerGlobal('describeAccountGatewayContract', 'describe');
  const it = options.it ?? runnerGlobal('describeAccountGatewayContract', 'it');
  let made: Promise<AccountContractGateways> | undefined;
  const gateways = (): Promise<AccountContractGateways> => (made ??= Promise.resolve().then(makeGateways));

  async function newIdentity(verifiedBy?: 'PASSTHROUGH' | 'PAXOS'): Promise<string> {
    const g = await gateways();
    return (await g.identities.create(person(verifiedBy))).id;
  }

  /** An account of a new owner, with a new identity, Jane, as its BENEFICIAL_OWNER member. */
  async function accountOwnedWithJane(): Promise<{ jane: string; created: Account }> {
    const g = await gateways();
    const owner = await newIdentity();
    const jane = await newIdentity();
    const created = await g.accounts.create(
      account({ identityId: owner, members: [{ identityId: jane, roles: ['BENEFICIAL_OWNER'] }] }),
    );
    return { jane, created };
  }

  describe(`AccountGateway contract: ${name}`, () => {
    it('§3.8 create opens an account for the identity with what was sent, and get reads the same back', async () => {
      const g = await gateways();
      const owner = await newIdentity();
      const refId = randomUUID();
      const created = await g.accounts.create(
        account({ identityId: owner, refId, description: 'Individual account', metadata: { source: 'contract' } }),
      );
      assert.match(created.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      assert.equal(created.identityId, owner);
      assert.equal(created.refId, refId);
      assert.equal(created.description, 'Individual account');
      assert.deepEqual({ ...created.metadata }, { source: 'contract' });
      assert.equal(created.profileId, undefined, 'no profile unless createProfile');
      const read = await g.accounts.get(created.id);
      assert.equal(read.id, created.id);
      assert.equal(read.identityId, owner);
      assert.equal(read.refId, refId);
      assert.equal(read.description, 'Individual account');
    });

    it('§3.8 createProfile: true gives the account the id of its new profile', async () => {
      const g = await gateways();
      const owner = await newIdentity();
      const created = await g.accounts.create(account({ identityId: owner, createProfile: true }));
      assert.equal(typeof created.profileId, 'string');
      assert.notEqual(created.profileId, '');
      assert.equal((await g.accounts.get(created.id)).profileId, created.profileId);
    });

    it('§3.8 an account may be opened for an identity still PENDING (the reference sets no status rule)', async () => {
      const g = await gateways();
      const owner = await newIdentity('PAXOS');
      assert.equal((await g.identities.get(owner)).summaryStatus, 'PENDING');
      const created = await g.accounts.create(account({ identityId: owner }));
      assert.equal(created.identityId, owner);
    });

    it('§6.1 #4 a refId already used by an account of this API user is refused with the existing account id', async () => {
      const g = await gateways();
      const a = await newIdentity();
      const b = await newIdentity();
      const refId = randomUUID();
      const first = await g.accounts.create(account({ identityId: a, refId }));
      await rejectsWith(g.accounts.create(account({ identityId: b, refId })), (error) => {
        assert.equal(error['code'], 'account_already_exists');
        assert.equal(error['existingId'], first.id);
      });
    });

    it('§3.8 an account for an identity that does not exist is refused as identity_not_found', async () => {
      const g = await gateways();
      await rejectsWith(g.accounts.create(account({ identityId: randomUUID() })), (error) => {
        assert.equal(error['code'], 'identity_not_found');
      });
    });

    it('§3.8 a member that is not an identity of this API user is refused, and no account is opened', async () => {
      const g = await gateways();
      const owner = await newIdentity();
      const refId = randomUUID();
      const members: AccountMemberInput[] = [{ identityId: randomUUID(), roles: ['AUTHORIZED_USER'] }];
      await rejectsWith(g.accounts.create(account({ identityId: owner, refId, members })), (error) => {
        assert.ok(error instanceof IdentityRejectedError, 'a refusal of the server (IdentityRejectedError)');
        assert.equal(error['status'], 400);
      });
      for await (const page of pages(g.accounts, owner)) assert.equal(page.length, 0);
    });

    it('§3 #19 listing by identity_id pages by cursor: every account once, in creation order', async () => {
      const g = await gateways();
      const owner = await newIdentity();
      const made: string[] = [];
      for (let i = 0; i < 3; i++) made.push((await g.accounts.create(account({ identityId: owner }))).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pagesRead = 0;
      do {
        const page = await g.accounts.listPage({
          identityId: owner,
          limit: 1,
          order: 'ASC',
          ...(cursor !== undefined && { pageCursor: cursor }),
        });
        pagesRead += 1;
        assert.ok(page.items.length <= 1, 'limit is honoured');
        for (const item of page.items) {
          assert.equal(item.identityId, owner);
          seen.push(item.id);
        }
        cursor = page.nextPageCursor;
      } while (cursor !== undefined && pagesRead < 10);
      assert.deepEqual(seen, made);
      const newest = await g.accounts.listPage({ identityId: owner, limit: 1 });
      assert.deepEqual(
        newest.items.map((x) => x.id),
        [made[2]],
        'DESC by default',
      );
    });

    it('§3 #20 members added join the existing ones, each link with its own id', async () => {
      const g = await gateways();
      const { jane, created } = await accountOwnedWithJane();
      const advisor = await newIdentity();
      const added = await g.accounts.addMembers(created.id, [{ identityId: advisor, roles: ['FINANCIAL_ADVISOR'] }]);
      assert.equal(added.accountId, created.id);
      assert.equal(added.members.length, 1);
      assert.equal(typeof added.members[0]?.id, 'string');
      assert.deepEqual(rolesByIdentity(await g.accounts.get(created.id)), {
        [jane]: ['BENEFICIAL_OWNER'],
        [advisor]: ['FINANCIAL_ADVISOR'],
      });
    });

    it('§3 #21 a member is removed by its link id, the last one too; an unknown link is account_member_not_found', async () => {
      const g = await gateways();
      const { created } = await accountOwnedWithJane();
      const link = created.members?.[0]?.id;
      assert.ok(link !== undefined, 'the member link has an id');
      await g.accounts.removeMember(link);
      assert.deepEqual(rolesByIdentity(await g.accounts.get(created.id)), {});
      await rejectsWith(g.accounts.removeMember(randomUUID()), (error) => {
        assert.equal(error['code'], 'account_member_not_found');
      });
    });

    it('§3.8 update replaces the whole member list and the metadata, and changes the description', async () => {
      const g = await gateways();
      const owner = await newIdentity();
      const jane = await newIdentity();
      const user = await newIdentity();
      const created = await g.accounts.create(
        account({
          identityId: owner,
          metadata: { a: '1' },
          members: [{ identityId: jane, roles: ['BENEFICIAL_OWNER'] }],
        }),
      );
      const update = AccountUpdate.create(created, {
        description: 'Joint account',
        metadata: { b: '2' },
        members: [
          { identityId: jane, roles: ['BENEFICIAL_OWNER', 'FINANCIAL_ADVISOR'] },
          { identityId: user, roles: ['AUTHORIZED_USER'] },
        ],
      });
      const updated = await g.accounts.update(created.id, update);
      assert.equal(updated.id, created.id);
      assert.equal(updated.identityId, owner);
      assert.equal(updated.description, 'Joint account');
      assert.deepEqual({ ...updated.metadata }, { b: '2' });
      assert.deepEqual(rolesByIdentity(await g.accounts.get(created.id)), {
        [jane]: ['BENEFICIAL_OWNER', 'FINANCIAL_ADVISOR'],
        [user]: ['AUTHORIZED_USER'],
      });
    });

    it('§3.8 update with setUserDisabled: true disables the account', async () => {
      const g = await gateways();
      const owner = await newIdentity();
      const created = await g.accounts.create(account({ identityId: owner }));
      const updated = await g.accounts.update(created.id, AccountUpdate.create(created, { setUserDisabled: true }));
      assert.equal(updated.userDisabled, true);
      assert.equal((await g.accounts.get(created.id)).userDisabled, true);
    });

    it('§3.8 the server refuses an update that removes a BENEFICIAL_OWNER, even when the client read a stale list', async () => {
      const g = await gateways();
      const { jane, created } = await accountOwnedWithJane();
      const advisor = await newIdentity();
      // A stale read that never saw Jane lets the client-side check pass: the server's own check must refuse.
      const stale: Account = { ...created, members: [{ identityId: advisor, roles: ['FINANCIAL_ADVISOR'] }] };
      const update = AccountUpdate.create(stale, {
        members: [{ identityId: advisor, roles: ['FINANCIAL_ADVISOR'] }],
      });
      await rejectsWith(g.accounts.update(created.id, update), (error) => {
        assert.ok(error instanceof IdentityRejectedError, 'a refusal of the server (IdentityRejectedError)');
        assert.equal(error['status'], 400);
      });
      assert.deepEqual(rolesByIdentity(await g.accounts.get(created.id)), { [jane]: ['BENEFICIAL_OWNER'] });
    });

    it('§3 #17/#18/#20 an account that does not exist is account_not_found on get, update and add members', async () => {
      const g = await gateways();
      const someone = await newIdentity();
      const missing = randomUUID();
      const notFound = (error: Record<string, unknown>) => {
        assert.equal(error['code'], 'account_not_found');
      };
      await rejectsWith(g.accounts.get(missing), notFound);
      const stale: Account = { id: missing, identityId: someone };
      await rejectsWith(g.accounts.update(missing, AccountUpdate.create(stale, { description: 'x' })), notFound);
      await rejectsWith(
        g.accounts.addMembers(missing, [{ identityId: someone, roles: ['AUTHORIZED_USER'] }]),
        notFound,
      );
    });
  });
}

/** Every page of the accounts of `identityId`, as arrays of ids. */
async function* pages(accounts: AccountGateway, identityId: string): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  let n = 0;
  do {
    const page = await accounts.listPage({ identityId, ...(cursor !== undefined && { pageCursor: cursor }) });
    yield page.items.map((x) => x.id);
    cursor = page.nextPageCursor;
    n += 1;
  } while (cursor !== undefined && n < 10);
}
