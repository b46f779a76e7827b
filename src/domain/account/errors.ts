import { IdentityServiceError, type IdentityServiceErrorOptions } from '../shared/errors.js';

/** No account with this id exists for these credentials. */
export class AccountNotFoundError extends IdentityServiceError {
  readonly code = 'account_not_found';
  readonly accountId: string;

  constructor(accountId: string, options: IdentityServiceErrorOptions = {}) {
    super(`Account not found: ${accountId.slice(0, 64)}`, options);
    this.accountId = accountId.slice(0, 64);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), accountId: this.accountId };
  }
}

/** No account-member link with this id exists for these credentials (remove members by the link id). */
export class AccountMemberNotFoundError extends IdentityServiceError {
  readonly code = 'account_member_not_found';
  readonly memberId: string;

  constructor(memberId: string, options: IdentityServiceErrorOptions = {}) {
    super(`Account member not found: ${memberId.slice(0, 64)}`, options);
    this.memberId = memberId.slice(0, 64);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), memberId: this.memberId };
  }
}

/**
 * Paxos already holds an account with this `refId` (unique per API user, §6.1) for another identity. `existingId` is
 * that account's id. A retried create for the same identity is not an error: it resolves to the existing account.
 */
export class AccountAlreadyExistsError extends IdentityServiceError {
  readonly code = 'account_already_exists';
  readonly existingId: string;

  constructor(existingId: string, options: IdentityServiceErrorOptions = {}) {
    super(`An account with the same refId already exists: ${existingId.slice(0, 64)}`, options);
    this.existingId = existingId.slice(0, 64);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), existingId: this.existingId };
  }
}
