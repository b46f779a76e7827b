import type {
  Account,
  AccountMember,
  AccountPage,
  AccountUpdate,
  ListAccountsFilter,
  NewAccount,
  TimeRange,
} from '../../domain/index.js';
import { AccountAlreadyExistsError } from '../../domain/index.js';
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
import type { PaxosResponseError } from './errors.js';
import { sameId, sameRefId } from './http/echo.js';
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
   * the account the first attempt made. The answer must be the account sent (its `ref_id` and primary identity): a
   * 200 carrying another is a {@link PaxosResponseError}, unless asking again by `ref_id` finds the one sent.
   */
  async create(account: NewAccount, options: CallOptions = {}): Promise<Account> {
    const answer = await this.#post(account, options);
    const created = this.#account(answer);
    const issues = notTheOneSent(created, account);
    if (issues.length === 0) return created;
    const mismatch = this.#connection.invalid(answer, 'the account sent', issues);
    if (account.refId === undefined) throw mismatch;
    return this.#reconcile(account, options, mismatch);
  }

  /** The create asked again: the account its 409 names, or its 200, is returned only if it is the one sent. */
  async #reconcile(account: NewAccount, options: CallOptions, mismatch: PaxosResponseError): Promise<Account> {
    let again: Account;
    try {
      again = this.#account(await this.#post(account, options));
    } catch (error) {
      options.signal?.throwIfAborted();
      if (!(error instanceof AccountAlreadyExistsError)) throw mismatch;
      const existing = await this.get(error.existingId, options).catch(() => {
        options.signal?.throwIfAborted();
        throw mismatch;
      });
      if (notTheOneSent(existing, account).length === 0) return existing;
      throw mismatch;
    }
    if (notTheOneSent(again, account).length === 0) return again;
    throw mismatch;
  }

  #post(account: NewAccount, options: CallOptions): Promise<PaxosAnswer> {
    return this.#connection.send({
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
  }

  /** `GET /identity/accounts/{id}`; an answer carrying another id is a {@link PaxosResponseError}. */
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
    return this.#account(answer, id);
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
    return this.#account(answer, id);
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
    if (!sameId(dto.account_id, accountId))
      throw this.#connection.invalid(answer, 'the account-members response asked for', [
        'account_id: not the one sent',
      ]);
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

  /** The account of a 2xx answer; with `id`, it must be that account (Paxos echoes the id asked for). */
  #account(answer: PaxosAnswer, id?: string): Account {
    const mapped = toAccount(this.#connection.decode(AccountDto, answer, 'an account'));
    if (!mapped.ok) throw this.#connection.invalid(answer, 'an account', mapped.issues);
    if (id !== undefined && !sameId(mapped.value.id, id))
      throw this.#connection.invalid(answer, 'the account asked for', ['id: not the one asked for']);
    return mapped.value;
  }
}

/** Why `answered` is not the account a create sent: field names only. */
function notTheOneSent(answered: Account, sent: NewAccount): string[] {
  const issues: string[] = [];
  if (!sameRefId(answered.refId, sent.refId)) issues.push('ref_id: not the one sent');
  if (!sameId(answered.identityId, sent.identityId)) issues.push('identity_id: not the one sent');
  return issues;
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
