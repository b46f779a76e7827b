import { ACCOUNT_MEMBER_TABLE, ACCOUNT_TABLE } from '../../domain/account/account.js';
import type { Account, AccountDelta, AccountMember, Metadata, NewAccount } from '../../domain/index.js';
import type { AccountDto, AccountMemberDto } from './dto/account.dto.js';
import { detailsToWire } from './mapper.js';
import { isPresent } from './present.js';

// The one translation between the domain's accounts and Paxos's snake_case `Account` JSON, from the same tables.

type Plain = Record<string, unknown>;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Read by their own rules below, not copied field by field. */
const BY_HAND = new Set(['members', 'metadata']);

/** One account member as Paxos takes it: `identity_id` and `roles` (the id and `type` are Paxos's). */
export function accountMemberToWire(member: AccountMember): Plain {
  return detailsToWire(ACCOUNT_MEMBER_TABLE, member);
}

function metadataToWire(metadata: Metadata): Record<string, string> {
  return { ...metadata };
}

/** The `CreateAccountRequest`: `account` with only the fields Create Account lists (§3.8), `create_profile` when true. */
export function toCreateAccountRequest(account: NewAccount): Plain {
  const wire: Plain = { identity_id: account.identityId };
  if (account.description !== undefined) wire['description'] = account.description;
  if (account.metadata !== undefined) wire['metadata'] = metadataToWire(account.metadata);
  if (account.refId !== undefined) wire['ref_id'] = account.refId;
  if (account.members !== undefined) wire['members'] = account.members.map(accountMemberToWire);
  if (account.type !== undefined) wire['type'] = account.type;
  return { account: wire, ...(account.createProfile && { create_profile: true }) };
}

/** The `UpdateAccountRequest`: the id in the body (the route has none), only the delta, `set_user_disabled` beside. */
export function toUpdateAccountRequest(id: string, delta: AccountDelta): Plain {
  const wire: Plain = { id };
  if (delta.description !== undefined) wire['description'] = delta.description;
  if (delta.refId !== undefined) wire['ref_id'] = delta.refId;
  if (delta.metadata !== undefined) wire['metadata'] = metadataToWire(delta.metadata);
  if (delta.members !== undefined) wire['members'] = delta.members.map(accountMemberToWire);
  return { account: wire, ...(delta.setUserDisabled !== undefined && { set_user_disabled: delta.setUserDisabled }) };
}

/** One member as the domain holds it; a member with only the schema's single `type` gets it as its one role. */
export function accountMemberFromWire(wire: AccountMemberDto): AccountMember {
  const roles = wire.roles ?? (isPresent(wire.type) ? [wire.type] : []);
  return Object.freeze({
    ...(isPresent(wire.id) && { id: wire.id }),
    identityId: wire.identity_id,
    roles: Object.freeze([...roles]),
  });
}

/** The domain account of a decoded `Account`, or the names of the fields it lacks (never values). */
export function toAccount(wire: AccountDto): { ok: true; value: Account } | { ok: false; issues: string[] } {
  const issues: string[] = [];
  if (!isPresent(wire.id) || wire.id === '') issues.push('id: isDefined');
  if (!isPresent(wire.identity_id) || wire.identity_id === '') issues.push('identity_id: isDefined');
  if (issues.length > 0) return { ok: false, issues };
  const source = wire as unknown as Plain;
  const out: Plain = {};
  for (const field of ACCOUNT_TABLE.fields) {
    if (BY_HAND.has(field.name)) continue;
    const item = source[field.wire];
    if (isPresent(item)) out[field.name] = item;
  }
  if (wire.metadata != null) {
    const metadata: Record<string, string> = {};
    for (const key of Object.keys(wire.metadata))
      if (!FORBIDDEN_KEYS.has(key)) metadata[key] = wire.metadata[key] as string;
    out['metadata'] = Object.freeze(metadata);
  }
  out['members'] = Object.freeze((wire.members ?? []).map(accountMemberFromWire));
  return { ok: true, value: Object.freeze(out) as unknown as Account };
}
