import type {
  Account,
  AccountMember,
  AccountPage,
  AccountUpdate,
  ListAccountsFilter,
  NewAccount,
  TimeRange,
} from '../../domain/index.js';
import type { AccountGateway, AccountMembersAdded, CallOptions } from '../../ports/index.js';
import {
  accountMemberFromWire,
  accountMemberToWire,
  toAccount,
  toCreateAccountRequest,
  toUpdateAccountRequest,
} from './account-mapper.js';
import type { PaxosConnection } from './connection.js';
import { AccountDto, AddAccountMembersResponseDto, ListAccountsResponseDto } from './dto/account.dto.js';
import type { PaxosAnswer } from './http/request-sender.js';
import { deleteMemberLink, postMemberLinks } from './member-links.js';
import { isPresent } from './present.js';

const ACCOUNTS = '/identity/accounts';
const ACCOUNT = '/identity/accounts/{id}';
const MEMBERS = '/identity/account-members';
const RANGE_BOUNDS = ['lt', 'lte', 'eq', 'gte', 'gt'] as const;

/**
 * The {@link AccountGateway} port over Paxos's Accounts and Account Members endpoints, on the service's
 * {@link PaxosConnection}. Its calls carry a token of their own scopes (`identity:read_account
 * identity:write_account`, or the configured `scopes`) and count against the Identity API's budget (under
 * `/identity/`).
 *
 * @example
 * ```ts
 * const connection = new PaxosConnection({ environment: 'sandbox', clientId, clientSecret });
 * const accounts = new PaxosAccountGateway(connection);
 * ```
 */
export class PaxosAccountGateway implements AccountGateway {
  readonly #connection: PaxosConnection;

  constructor(connection: PaxosConnection) {
    this.#connection = connection;
  }

  /**
   * `POST /identity/accounts`. Retried only with a `ref_id`: a repeat then meets 409, which the use case resolves to
   * the account the first attempt made.
   */
  async create(account: NewAccount, options: CallOptions = {}): Promise<Account> {
    const answer = await this.#connection.send({
      method: 'POST',
      path: ACCOUNTS,
      template: ACCOUNTS,
      budget: 'identity',
      body: toCreateAccountRequest(account),
      idempotent: account.refId !== undefined,
      readJson: true,
      conflict: 'account',
      refId: account.refId,
      // The route names no id; its 404 means the primary identity the body names.
      resource: { identity: account.identityId },
      scopes: this.#connection.accountScopes,
      call: options,
    });
    return this.#account(answer);
  }

  /** `GET /identity/accounts/{id}`. */
  async get(id: string, options: CallOptions = {}): Promise<Account> {
    const answer = await this.#connection.send({
      method: 'GET',
      path: `${ACCOUNTS}/${encodeURIComponent(id)}`,
      template: ACCOUNT,
      budget: 'identity',
      idempotent: true,
      readJson: true,
      resource: { account: id },
      scopes: this.#connection.accountScopes,
      call: options,
    });
    return this.#account(answer);
  }

  /** `GET /identity/accounts` with `identity_id`, `created_at.*`, `updated_at.*`, `limit`, `order`, `page_cursor`. */
  async listPage(filter: ListAccountsFilter, options: CallOptions = {}): Promise<AccountPage> {
    const answer = await this.#connection.send({
      method: 'GET',
      path: ACCOUNTS,
      template: ACCOUNTS,
      budget: 'identity',
      query: listQuery(filter),
      idempotent: true,
      readJson: true,
      scopes: this.#connection.accountScopes,
      call: options,
    });
    const page = this.#connection.decode(ListAccountsResponseDto, answer, 'a page of accounts');
    const items: Account[] = [];
    for (const [i, item] of (page.items ?? []).entries()) {
      const mapped = toAccount(item);
      if (!mapped.ok)
        throw this.#connection.invalid(
          answer,
          'a page of accounts',
          mapped.issues.map((issue) => `items[${i}].${issue}`),
        );
      items.push(mapped.value);
    }
    const next = page.next_page_cursor;
    return { items, ...(isPresent(next) && next !== '' && { nextPageCursor: next }) };
  }

  /** `PUT /identity/accounts` with the id in the body and only the delta. */
  async update(id: string, update: AccountUpdate, options: CallOptions = {}): Promise<Account> {
    const answer = await this.#connection.send({
      method: 'PUT',
      path: ACCOUNTS,
      template: ACCOUNTS,
      budget: 'identity',
      body: toUpdateAccountRequest(id, update.delta),
      // The same whole-value replacement twice leaves the account as once.
      idempotent: true,
      readJson: true,
      conflict: 'account',
      refId: update.delta.refId,
      resource: { account: id },
      scopes: this.#connection.accountScopes,
      call: options,
    });
    return this.#account(answer);
  }

  /** `POST /identity/account-members`. Not retried: a repeat could link a member twice. */
  async addMembers(
    accountId: string,
    members: readonly AccountMember[],
    options: CallOptions = {},
  ): Promise<AccountMembersAdded> {
    const answer = await postMemberLinks(
      this.#connection,
      {
        collection: MEMBERS,
        resource: { account: accountId },
        scopes: this.#connection.accountScopes,
        call: options,
      },
      { account_id: accountId, members: members.map(accountMemberToWire) },
    );
    const dto = this.#connection.decode(AddAccountMembersResponseDto, answer, 'an account-members response');
    return { accountId: dto.account_id, members: (dto.members ?? []).map(accountMemberFromWire) };
  }

  /** `DELETE /identity/account-members/{id}`; Paxos answers `{}`. Retried: deleting twice removes nothing more. */
  async removeMember(memberId: string, options: CallOptions = {}): Promise<void> {
    await deleteMemberLink(
      this.#connection,
      {
        collection: MEMBERS,
        resource: { accountMember: memberId },
        scopes: this.#connection.accountScopes,
        call: options,
      },
      memberId,
    );
  }

  #account(answer: PaxosAnswer): Account {
    const mapped = toAccount(this.#connection.decode(AccountDto, answer, 'an account'));
    if (!mapped.ok) throw this.#connection.invalid(answer, 'an account', mapped.issues);
    return mapped.value;
  }
}

/** The query string of a list call, in Paxos's names. */
function listQuery(filter: ListAccountsFilter): string {
  const query = new URLSearchParams();
  if (filter.limit !== undefined) query.set('limit', String(filter.limit));
  if (filter.identityId !== undefined) query.set('identity_id', filter.identityId);
  const range = (name: string, value: TimeRange | undefined) => {
    for (const bound of RANGE_BOUNDS) if (value?.[bound] !== undefined) query.set(`${name}.${bound}`, value[bound]);
  };
  range('created_at', filter.createdAt);
  range('updated_at', filter.updatedAt);
  query.set('order', filter.order ?? 'DESC');
  if (filter.pageCursor !== undefined) query.set('page_cursor', filter.pageCursor);
  return query.toString();
}
