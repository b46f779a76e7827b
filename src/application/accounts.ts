import {
  AccountAlreadyExistsError,
  AccountUpdate,
  NewAccount,
  parseAccountChanges,
  parseAccountId,
  parseAccountMembersToAdd,
  parseListAccountsFilter,
  type Account,
  type AccountChanges,
  type AccountMemberInput,
  type AccountPage,
  type CreateAccountCommand,
  type ListAccountsFilter,
} from '../domain/index.js';
import type { AccountGateway, AccountMembersAdded, CallOptions, IdGenerator } from '../ports/index.js';
import { followPages } from './paging.js';

/**
 * The account use cases: open, read, list, update an account and add or remove its members, each command checked in
 * the domain before anything is sent.
 *
 * @example
 * ```ts
 * const accounts = new Accounts(new InMemoryAccountGateway({ simulator }), uuidGenerator);
 * const account = await accounts.create({ identityId: john.id, createProfile: true });
 * ```
 */
export class Accounts {
  constructor(
    private readonly gateway: AccountGateway,
    private readonly ids: IdGenerator,
  ) {}

  /**
   * Opens an account. A command without `refId` gets a UUID v4, so that a retried create cannot open a second
   * account: when Paxos answers that the `refId` is taken by an account of the same primary identity, that account is
   * the one an earlier attempt opened, and it is returned.
   *
   * @throws {IdentityValidationError} when the command breaks a rule; nothing is sent.
   * @throws {AccountAlreadyExistsError} when the `refId` belongs to an account of another identity.
   */
  async create(command: CreateAccountCommand, options: CallOptions = {}): Promise<Account> {
    const checked = NewAccount.create(command);
    const account = checked.refId === undefined ? checked.withRefId(this.ids.next()) : checked;
    try {
      return await this.gateway.create(account, options);
    } catch (error) {
      if (!(error instanceof AccountAlreadyExistsError)) throw error;
      const existing = await this.gateway.get(error.existingId, options);
      // Only this create's own lost answer is handed back: an account that lacks what this command asks for (a
      // profile, which cannot be attached later; another type or description) was opened by another command.
      const same =
        existing.identityId === account.identityId &&
        existing.refId === account.refId &&
        (!account.createProfile || existing.profileId !== undefined) &&
        (account.type === undefined || existing.type === account.type) &&
        (account.description === undefined || existing.description === account.description);
      if (same) return existing;
      throw error;
    }
  }

  /** @throws {AccountNotFoundError} when no account of these credentials has this id. */
  get(id: string, options: CallOptions = {}): Promise<Account> {
    return this.gateway.get(parseAccountId(id), options);
  }

  /** One page; pass `nextPageCursor` back as `pageCursor` for the next. */
  async page(filter: ListAccountsFilter = {}, options: CallOptions = {}): Promise<AccountPage> {
    return this.gateway.listPage(parseListAccountsFilter(filter), options);
  }

  /**
   * Every account the filter selects, page after page, fetched as the loop consumes them. The filter is checked on
   * the first `next()`.
   */
  async *all(filter: ListAccountsFilter = {}, options: CallOptions = {}): AsyncGenerator<Account, void, undefined> {
    yield* followPages(parseListAccountsFilter(filter), (page) => this.gateway.listPage(page, options));
  }

  /**
   * Reads the account, checks `changes` against it (a new `members` list keeps at least one member and changes only
   * FINANCIAL_ADVISOR and AUTHORIZED_USER roles), then sends only the changes.
   *
   * @throws {IdentityValidationError} when the changes break a rule; nothing is sent.
   * @throws {AccountNotFoundError} when no account of these credentials has this id.
   */
  async update(id: string, changes: AccountChanges, options: CallOptions = {}): Promise<Account> {
    const accountId = parseAccountId(id);
    // The shape first: a bad command costs no read.
    parseAccountChanges(changes);
    const current = await this.gateway.get(accountId, options);
    return this.gateway.update(accountId, AccountUpdate.create(current, changes), options);
  }

  /** Adds members beside the existing ones; each member needs at least one role. */
  addMembers(
    accountId: string,
    members: readonly AccountMemberInput[],
    options: CallOptions = {},
  ): Promise<AccountMembersAdded> {
    const id = parseAccountId(accountId);
    return this.gateway.addMembers(id, parseAccountMembersToAdd(members), options);
  }

  /** Removes one member by its link id (from `addMembers` or `get`), not by the identity id. */
  async removeMember(memberId: string, options: CallOptions = {}): Promise<void> {
    await this.gateway.removeMember(parseAccountId(memberId, 'memberId'), options);
  }
}
