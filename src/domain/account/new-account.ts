import { IdentityValidationError } from '../shared/errors.js';
import { readFields, type ReadHooks } from '../shared/field-table.js';
import { keys, readBoolean, readObject, readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import { parseMetadata, type Metadata } from '../identity/metadata.js';
import type { AccountType } from '../identity/enums.js';
import { ACCOUNT_TABLE, type AccountMember, type AccountMemberInput } from './account.js';
import { readAccountMembers } from './members.js';

/**
 * What a caller sends to open an account: the camelCase of Paxos's `CreateAccountRequest` (`account` flattened, with
 * `createProfile` beside it). Only `identityId` is required.
 *
 * @example
 * ```ts
 * const command: CreateAccountCommand = {
 *   identityId: john.id,
 *   description: 'Joint account of John and Jane Doe',
 *   members: [{ identityId: jane.id, roles: ['BENEFICIAL_OWNER'] }],
 *   createProfile: true,
 * };
 * ```
 */
export interface CreateAccountCommand {
  /** The primary owner, for tax purposes; an identity of the same API user. */
  identityId: string;
  description?: string;
  /** Your id for the account, unique per API user; makes retries safe. A UUID v4 is generated when absent. */
  refId?: string;
  metadata?: Record<string, string>;
  /** Further identities on the account (a joint owner, an advisor); the primary identity is a BENEFICIAL_OWNER already. */
  members?: AccountMemberInput[];
  /**
   * Paxos's guides send it, Create Account's field list does not name it (reference §12 #11); the schema has the field,
   * so the library sends it when given.
   */
  type?: AccountType;
  /** Make a NORMAL profile for the account's balances; it cannot be attached later. */
  createProfile?: boolean;
}

const COMMAND_FIELDS = keys('identityId', 'description', 'refId', 'metadata', 'members', 'type', 'createProfile');

const HOOKS: ReadHooks = {
  read: {
    metadata: (v, path, value) => parseMetadata(v, path, value),
    members: (v, path, value) => readAccountMembers(v, path, value, { required: false }),
  },
};

const REF_ID_RULE = { max: 255, required: true } as const;

/** A create command that passed every rule the library knows; what the gateways take. Immutable. */
export class NewAccount {
  readonly identityId: string;
  readonly description: string | undefined;
  readonly refId: string | undefined;
  readonly metadata: Metadata | undefined;
  readonly members: readonly AccountMember[] | undefined;
  readonly type: AccountType | undefined;
  readonly createProfile: boolean;

  private constructor(props: Omit<NewAccount, 'withRefId'>) {
    this.identityId = props.identityId;
    this.description = props.description;
    this.refId = props.refId;
    this.metadata = props.metadata;
    this.members = props.members;
    this.type = props.type;
    this.createProfile = props.createProfile;
    Object.freeze(this);
  }

  /**
   * Checks `command` and returns the account to create.
   *
   * @param command a {@link CreateAccountCommand}, or any value an untyped caller sends (it is checked all the same).
   * @throws {IdentityValidationError} listing every broken rule (`identityId`, `members[0].roles[1]`, ...).
   */
  static create(command: unknown): NewAccount {
    const v = new ViolationList();
    const f = readObject(v, '', command, COMMAND_FIELDS, true);
    if (f === undefined) throw new IdentityValidationError(v.items, { subject: 'account' });
    const got = readFields(v, '', f, ACCOUNT_TABLE, HOOKS);
    const createProfile = readBoolean(v, 'createProfile', f.get('createProfile'));
    if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'account' });
    const refId = got['refId'] as string | undefined;
    return new NewAccount({
      identityId: got['identityId'] as string,
      description: got['description'] as string | undefined,
      refId: refId === '' ? undefined : refId,
      metadata: got['metadata'] as Metadata | undefined,
      members: got['members'] === undefined ? undefined : Object.freeze([...(got['members'] as AccountMember[])]),
      type: got['type'] as AccountType | undefined,
      createProfile: createProfile ?? false,
    });
  }

  /** The same account with `refId` set (the create use case gives one to every command that has none). */
  withRefId(refId: string): NewAccount {
    const v = new ViolationList();
    const checked = readString(v, 'refId', refId, REF_ID_RULE);
    if (checked === undefined) throw new IdentityValidationError(v.items, { subject: 'account' });
    return new NewAccount({
      identityId: this.identityId,
      description: this.description,
      refId: checked,
      metadata: this.metadata,
      members: this.members,
      type: this.type,
      createProfile: this.createProfile,
    });
  }
}
