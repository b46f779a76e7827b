import { inputNames, readFields, table, type ReadHooks } from '../shared/field-table.js';
import { readArray, readEnum, readObject } from '../shared/guard.js';
import type { ViolationList } from '../shared/violations.js';
import { INSTITUTION_ROLE_TYPES, type IdentityStatus, type InstitutionRoleType, type Open } from './enums.js';

/** A member of an institution in a create command: an existing PERSON identity and its roles. */
export interface InstitutionMemberInput {
  /** Id of an existing identity of the same API user. */
  identityId: string;
  /** The member's roles. A TRUST's members may only hold TRUSTEE, GRANTOR or BENEFICIARY, and one must hold one. */
  roles?: InstitutionRoleType[];
  /** Ownership in percent as a decimal, `"25"` or `"12.5"` (a value outside 0 to 100 is warned about). */
  ownership?: string | number;
  position?: string;
}

/** A member of an institution as Paxos returns it. */
export interface InstitutionMember {
  /** The member link's id, set by Paxos; remove a member by this id. */
  readonly id?: string;
  readonly identityId: string;
  /** Empty when the member was given no role. */
  readonly roles: readonly Open<InstitutionRoleType>[];
  readonly ownership?: string;
  readonly position?: string;
  /** Set by Paxos: the member's name. */
  readonly name?: string;
  /** Set by Paxos: the member identity's summary status. */
  readonly summaryStatus?: Open<IdentityStatus>;
}

/**
 * The role grid of Paxos's institution types guide (API reference §6.5). A trust allows *only* its three roles, so
 * another role is refused; for operating companies the guide lists the roles they use without excluding others
 * (ACCOUNT_OPENER is in Paxos's enum but in no row), so another role there is sent with a warning. Types missing
 * here have no documented grid.
 */
const ROLES_BY_TYPE: Readonly<
  Record<string, { readonly roles: readonly InstitutionRoleType[]; readonly only: boolean }>
> = {
  TRUST: { roles: ['TRUSTEE', 'GRANTOR', 'BENEFICIARY'], only: true },
  CORPORATION: { roles: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'], only: false },
  LLC: { roles: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'], only: false },
  PARTNERSHIP: { roles: ['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'], only: false },
};

/** Roles an operating company's guide says it "typically requires" among its members (§6.5): advice only. */
const TYPICAL_COMPANY_ROLES: readonly InstitutionRoleType[] = ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'];

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
    // Paxos's schema requires only identity_id: a member without roles is sent (with a warning), held as [].
    required: 'held',
  },
  /** A decimal percentage: a string on the wire, a string or a number in a command. */
  { name: 'ownership', wire: 'ownership', type: 'decimal', kind: 'custom' },
  { name: 'position', wire: 'position', type: 'string', kind: 'text', max: 200 },
  { name: 'name', wire: 'name', type: 'string', kind: 'text', serverSet: true },
  { name: 'summaryStatus', wire: 'summary_status', type: 'string', kind: 'text', serverSet: true },
]);

const MEMBER_FIELDS = inputNames(INSTITUTION_MEMBER_TABLE);
/** Paxos's `decimal` format, as its schema's validator reads it. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * The roles Paxos's guide lists for an institution type, or undefined when it lists none. Only a TRUST's list is
 * exclusive (see {@link rolesRestrictedFor}).
 */
export function rolesAllowedFor(institutionType: string | undefined): readonly InstitutionRoleType[] | undefined {
  return institutionType === undefined ? undefined : ROLES_BY_TYPE[institutionType]?.roles;
}

/** True when a role outside {@link rolesAllowedFor} is refused for this institution type (a TRUST), not only advised against. */
export function rolesRestrictedFor(institutionType: string | undefined): boolean {
  return institutionType !== undefined && ROLES_BY_TYPE[institutionType]?.only === true;
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
  if (!DECIMAL.test(text)) {
    v.add(path, 'format', 'must be a decimal percentage such as 25 or 12.5');
    return undefined;
  }
  const percent = Number(text);
  if (percent < 0 || percent > 100) v.warn(path, 'range', 'is a percentage outside 0 to 100; it is sent as given');
  return text;
}

const HOOKS: ReadHooks = {
  read: {
    // The context is the institution's type, which decides the roles allowed.
    roles: (v, rolesPath, raw, _got, institutionType) => {
      const type = institutionType as string | undefined;
      const allowed = rolesAllowedFor(type);
      const only = rolesRestrictedFor(type);
      // Paxos's schema requires no role (only identity_id), so a member without one is sent, with a warning.
      if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
        v.warn(rolesPath, 'required', 'is empty: the member is added without a role');
        return [];
      }
      return readArray(v, rolesPath, raw, { adviseItems: INSTITUTION_ROLE_TYPES.length }, (rolePath, role) => {
        const parsed = readEnum(v, rolePath, role, INSTITUTION_ROLE_TYPES, true);
        if (parsed !== undefined && allowed !== undefined && !allowed.includes(parsed)) {
          if (only) {
            v.add(
              rolePath,
              'forbidden',
              `is not a role a ${type ?? ''} member may hold (allowed: ${allowed.join(', ')})`,
            );
            return undefined;
          }
          v.warn(
            rolePath,
            'unexpected',
            `is not among the roles Paxos lists for a ${type ?? ''} (${allowed.join(', ')})`,
          );
        }
        return parsed;
      });
    },
    ownership: (v, ownershipPath, raw) => readOwnership(v, ownershipPath, raw),
  },
};

/** Checks one member: an identity id, roles allowed for the institution type, ownership in Paxos's decimal format. */
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

/**
 * Checks the member list of a new institution: at least one member (§6.5), each valid, and for a TRUST at least one
 * member holding a trust role (changelog 2025-10-27). An identity listed twice, and an operating company without a
 * beneficial owner or a control person, are warned about. `existing` are the members the institution already has
 * when members are added to it (then the trust rule, a rule of the created institution, is not run again).
 */
export function parseMembers(
  v: ViolationList,
  path: string,
  value: unknown,
  institutionType: string | undefined,
  existing?: readonly InstitutionMember[],
): InstitutionMember[] | undefined {
  const before = v.items.length;
  const members = readArray(v, path, value, { required: true, minItems: 1 }, (itemPath, item) =>
    parseMember(v, itemPath, item, institutionType),
  );
  if (members === undefined) return undefined;
  const seen = new Set<string>();
  members.forEach((member) => {
    if (seen.has(member.identityId)) v.warn(path, 'duplicate', 'lists the same identityId more than once');
    seen.add(member.identityId);
  });
  // Judged on a list that read cleanly: a member refused for its own reasons would make the count wrong.
  if (v.items.length === before && members.length > 0) {
    const held = new Set([...(existing ?? []), ...members].flatMap((m) => m.roles));
    const grid = institutionType === undefined ? undefined : ROLES_BY_TYPE[institutionType];
    // The rule is on the institution Paxos creates; members added later join members Paxos already accepted.
    if (existing === undefined && grid?.only === true && !grid.roles.some((role) => held.has(role)))
      v.add(path, 'required', `must include a member holding one of ${grid.roles.join(', ')}`);
    if (grid !== undefined && !grid.only) {
      const missing = TYPICAL_COMPANY_ROLES.filter((role) => !held.has(role));
      if (missing.length > 0)
        v.warn(
          path,
          'required',
          `has no ${missing.join(' or ')}, which Paxos typically requires of a ${institutionType ?? ''}`,
        );
    }
  }
  return members;
}
