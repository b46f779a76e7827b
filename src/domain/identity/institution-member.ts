import { inputNames, readFields, table, type ReadHooks } from '../shared/field-table.js';
import { readArray, readEnum, readObject } from '../shared/guard.js';
import type { ViolationList } from '../shared/violations.js';
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

/** Paxos's `InstitutionMember`, field by field. */
export const INSTITUTION_MEMBER_TABLE = table('InstitutionMember', [
  { name: 'id', wire: 'id', type: 'string', kind: 'text', serverSet: true },
  {
    name: 'identityId',
    wire: 'identity_id',
    type: 'string',
    kind: 'text',
    max: 64,
    pattern: /^[A-Za-z0-9._-]+$/,
    required: 'always',
  },
  {
    name: 'roles',
    wire: 'roles',
    type: 'strings',
    kind: 'custom',
    values: INSTITUTION_ROLE_TYPES,
    minItems: 1,
    required: 'always',
  },
  /** A decimal percentage: a string on the wire, a string or a number in a command. */
  { name: 'ownership', wire: 'ownership', type: 'decimal', kind: 'custom' },
  { name: 'position', wire: 'position', type: 'string', kind: 'text', max: 200 },
  { name: 'name', wire: 'name', type: 'string', kind: 'text', serverSet: true },
  { name: 'summaryStatus', wire: 'summary_status', type: 'string', kind: 'text', serverSet: true },
]);

const MEMBER_FIELDS = inputNames(INSTITUTION_MEMBER_TABLE);
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

const HOOKS: ReadHooks = {
  read: {
    // The context is the institution's type, which decides the roles allowed.
    roles: (v, rolesPath, raw, _got, institutionType) => {
      const type = institutionType as string | undefined;
      const allowed = rolesAllowedFor(type);
      return readArray(
        v,
        rolesPath,
        raw,
        { required: true, minItems: 1, maxItems: INSTITUTION_ROLE_TYPES.length },
        (rolePath, role) => {
          const parsed = readEnum(v, rolePath, role, INSTITUTION_ROLE_TYPES, true);
          if (parsed !== undefined && allowed !== undefined && !allowed.includes(parsed)) {
            v.add(
              rolePath,
              'forbidden',
              `is not a role a ${type ?? ''} member may hold (allowed: ${allowed.join(', ')})`,
            );
            return undefined;
          }
          return parsed;
        },
      );
    },
    ownership: (v, ownershipPath, raw) => readOwnership(v, ownershipPath, raw),
  },
};

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
  const got = readFields(v, path, f, INSTITUTION_MEMBER_TABLE, HOOKS, undefined, institutionType);
  if (v.items.length !== before || got['identityId'] === undefined || got['roles'] === undefined) return undefined;
  return got as unknown as InstitutionMember;
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
