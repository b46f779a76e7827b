import { table } from '../shared/field-table.js';
import {
  ACCOUNT_MEMBER_ROLES,
  ACCOUNT_TYPES,
  type AccountMemberRole,
  type AccountType,
  type IdentityStatus,
  type Open,
} from '../identity/enums.js';
import type { Metadata } from '../identity/metadata.js';

/**
 * The roles Update Account may add to or remove from the members (§3.8): a BENEFICIAL_OWNER is added or removed with
 * Add Account Members and Delete Account Member only.
 */
export const ROLES_UPDATE_MAY_CHANGE: readonly AccountMemberRole[] = ['FINANCIAL_ADVISOR', 'AUTHORIZED_USER'];

/** A member of an account in a command: an existing identity of the same API user and its roles. */
export interface AccountMemberInput {
  /** Id of an existing identity of the same API user (not the account's primary identity's role: that one is implied). */
  identityId: string;
  /** At least one role. */
  roles: AccountMemberRole[];
}

/**
 * A member of an account as Paxos holds it. Members are immutable (§3.8): to change one, remove it and add it again,
 * or send the whole list with Update Account.
 */
export interface AccountMember {
  /** The member link's id, set by Paxos; remove a member by this id. */
  readonly id?: string;
  readonly identityId: string;
  readonly roles: readonly Open<AccountMemberRole>[];
}

/**
 * An account as Paxos returns it: the link between an identity (its primary owner, for tax purposes) and a profile
 * (balances). Frozen; build one with `createAccount`, never by hand.
 */
export interface Account {
  readonly id: string;
  /** The primary owner; not writable after create. */
  readonly identityId: string;
  readonly description?: string;
  readonly refId?: string;
  readonly metadata?: Metadata;
  /** Further identities on the account (joint owners, advisors); the primary identity is not listed here. */
  readonly members?: readonly AccountMember[];
  readonly type?: Open<AccountType>;
  /** The profile made by `createProfile: true`; absent when the account has none (one cannot be attached later). */
  readonly profileId?: string;
  readonly summaryStatus?: Open<IdentityStatus>;
  readonly adminDisabled?: boolean;
  readonly userDisabled?: boolean;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Paxos's `AccountMember`, field by field. */
export const ACCOUNT_MEMBER_TABLE = table('AccountMember', [
  { name: 'id', wire: 'id', type: 'string', kind: 'text', serverSet: true },
  {
    name: 'identityId',
    wire: 'identity_id',
    type: 'string',
    kind: 'text',
    max: 64,
    pattern: ID_PATTERN,
    required: 'always',
  },
  {
    name: 'roles',
    wire: 'roles',
    type: 'strings',
    kind: 'enums',
    values: ACCOUNT_MEMBER_ROLES,
    minItems: 1,
    required: 'always',
  },
  /** A single role, which Paxos's schema also lists; read, never sent (`roles` says it all). */
  { name: 'type', wire: 'type', type: 'string', kind: 'text', serverSet: true },
]);

/** Paxos's `Account`, field by field; `members` and `metadata` are read by the account module itself. */
export const ACCOUNT_TABLE = table('Account', [
  { name: 'id', wire: 'id', type: 'string', kind: 'text', serverSet: true },
  {
    name: 'identityId',
    wire: 'identity_id',
    type: 'string',
    kind: 'text',
    max: 64,
    pattern: ID_PATTERN,
    required: 'create',
  },
  { name: 'description', wire: 'description', type: 'string', kind: 'text', max: 1000 },
  { name: 'refId', wire: 'ref_id', type: 'string', kind: 'text', max: 255 },
  { name: 'metadata', wire: 'metadata', type: 'object', kind: 'custom' },
  { name: 'members', wire: 'members', type: 'objects', kind: 'custom', of: ACCOUNT_MEMBER_TABLE },
  // §12 #11: the guides send `type` although Create Account's field list omits it; the schema has it, so it is allowed.
  { name: 'type', wire: 'type', type: 'string', kind: 'enum', values: ACCOUNT_TYPES },
  { name: 'profileId', wire: 'profile_id', type: 'string', kind: 'text', serverSet: true },
  { name: 'summaryStatus', wire: 'summary_status', type: 'string', kind: 'text', serverSet: true },
  { name: 'adminDisabled', wire: 'admin_disabled', type: 'boolean', kind: 'boolean', serverSet: true },
  { name: 'userDisabled', wire: 'user_disabled', type: 'boolean', kind: 'boolean', serverSet: true },
  { name: 'createdAt', wire: 'created_at', type: 'string', kind: 'text', serverSet: true },
  { name: 'updatedAt', wire: 'updated_at', type: 'string', kind: 'text', serverSet: true },
]);
