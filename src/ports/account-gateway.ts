import type {
  Account,
  AccountMember,
  AccountPage,
  AccountUpdate,
  ListAccountsFilter,
  NewAccount,
} from '../domain/index.js';
import type { CallOptions } from './identity-gateway.js';

/** What adding members to an account resolves to: the account and the member links just made, with ids. */
export interface AccountMembersAdded {
  readonly accountId: string;
  readonly members: readonly AccountMember[];
}

/**
 * The driven port to Paxos's Accounts and Account Members (`/identity/accounts`, `/identity/account-members`, scopes
 * `identity:read_account` and `identity:write_account`). An account links an identity, its primary owner, to a
 * profile; further identities are its members.
 */
export interface AccountGateway {
  /**
   * Opens an account. Rejects with IdentityNotFoundError when the primary identity is unknown,
   * AccountAlreadyExistsError when the `refId` belongs to an account already (a retried create meets its own),
   * IdentityRejectedError for a member that is not an identity of this API user.
   */
  create(account: NewAccount, options?: CallOptions): Promise<Account>;
  /** Reads one account. AccountNotFoundError when unknown. */
  get(id: string, options?: CallOptions): Promise<Account>;
  /** One page of accounts; pass `nextPageCursor` back as `pageCursor` for the next one. */
  listPage(filter: ListAccountsFilter, options?: CallOptions): Promise<AccountPage>;
  /** Applies the delta (`members` and `metadata` replace the whole value). AccountNotFoundError when unknown. */
  update(id: string, update: AccountUpdate, options?: CallOptions): Promise<Account>;
  /** Adds members beside the existing ones. AccountNotFoundError for an unknown account. */
  addMembers(accountId: string, members: readonly AccountMember[], options?: CallOptions): Promise<AccountMembersAdded>;
  /** Removes one member link by its id (not the identity id). AccountMemberNotFoundError when unknown. */
  removeMember(memberId: string, options?: CallOptions): Promise<void>;
}
