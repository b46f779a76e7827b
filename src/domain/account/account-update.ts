import { IdentityValidationError } from '../shared/errors.js';
import { keys, readBoolean, readObject, readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import { parseMetadata, type Metadata } from '../identity/metadata.js';
import type { Account, AccountMember, AccountMemberInput } from './account.js';
import { checkMembersReplacement, readAccountMembers } from './members.js';

/**
 * What may change on an account (Update Account, §3.8). `metadata` and `members` replace what the account holds, as a
 * whole: send every member that stays. The primary `identityId` cannot change.
 *
 * @example
 * ```ts
 * // Adds an advisor while keeping Jane, a beneficial owner:
 * await service.updateAccount(account.id, {
 *   members: [
 *     { identityId: jane.id, roles: ['BENEFICIAL_OWNER'] },
 *     { identityId: advisor.id, roles: ['FINANCIAL_ADVISOR'] },
 *   ],
 * });
 * await service.updateAccount(account.id, { setUserDisabled: true });
 * ```
 */
export interface AccountChanges {
  description?: string;
  refId?: string;
  /** Replaces the whole metadata. */
  metadata?: Record<string, string>;
  /**
   * Replaces the whole list, which must keep at least one member; only FINANCIAL_ADVISOR and AUTHORIZED_USER roles may
   * come or go this way.
   */
  members?: AccountMemberInput[];
  /** True disables the account; false enables it again (unless a Paxos admin disabled it). */
  setUserDisabled?: boolean;
}

/** The checked changes, as sent. */
export interface AccountDelta {
  readonly description?: string;
  readonly refId?: string;
  readonly metadata?: Metadata;
  readonly members?: readonly AccountMember[];
  readonly setUserDisabled?: boolean;
}

const CHANGE_FIELDS = keys('description', 'refId', 'metadata', 'members', 'setUserDisabled');

/**
 * Reads the changes on their own: types, lengths, a non-empty `members` list of valid members, and at least one
 * change. The rules that need the account as it is are {@link AccountUpdate.create}'s.
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseAccountChanges(changes: unknown): AccountDelta {
  const v = new ViolationList();
  const f = readObject(v, '', changes, CHANGE_FIELDS, true);
  const out: { -readonly [K in keyof AccountDelta]: AccountDelta[K] } = {};
  if (f !== undefined) {
    const description = readString(v, 'description', f.get('description'), { max: 1000 });
    if (description !== undefined) out.description = description;
    const refId = readString(v, 'refId', f.get('refId'), { max: 255 });
    if (refId !== undefined) out.refId = refId;
    const metadata = parseMetadata(v, 'metadata', f.get('metadata'));
    if (metadata !== undefined) out.metadata = metadata;
    // §3.8: Update Account needs at least one member; removing the last one is Delete Account Member's job.
    const members = readAccountMembers(v, 'members', f.get('members'), { required: false, minItems: 1 });
    if (members !== undefined) out.members = Object.freeze(members);
    const disabled = readBoolean(v, 'setUserDisabled', f.get('setUserDisabled'));
    if (disabled !== undefined) out.setUserDisabled = disabled;
    if (v.isEmpty && Object.keys(out).length === 0) v.add('', 'required', 'must change at least one field');
  }
  if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'account changes' });
  return Object.freeze(out);
}

/** An update checked against the account it applies to. Immutable. */
export class AccountUpdate {
  private constructor(readonly delta: AccountDelta) {
    Object.freeze(this);
  }

  /**
   * Checks `changes` against `current`: every rule of {@link parseAccountChanges}, and a new `members` list that adds
   * or removes only FINANCIAL_ADVISOR and AUTHORIZED_USER roles.
   *
   * @throws {IdentityValidationError} naming every broken rule; nothing is sent.
   */
  static create(current: Account, changes: unknown): AccountUpdate {
    const delta = parseAccountChanges(changes);
    if (delta.members !== undefined) {
      const v = new ViolationList();
      checkMembersReplacement(v, 'members', current.members ?? [], delta.members);
      if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'account changes' });
    }
    return new AccountUpdate(delta);
  }
}
