import { IdentityValidationError } from '../shared/errors.js';
import {
  inputFields,
  objectFieldNames,
  readPastDateTime,
  sensitiveNames,
  type FieldTable,
} from '../shared/field-table.js';
import { keys, readBoolean, readObject, readString } from '../shared/guard.js';
import { Sensitive } from '../shared/sensitive.js';
import { ViolationList, type ValidationWarning, type Violation } from '../shared/violations.js';
import { ADDRESS_TABLE, type AddressInput } from './address.js';
import {
  CUSTOMER_DUE_DILIGENCE_TABLE,
  type CustomerDueDiligence,
  type CustomerDueDiligenceInput,
} from './customer-due-diligence.js';
import type { Identity } from './identity.js';
import { INSTITUTION_TABLE, type InstitutionDetails, type InstitutionDetailsInput } from './institution.js';
import { INSTITUTION_MEMBER_TABLE } from './institution-member.js';
import type { Metadata } from './metadata.js';
import { derivesTaxDetail } from './cip-id.js';
import { cipOf, NewIdentity } from './new-identity.js';
import type { IdentityRules } from './rule-profiles.js';
import { PERSON_TABLE, type PersonDetails, type PersonDetailsInput } from './person.js';
import { TAX_DETAIL_TABLE, type TaxDetail, type TaxDetailInput } from './tax-detail.js';

/** Person fields of an update: any subset of the create fields; `address` is merged field by field. */
export type PersonDetailsChanges = Omit<Partial<PersonDetailsInput>, 'address'> & { address?: Partial<AddressInput> };

/** Institution fields of an update: any subset of the create fields; addresses are merged field by field. */
export type InstitutionDetailsChanges = Omit<
  Partial<InstitutionDetailsInput>,
  'businessAddress' | 'incorporationAddress'
> & {
  businessAddress?: Partial<AddressInput>;
  incorporationAddress?: Partial<AddressInput>;
};

/**
 * What to change on an identity: the create command's shape with every field optional, plus the update-only flags.
 * Paxos's delta semantics: only the fields given change. Person and institution details, their addresses and the
 * due-diligence answers are merged field by field; `taxDetails` replaces the whole list; `metadata` replaces the
 * whole map; `address2: ''` clears the second address line. The type (PERSON or INSTITUTION) cannot change, and
 * institution members are added and removed with their own calls.
 *
 * @example
 * ```ts
 * const changes: IdentityChanges = { person: { lastName: 'Smith', address: { address2: '' } } };
 * ```
 */
export interface IdentityChanges {
  refId?: string;
  person?: PersonDetailsChanges;
  institution?: InstitutionDetailsChanges;
  /** Replaces every tax detail. */
  taxDetails?: TaxDetailInput[];
  /** True when no tax details are legally required (never for a CIP id issued by the USA); false to require them again. */
  setTaxDetailsNotRequired?: boolean;
  /** True disables the identity (DISABLED); false re-enables it, unless a Paxos admin disabled it. */
  setUserDisabled?: boolean;
  customerDueDiligence?: CustomerDueDiligenceInput;
  isMerchant?: boolean;
  /** Replaces the whole metadata map. */
  metadata?: Record<string, string>;
  /** RFC 3339: marks the update as the periodic KYC refresh done at that time (alone, it confirms nothing changed). */
  lastKycRefreshDate?: string;
}

/** The checked changes, in the domain's types, as they are sent: only the fields the caller gave. */
export interface IdentityDelta {
  readonly refId?: string;
  /** The given person fields; an address that is touched is sent whole, as it will be (`address2: ''` to clear). */
  readonly person?: Partial<PersonDetails>;
  readonly institution?: Partial<InstitutionDetails>;
  readonly taxDetails?: readonly TaxDetail[];
  readonly setTaxDetailsNotRequired?: boolean;
  readonly setUserDisabled?: boolean;
  readonly customerDueDiligence?: CustomerDueDiligence;
  readonly isMerchant?: boolean;
  readonly metadata?: Metadata;
  readonly lastKycRefreshDate?: string;
}

/** Options of {@link IdentityUpdate.plan}. */
export interface IdentityUpdateOptions {
  /** The current time, for the "in the future" warnings. Defaults to the system clock. */
  readonly now?: Date;
  /** The profiles the identity as it will be is checked with (as on create). Default: all advisory. */
  readonly rules?: IdentityRules;
}

const CHANGE_FIELDS = keys(
  'refId',
  'person',
  'institution',
  'taxDetails',
  'setTaxDetailsNotRequired',
  'setUserDisabled',
  'customerDueDiligence',
  'isMerchant',
  'metadata',
  'lastKycRefreshDate',
  // Recognised only to explain why they cannot be sent.
  'institutionMembers',
  'taxDetailsNotRequired',
);

const PERSON_ADDRESSES = objectFieldNames(PERSON_TABLE);
const INSTITUTION_ADDRESSES = objectFieldNames(INSTITUTION_TABLE);
const PERSON_SENSITIVE = sensitiveNames(PERSON_TABLE);
const INSTITUTION_SENSITIVE = sensitiveNames(INSTITUTION_TABLE);

/** Fields Paxos sets on an identity's parts; they are no input and never go back into a command. */
const SERVER_SET = new Set(
  [PERSON_TABLE, INSTITUTION_TABLE, TAX_DETAIL_TABLE, CUSTOMER_DUE_DILIGENCE_TABLE, ADDRESS_TABLE].flatMap(
    (t: FieldTable) => t.fields.filter((f) => f.serverSet === true).map((f) => f.name),
  ),
);
const MEMBER_INPUT = inputFields(INSTITUTION_MEMBER_TABLE);

/** The two kinds of details an update may change, each only on its own identity type. */
const DETAIL_PARTS = [
  // The article goes with the other type's name: "an INSTITUTION identity", "a PERSON identity".
  { key: 'person', type: 'PERSON', article: 'an', addresses: PERSON_ADDRESSES },
  { key: 'institution', type: 'INSTITUTION', article: 'a', addresses: INSTITUTION_ADDRESSES },
] as const;
const TAX_INPUT = inputFields(TAX_DETAIL_TABLE);

type Plain = { [key: string]: unknown };

function isPlain(value: unknown): value is Plain {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A plain copy with Sensitive values revealed and Paxos-set fields left out: the input shape of the same data. */
function toInput(value: unknown): unknown {
  if (value instanceof Sensitive) return value.reveal();
  if (Array.isArray(value)) return value.map(toInput);
  if (value !== null && typeof value === 'object') {
    const out: Plain = {};
    for (const [key, item] of Object.entries(value)) {
      if (!SERVER_SET.has(key) && item !== undefined) out[key] = toInput(item);
    }
    return out;
  }
  return value;
}

/** The create command an identity of Paxos's would be, so that the create rules can be run on it. */
function commandOf(identity: Identity): Plain {
  const command: Plain = {};
  if (identity.refId !== undefined) command['refId'] = identity.refId;
  if (identity.person !== undefined) command['person'] = toInput(identity.person);
  if (identity.institution !== undefined) command['institution'] = toInput(identity.institution);
  if (identity.type === 'INSTITUTION' && identity.institutionMembers !== undefined) {
    command['institutionMembers'] = identity.institutionMembers.map((m) => {
      const member: Plain = {};
      for (const { name } of MEMBER_INPUT) {
        const value = (m as unknown as Plain)[name];
        if (value !== undefined) member[name] = Array.isArray(value) ? [...(value as unknown[])] : value;
      }
      return member;
    });
  }
  if (identity.taxDetailsNotRequired) command['taxDetailsNotRequired'] = true;
  else if (identity.taxDetails.length > 0) command['taxDetails'] = toInput(identity.taxDetails);
  if (identity.customerDueDiligence !== undefined)
    command['customerDueDiligence'] = toInput(identity.customerDueDiligence);
  if (identity.isMerchant) command['isMerchant'] = true;
  if (Object.keys(identity.metadata).length > 0) command['metadata'] = { ...identity.metadata };
  return command;
}

/** Merges `changes` into `base` key by key; the named address keys are merged one level deeper. */
function mergeDetails(base: unknown, changes: unknown, addresses: readonly string[]): unknown {
  // Anything but two plain objects is left to the create rules to report (a string for person, …).
  if (!isPlain(changes) || !isPlain(base)) return changes;
  const out: Plain = { ...base };
  for (const key of Object.keys(changes)) {
    const value = changes[key];
    if (value === undefined) continue;
    out[key] = addresses.includes(key) && isPlain(value) && isPlain(base[key]) ? { ...base[key], ...value } : value;
  }
  return out;
}

function shallowMerge(base: unknown, changes: unknown): unknown {
  if (!isPlain(changes)) return changes;
  const out: Plain = isPlain(base) ? { ...base } : {};
  for (const key of Object.keys(changes)) if (changes[key] !== undefined) out[key] = changes[key];
  return out;
}

interface Verdict {
  readonly violations: readonly Violation[];
  readonly warnings: readonly ValidationWarning[];
}

function verdictOf(command: Plain, now: Date, rules: IdentityRules | undefined): Verdict {
  try {
    const checked = NewIdentity.create(command, { now, ...(rules !== undefined && { rules }) });
    return { violations: [], warnings: checked.warnings };
  } catch (error) {
    if (error instanceof IdentityValidationError) return { violations: error.violations, warnings: [] };
    throw error;
  }
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** In an update the create flag `taxDetailsNotRequired` is called `setTaxDetailsNotRequired`. */
function renamed(violation: Violation): Violation {
  if (!under(violation.path, 'taxDetailsNotRequired')) return violation;
  const path = `set${violation.path.charAt(0).toUpperCase()}${violation.path.slice(1)}`;
  return { ...violation, path, message: `${path}${violation.message.slice(violation.path.length)}` };
}

function revealed(value: unknown): Sensitive {
  return Sensitive.of(typeof value === 'string' ? value : String(value));
}

/** The given keys of merged details, in the domain's types: the personal values wrapped again. */
function detailsDelta<T extends object>(merged: unknown, given: unknown, sensitive: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  if (!isPlain(merged) || !isPlain(given)) return out as Partial<T>;
  for (const key of Object.keys(given)) {
    const value = merged[key];
    if (value === undefined) continue;
    out[key] = sensitive.includes(key) ? revealed(value) : value;
  }
  return Object.freeze(out) as Partial<T>;
}

function clearedAddress<T>(address: T): T {
  if (!isPlain(address) || address['address2'] !== '') return address;
  const rest: Plain = { ...address };
  delete rest['address2'];
  return rest as T;
}

function withoutClearedLines<T extends object>(details: T, addresses: readonly string[]): T {
  const out: Record<string, unknown> = { ...(details as Record<string, unknown>) };
  for (const key of addresses) if (out[key] !== undefined) out[key] = clearedAddress(out[key]);
  return out as T;
}

/**
 * A checked change of an identity: the delta to send. The only way to get one is {@link IdentityUpdate.plan}, which
 * merges the changes into the current identity and runs every create rule on the result, so that nothing is sent
 * that would leave the identity invalid.
 */
export class IdentityUpdate {
  private constructor(
    /** The fields to send, in the domain's types. */
    readonly delta: IdentityDelta,
    /** Advice about the change (path, code, message; never a value); it never stops the update. */
    readonly warnings: readonly ValidationWarning[] = [],
  ) {
    Object.freeze(this);
  }

  /**
   * Merges `changes` (an {@link IdentityChanges}; any value is checked) into `current` (which must carry its details) with Paxos's delta semantics and checks the
   * outcome against every create rule. A rule that the identity already broke before the change, on a field the
   * change does not touch, is not held against the change: Paxos accepted that data, and the caller did not send it.
   *
   * @throws {IdentityValidationError} listing every violation (paths of the changes: `person.lastName`,
   *   `setTaxDetailsNotRequired`, ...); for example `person` on an INSTITUTION (`forbidden`: the type cannot change).
   */
  static plan(current: Identity, changes: unknown, options: IdentityUpdateOptions = {}): IdentityUpdate {
    const now = options.now ?? new Date();
    const v = new ViolationList();
    const f = readObject(v, '', changes, CHANGE_FIELDS, true);
    if (f === undefined) throw new IdentityValidationError(v.items);

    const given = [...CHANGE_FIELDS].filter((key) => f.get(key) !== undefined);
    // Paxos documents no refusal of an empty update (it changes nothing); it is advice.
    if (given.length === 0 && v.isEmpty) v.warn('', 'no_change', 'changes nothing');
    if (f.get('institutionMembers') !== undefined) {
      v.add(
        'institutionMembers',
        'forbidden',
        'cannot be changed by an update: add or remove institution members instead',
      );
    }
    if (f.get('taxDetailsNotRequired') !== undefined) {
      v.add('taxDetailsNotRequired', 'forbidden', 'is called setTaxDetailsNotRequired in an update');
    }
    const refId = readString(v, 'refId', f.get('refId'), { required: f.get('refId') !== undefined, advise: 255 });
    const setTaxDetailsNotRequired = readBoolean(v, 'setTaxDetailsNotRequired', f.get('setTaxDetailsNotRequired'));
    const setUserDisabled = readBoolean(v, 'setUserDisabled', f.get('setUserDisabled'));
    const lastKycRefreshDate = readPastDateTime(v, 'lastKycRefreshDate', f.get('lastKycRefreshDate'), now, false);

    const base = commandOf(current);
    const merged: Plain = { ...base };
    const touched: string[] = [];
    const person = f.get('person');
    const institution = f.get('institution');
    for (const part of DETAIL_PARTS) {
      const given = part.key === 'person' ? person : institution;
      if (given === undefined) continue;
      if (current.type !== part.type) {
        v.add(
          part.key,
          'forbidden',
          `cannot be set on ${part.article} ${current.type} identity: the type of an identity cannot change`,
        );
      } else merged[part.key] = mergeDetails(base[part.key], given, part.addresses);
      touched.push(...(isPlain(given) ? Object.keys(given).map((k) => `${part.key}.${k}`) : [part.key]));
    }
    if (refId !== undefined) merged['refId'] = refId;
    for (const key of ['taxDetails', 'isMerchant', 'metadata'] as const) {
      if (f.get(key) !== undefined) {
        merged[key] = f.get(key);
        touched.push(key);
      }
    }
    if (f.get('customerDueDiligence') !== undefined) {
      merged['customerDueDiligence'] = shallowMerge(base['customerDueDiligence'], f.get('customerDueDiligence'));
      touched.push('customerDueDiligence');
    }
    if (setTaxDetailsNotRequired === true) {
      merged['taxDetailsNotRequired'] = true;
      if (f.get('taxDetails') === undefined) delete merged['taxDetails'];
      touched.push('taxDetailsNotRequired', 'taxDetails');
    } else if (setTaxDetailsNotRequired === false) {
      delete merged['taxDetailsNotRequired'];
      touched.push('taxDetailsNotRequired', 'taxDetails');
    }
    if (f.get('taxDetails') !== undefined) touched.push('taxDetailsNotRequired');

    const after = verdictOf(merged, now, options.rules);
    if (after.violations.length > 0 || after.warnings.length > 0) {
      const before = verdictOf(base, now, options.rules);
      const known = new Set([...before.violations, ...before.warnings].map((x) => `${x.path}|${x.code}`));
      const isNew = (x: Violation) =>
        touched.some((prefix) => under(x.path, prefix)) || !known.has(`${x.path}|${x.code}`);
      for (const violation of after.violations.filter(isNew)) {
        const shown = renamed(violation);
        v.add(shown.path, shown.code, shown.message.slice(shown.path.length + 2));
      }
      for (const warning of after.warnings.filter(isNew)) {
        const shown = renamed(warning);
        v.warn(shown.path, shown.code, shown.message.slice(shown.path.length + 2));
      }
    }
    if (!v.isEmpty) throw new IdentityValidationError(v.items);

    const delta: { -readonly [K in keyof IdentityDelta]: IdentityDelta[K] } = {};
    if (refId !== undefined) delta.refId = refId;
    if (person !== undefined) delta.person = detailsDelta<PersonDetails>(merged['person'], person, PERSON_SENSITIVE);
    if (institution !== undefined)
      delta.institution = detailsDelta<InstitutionDetails>(merged['institution'], institution, INSTITUTION_SENSITIVE);
    const taxDetails = f.get('taxDetails');
    if (Array.isArray(taxDetails)) {
      delta.taxDetails = Object.freeze(
        (taxDetails as unknown as Plain[]).map(
          (t) =>
            Object.freeze(
              Object.fromEntries(
                TAX_INPUT.map((field) => [
                  field.name,
                  field.sensitive === true ? revealed(t[field.name]) : t[field.name],
                ]),
              ),
            ) as unknown as TaxDetail,
        ),
      );
    }
    if (setTaxDetailsNotRequired !== undefined) delta.setTaxDetailsNotRequired = setTaxDetailsNotRequired;
    if (setUserDisabled !== undefined) delta.setUserDisabled = setUserDisabled;
    const cdd = f.get('customerDueDiligence');
    if (isPlain(cdd)) delta.customerDueDiligence = Object.freeze({ ...cdd });
    const isMerchant = f.get('isMerchant');
    if (typeof isMerchant === 'boolean') delta.isMerchant = isMerchant;
    const metadata = f.get('metadata');
    if (isPlain(metadata)) delta.metadata = Object.freeze({ ...(metadata as Record<string, string>) });
    if (lastKycRefreshDate !== undefined) delta.lastKycRefreshDate = lastKycRefreshDate;
    return new IdentityUpdate(Object.freeze(delta), v.frozenWarnings());
  }

  /**
   * The identity with the delta applied, as Paxos applies it: sub-statuses and everything not sent stay; a cleared
   * `address2` is gone; tax details that are required again and empty are derived from an SSN, ITIN or EIN CIP id.
   * `updatedAt` and the summary status are the caller's (the server's) to set.
   */
  applyTo(current: Identity): Identity {
    const d = this.delta;
    const person =
      d.person === undefined || current.person === undefined
        ? current.person
        : withoutClearedLines({ ...current.person, ...d.person }, PERSON_ADDRESSES);
    const institution =
      d.institution === undefined || current.institution === undefined
        ? current.institution
        : withoutClearedLines({ ...current.institution, ...d.institution }, INSTITUTION_ADDRESSES);
    const taxDetailsNotRequired =
      d.setTaxDetailsNotRequired ?? (d.taxDetails !== undefined ? false : current.taxDetailsNotRequired);
    let taxDetails = d.taxDetails ?? current.taxDetails;
    if (taxDetailsNotRequired) taxDetails = [];
    const cip = cipOf(person ?? institution);
    if (!taxDetailsNotRequired && taxDetails.length === 0 && cip !== undefined && derivesTaxDetail(cip.cipIdType)) {
      taxDetails = [{ taxPayerId: Sensitive.of(cip.cipId.reveal()), taxPayerCountry: cip.cipIdCountry }];
    }
    return current.with({
      refId: d.refId ?? current.refId,
      person,
      institution,
      taxDetails,
      taxDetailsNotRequired,
      customerDueDiligence:
        d.customerDueDiligence === undefined
          ? current.customerDueDiligence
          : { ...current.customerDueDiligence, ...d.customerDueDiligence },
      isMerchant: d.isMerchant ?? current.isMerchant,
      metadata: d.metadata ?? current.metadata,
      userDisabled: d.setUserDisabled ?? current.userDisabled,
      lastKycRefreshDate: d.lastKycRefreshDate ?? current.lastKycRefreshDate,
    });
  }
}

/** The input shape of a checked delta (values revealed), for a gateway that applies the delta itself. */
export function changesOf(delta: IdentityDelta): IdentityChanges {
  const { metadata, ...rest } = delta;
  const changes = toInput(rest) as IdentityChanges;
  // Metadata keys are the caller's: one named like a Paxos-set field must not be dropped.
  if (metadata !== undefined) changes.metadata = { ...metadata };
  return changes;
}
