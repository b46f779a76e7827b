/**
 * The rules Paxos documents for account bodies beyond their schemas (reference §3.8; SPEC25 operations CreateAccount,
 * UpdateAccount, AddAccountMembers), written from the reference alone: nothing of the library's domain is imported,
 * so that a rule the library gets wrong is not repeated here.
 */
import { isWireObject, type IssueCode, type WireIssue, type WireObject } from './schemas.js';

/** The roles Update Account may add or remove (§3.8). */
const UPDATABLE_ROLES = new Set(['FINANCIAL_ADVISOR', 'AUTHORIZED_USER']);
/** Create Account: "Any fields not listed are forbidden" (§3.8); `type` is allowed by §12 #11. */
const CREATE_FIELDS = new Set(['identity_id', 'description', 'metadata', 'ref_id', 'members', 'type']);
/** Update Account's table of the fields it updates (and `identity_id`, judged against the account). */
const UPDATE_FIELDS = new Set(['id', 'identity_id', 'description', 'ref_id', 'metadata', 'members']);

class Issues {
  readonly items: WireIssue[] = [];

  add(path: string, code: IssueCode, message: string, stateful = false): void {
    this.items.push({ path, code, message: `${path}: ${message}`, ...(stateful && { stateful }) });
  }
}

function membersOf(value: unknown): WireObject[] {
  return Array.isArray(value) ? value.filter(isWireObject) : [];
}

/** A member's roles: `roles`, or the schema's single `type`. */
function rolesOf(member: WireObject): string[] {
  const roles = member['roles'];
  if (Array.isArray(roles)) return roles.filter((r): r is string => typeof r === 'string');
  return typeof member['type'] === 'string' ? [member['type']] : [];
}

function refuseMemberIds(issues: Issues, path: string, members: unknown): void {
  membersOf(members).forEach((member, i) => {
    // AccountMember.id: "Specifying an ID when creating an account member is a client error."
    if (member['id'] !== undefined) issues.add(`${path}[${i}].id`, 'forbidden', 'is set by Paxos; do not send it');
  });
}

function refuseUnlisted(issues: Issues, account: WireObject, allowed: ReadonlySet<string>, why: string): void {
  for (const key of Object.keys(account)) {
    if (!allowed.has(key)) {
      const shown = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) ? key : '<key>';
      issues.add(`account.${shown}`, 'forbidden', why);
    }
  }
}

/** `CreateAccountRequest`: `account.identity_id` required, no Paxos-set field, no member id. */
export function createAccountRules(body: WireObject, strict: boolean): WireIssue[] {
  const issues = new Issues();
  const account = body['account'];
  if (!isWireObject(account)) return issues.items;
  const identityId = account['identity_id'];
  if (typeof identityId !== 'string' || identityId === '')
    issues.add('account.identity_id', 'required', 'is required on create');
  if (account['id'] !== undefined) issues.add('account.id', 'forbidden', 'is auto-generated on create; do not set it');
  else if (strict) refuseUnlisted(issues, account, CREATE_FIELDS, 'is not a field Create Account accepts');
  refuseMemberIds(issues, 'account.members', account['members']);
  return issues.items;
}

/**
 * `UpdateAccountRequest` against the account as it is (`current`, Paxos's JSON): `account.id` required, the primary
 * identity unchanged, a `members` list of at least one member that adds or removes only FINANCIAL_ADVISOR and
 * AUTHORIZED_USER roles.
 */
export function updateAccountRules(body: WireObject, current: WireObject | undefined, strict: boolean): WireIssue[] {
  const issues = new Issues();
  const account = body['account'];
  if (!isWireObject(account)) return issues.items;
  const id = account['id'];
  if (typeof id !== 'string' || id === '') issues.add('account.id', 'required', 'is required on update');
  if (strict) refuseUnlisted(issues, account, UPDATE_FIELDS, 'is not a field Update Account updates');
  if (current === undefined) return issues.items;
  const identityId = account['identity_id'];
  if (identityId !== undefined && identityId !== current['identity_id'])
    issues.add('account.identity_id', 'forbidden', 'is not writable on update', true);
  const members = account['members'];
  if (members === undefined) return issues.items;
  if (Array.isArray(members) && members.length === 0) {
    issues.add(
      'account.members',
      'min_items',
      'must have at least 1 item (use Delete Account Member to remove the last)',
    );
    return issues.items;
  }
  const byIdentity = (list: WireObject[]) => {
    const out = new Map<string, Set<string>>();
    for (const member of list) {
      const key = typeof member['identity_id'] === 'string' ? member['identity_id'] : '';
      const set = out.get(key) ?? new Set<string>();
      for (const role of rolesOf(member)) set.add(role);
      out.set(key, set);
    }
    return out;
  };
  const before = byIdentity(membersOf(current['members']));
  const after = byIdentity(membersOf(members));
  const refused = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key) ?? new Set<string>();
    const is = after.get(key) ?? new Set<string>();
    for (const role of was) if (!is.has(role) && !UPDATABLE_ROLES.has(role)) refused.add(role);
    for (const role of is) if (!was.has(role) && !UPDATABLE_ROLES.has(role)) refused.add(role);
  }
  for (const role of refused)
    issues.add(
      'account.members',
      'forbidden',
      `may not add or remove the ${role} role: only FINANCIAL_ADVISOR and AUTHORIZED_USER can be added or removed this way`,
      true,
    );
  return issues.items;
}

/** `AddAccountMembersRequest`: a non-empty `members` list (its schema's description), no member id. */
export function addAccountMembersRules(body: WireObject): WireIssue[] {
  const issues = new Issues();
  const members = body['members'];
  if (Array.isArray(members) && members.length === 0) issues.add('members', 'min_items', 'must be a non-empty array');
  refuseMemberIds(issues, 'members', members);
  return issues.items;
}
