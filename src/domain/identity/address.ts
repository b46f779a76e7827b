import { inputNames, readFields, table, type ReadHooks } from '../shared/field-table.js';
import { PAXOS_TEXT_PATTERN, readObject, readString } from '../shared/guard.js';
import type { ViolationList } from '../shared/violations.js';

/** A mailing address as Paxos stores it. Every field is at most 35 characters of Paxos's ASCII set. */
export interface Address {
  readonly country: string;
  readonly address1: string;
  readonly address2?: string;
  readonly city: string;
  readonly province: string;
  readonly zipCode?: string;
}

/** Address input of a create command; the same shape as {@link Address}. */
export interface AddressInput {
  country: string;
  address1: string;
  address2?: string;
  city: string;
  province: string;
  zipCode?: string;
}

const LINE = { type: 'string', kind: 'text', max: 35, pattern: PAXOS_TEXT_PATTERN } as const;

/** Paxos's `IdentityMailingAddress`, field by field: every field at most 35 characters of Paxos's ASCII set. */
export const ADDRESS_TABLE = table('IdentityMailingAddress', [
  { name: 'country', wire: 'country', ...LINE, required: 'always' },
  { name: 'address1', wire: 'address1', ...LINE, required: 'always' },
  { name: 'address2', wire: 'address2', ...LINE, kind: 'custom' },
  { name: 'city', wire: 'city', ...LINE, required: 'always' },
  { name: 'province', wire: 'province', ...LINE, required: 'always' },
  { name: 'zipCode', wire: 'zip_code', ...LINE },
]);

const ADDRESS_FIELDS = inputNames(ADDRESS_TABLE);
const LINE_RULE = Object.freeze({ max: LINE.max, pattern: LINE.pattern });

const HOOKS: ReadHooks = {
  read: {
    // An empty address2 is how Paxos clears it on update, so it is accepted as is.
    address2: (v, fieldPath, raw) => (raw === '' ? '' : readString(v, fieldPath, raw, LINE_RULE)),
  },
};

/** Checks an address: `country`, `address1`, `city`, `province` required; every field ≤ 35 characters and pattern P. */
export function parseAddress(v: ViolationList, path: string, value: unknown, required: boolean): Address | undefined {
  const f = readObject(v, path, value, ADDRESS_FIELDS, required);
  if (f === undefined) return undefined;
  const got = readFields(v, path, f, ADDRESS_TABLE, HOOKS);
  const complete = got['country'] !== undefined && got['address1'] !== undefined && got['city'] !== undefined;
  return complete && got['province'] !== undefined ? (got as unknown as Address) : undefined;
}
