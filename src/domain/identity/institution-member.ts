import { keys, readArray, readEnum, readObject, readString } from '../shared/guard.js';
import { at, type ViolationList } from '../shared/violations.js';
import { INSTITUTION_ROLE_TYPES, type IdentityStatus, type InstitutionRoleType, type Open } from './enums.js';

/** A member of an institution in a create command: an existing PERSON identity and its roles. */
export interface InstitutionMemberInput {
  /** Id of an existing identity of the same API user. */
  identityId: string;
  roles: InstitutionRoleType[];
  /** Ownership in percent as a decimal, `"25"` or `"12.5"`; 0 to 100. */
  ownership?: string | number;
  position?: string;
}

/** A member of an institution as Paxos returns it. */
export interface InstitutionMember {
  /** The member link's id, set by Paxos; remove a member by this id. */
  readonly id?: string;
  readonly identityId: string;
  readonly roles: readonly Open<InstitutionRoleType>[];
  readonly ownership?: string;
  readonly position?: string;
  /** Set by Paxos: the member's name. */
  readonly name?: string;
  /** Set by Paxos: the member identity's summary status. */
  readonly summaryStatus?: Open<IdentityStatus>;
}

/** Roles each institution type allows. Types missing here have no documented grid and accept any role. */
const ROLES_BY_TYPE: Readonly<Record<string, readonly InstitutionRoleType[]>> = {
  TRUST: ['TRUSTEE', 'GRANTOR', 'BENEFICIARY'],
  CORPORATION: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'],
  LLC: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'],
  PARTNERSHIP: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'],
};

const MEMBER_FIELDS = keys('identityId', 'roles', 'ownership', 'position');
const DECIMAL = /^\d{1,3}(\.\d{1,10})?$/;

/** Roles an institution type allows, or undefined when any role is accepted. */
export function rolesAllowedFor(institutionType: string | undefined): readonly InstitutionRoleType[] | undefined {
  return institutionType === undefined ? undefined : ROLES_BY_TYPE[institutionType];
}

function readOwnership(v: ViolationList, path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'string') text = value;
  else {
    v.add(path, 'type', 'must be a decimal string or a number');
    return undefined;
  }
  if (!DECIMAL.test(text) || Number(text) > 100) {
    v.add(path, 'range', 'must be a decimal percentage from 0 to 100');
    return undefined;
  }
  return text;
}

/** Checks one member: an identity id, at least one role allowed for the institution type, ownership 0–100. */
function parseMember(
  v: ViolationList,
  path: string,
  value: unknown,
  institutionType: string | undefined,
): InstitutionMember | undefined {
  const f = readObject(v, path, value, MEMBER_FIELDS, true);
  if (f === undefined) return undefined;
  const before = v.items.length;
  const identityId = readString(v, at(path, 'identityId'), f.get('identityId'), {
    required: true,
    max: 64,
    pattern: /^[A-Za-z0-9._-]+$/,
  });
  const allowed = rolesAllowedFor(institutionType);
  const roles = readArray(
    v,
    at(path, 'roles'),
    f.get('roles'),
    { required: true, minItems: 1, maxItems: INSTITUTION_ROLE_TYPES.length },
    (rolePath, role) => {
      const parsed = readEnum(v, rolePath, role, INSTITUTION_ROLE_TYPES, true);
      if (parsed !== undefined && allowed !== undefined && !allowed.includes(parsed)) {
        v.add(
          rolePath,
          'forbidden',
          `is not a role a ${institutionType ?? ''} member may hold (allowed: ${allowed.join(', ')})`,
        );
        return undefined;
      }
      return parsed;
    },
  );
  const ownership = readOwnership(v, at(path, 'ownership'), f.get('ownership'));
  const position = readString(v, at(path, 'position'), f.get('position'), { max: 200 });
  if (v.items.length !== before || identityId === undefined || roles === undefined) return undefined;
  const member: { -readonly [K in keyof InstitutionMember]: InstitutionMember[K] } = { identityId, roles };
  if (ownership !== undefined) member.ownership = ownership;
  if (position !== undefined) member.position = position;
  return member;
}

/** Checks the member list of a new institution: at least one member, each valid, no identity listed twice. */
export function parseMembers(
  v: ViolationList,
  path: string,
  value: unknown,
  institutionType: string | undefined,
): InstitutionMember[] | undefined {
  const members = readArray(v, path, value, { required: true, minItems: 1 }, (itemPath, item) =>
    parseMember(v, itemPath, item, institutionType),
  );
  if (members === undefined) return undefined;
  const seen = new Set<string>();
  members.forEach((member) => {
    if (seen.has(member.identityId)) v.add(path, 'duplicate', 'lists the same identityId more than once');
    seen.add(member.identityId);
  });
  return members;
}
