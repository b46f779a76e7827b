import { IdentityValidationError } from '../shared/errors.js';
import { readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import { parseMembers, type InstitutionMember } from '../identity/institution-member.js';
import type { Identity } from '../identity/identity.js';

/** What adding members to an institution resolves to: the institution and the member links just made, with ids. */
export interface InstitutionMembersAdded {
  readonly institutionId: string;
  readonly members: readonly InstitutionMember[];
}

/**
 * Checks members to add to `institution`: it must be an INSTITUTION, each member valid with roles its institution type
 * allows (the same rules as on create) and at least one member. A person listed twice or already a member is sent
 * (Paxos documents no rule against it).
 *
 * @param members a list of `InstitutionMemberInput`, or any value an untyped caller sends (it is checked all the same).
 * @throws {IdentityValidationError} listing every problem, with paths `members[i].roles[j]` and the like.
 */
export function parseMembersToAdd(institution: Identity, members: unknown): InstitutionMember[] {
  const v = new ViolationList();
  if (institution.type !== 'INSTITUTION') {
    v.add('institutionId', 'forbidden', 'must be the id of an INSTITUTION identity');
    throw new IdentityValidationError(v.items, { subject: 'institution members' });
  }
  const current = institution.institutionMembers ?? [];
  const parsed = parseMembers(v, 'members', members, institution.institution?.institutionType, current);
  const existing = new Set(current.map((m) => m.identityId));
  // Paxos documents no refusal of a person who is already a member: it is advice, not a rule.
  parsed?.forEach((member, i) => {
    if (existing.has(member.identityId))
      v.warn(`members[${i}].identityId`, 'duplicate', 'is already a member of this institution');
  });
  if (!v.isEmpty || parsed === undefined)
    throw new IdentityValidationError(v.items, { subject: 'institution members' });
  return parsed;
}

/**
 * Checks a member-link id (the `id` of an institution member, not the person's identity id) before it goes into a URL.
 *
 * @throws {IdentityValidationError} when it is not 1–64 letters, digits, `.`, `_` and `-`.
 */
export function parseMemberId(value: unknown): string {
  const v = new ViolationList();
  const id = readString(v, 'memberId', value, {
    required: true,
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    patternMessage: 'must be a member id (letters, digits, ".", "_" and "-")',
  });
  if (id === undefined) throw new IdentityValidationError(v.items, { subject: 'institution member id' });
  return id;
}
