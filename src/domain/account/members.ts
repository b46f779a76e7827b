import { readFields } from '../shared/field-table.js';
import { IdentityValidationError } from '../shared/errors.js';
import { keys, readArray, readObject, readString, type ArrayRule } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import { ACCOUNT_MEMBER_TABLE, ROLES_UPDATE_MAY_CHANGE, type AccountMember } from './account.js';

const MEMBER_FIELDS = keys('identityId', 'roles');
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function parseMember(v: ViolationList, path: string, value: unknown): AccountMember | undefined {
  const f = readObject(v, path, value, MEMBER_FIELDS, true);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const got = readFields(v, path, f, ACCOUNT_MEMBER_TABLE);
  if (v.items.length !== before || got['identityId'] === undefined || got['roles'] === undefined) return undefined;
  return Object.freeze({
    identityId: got['identityId'] as string,
    roles: Object.freeze([...(got['roles'] as string[])]),
  });
}

/** Reads a list of members at `path`: each an identity id and at least one role of `AccountMemberRole`. */
export function readAccountMembers(
  v: ViolationList,
  path: string,
  value: unknown,
  rule: ArrayRule,
): AccountMember[] | undefined {
  return readArray(v, path, value, rule, (itemPath, item) => parseMember(v, itemPath, item));
}

/**
 * Checks members to add to an account (`POST /identity/account-members`): a non-empty list (Paxos's schema), each
 * member an identity id and at least one role. They join the members already there.
 *
 * @param members a list of `AccountMemberInput`, or any value an untyped caller sends (it is checked all the same).
 * @throws {IdentityValidationError} listing every problem, with paths `members[i].roles[j]` and the like.
 */
export function parseAccountMembersToAdd(members: unknown): AccountMember[] {
  const v = new ViolationList();
  const parsed = readAccountMembers(v, 'members', members, { required: true, minItems: 1 });
  if (!v.isEmpty || parsed === undefined) throw new IdentityValidationError(v.items, { subject: 'account members' });
  return parsed;
}

/**
 * Reports, at `path`, every role that replacing `current` by `next` adds or removes and that Update Account may not
 * change (§3.8: only FINANCIAL_ADVISOR and AUTHORIZED_USER). A member left out loses all its roles; a new one gains
 * all of its own.
 */
export function checkMembersReplacement(
  v: ViolationList,
  path: string,
  current: readonly AccountMember[],
  next: readonly AccountMember[],
): void {
  const rolesOf = (members: readonly AccountMember[]) => {
    const out = new Map<string, Set<string>>();
    for (const m of members) {
      const set = out.get(m.identityId) ?? new Set<string>();
      for (const role of m.roles) set.add(role);
      out.set(m.identityId, set);
    }
    return out;
  };
  const before = rolesOf(current);
  const after = rolesOf(next);
  const may = new Set<string>(ROLES_UPDATE_MAY_CHANGE);
  const changed = new Set<string>();
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(id) ?? new Set<string>();
    const is = after.get(id) ?? new Set<string>();
    for (const role of was) if (!is.has(role) && !may.has(role)) changed.add(`removes ${role}`);
    for (const role of is) if (!was.has(role) && !may.has(role)) changed.add(`adds ${role}`);
  }
  for (const change of changed) {
    v.add(
      path,
      'forbidden',
      `${change}: Update Account may only add or remove FINANCIAL_ADVISOR and AUTHORIZED_USER roles (use addAccountMembers or removeAccountMember)`,
    );
  }
}

/**
 * Checks an account id, or an account-member id, before it goes into a URL path or a body.
 *
 * @throws {IdentityValidationError} when `value` is not 1–64 letters, digits, `.`, `_` and `-`.
 */
export function parseAccountId(value: unknown, path = 'accountId'): string {
  const v = new ViolationList();
  const id = readString(v, path, value, {
    required: true,
    max: 64,
    pattern: ID,
    patternMessage: 'must be an id (letters, digits, ".", "_" and "-")',
  });
  if (id === undefined) throw new IdentityValidationError(v.items, { subject: 'account id' });
  return id;
}
