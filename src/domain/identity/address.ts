import { keys, PAXOS_TEXT_PATTERN, readObject, readString } from '../shared/guard.js';
import { at, type ViolationList } from '../shared/violations.js';

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

const ADDRESS_FIELDS = keys('country', 'address1', 'address2', 'city', 'province', 'zipCode');
const ADDRESS_MAX = 35;
// Built once: these run for every address of every create, and a rule object per field is garbage per field.
const RULE = Object.freeze({ max: ADDRESS_MAX, pattern: PAXOS_TEXT_PATTERN });
const REQUIRED = Object.freeze({ max: ADDRESS_MAX, pattern: PAXOS_TEXT_PATTERN, required: true });

/** Checks an address: `country`, `address1`, `city`, `province` required; every field ≤ 35 characters and pattern P. */
export function parseAddress(v: ViolationList, path: string, value: unknown, required: boolean): Address | undefined {
  const f = readObject(v, path, value, ADDRESS_FIELDS, required);
  if (f === undefined) return undefined;
  const country = readString(v, at(path, 'country'), f.get('country'), REQUIRED);
  const address1 = readString(v, at(path, 'address1'), f.get('address1'), REQUIRED);
  // An empty address2 is how Paxos clears it on update, so it is accepted as is.
  const address2Raw = f.get('address2');
  const address2 = address2Raw === '' ? '' : readString(v, at(path, 'address2'), address2Raw, RULE);
  const city = readString(v, at(path, 'city'), f.get('city'), REQUIRED);
  const province = readString(v, at(path, 'province'), f.get('province'), REQUIRED);
  const zipCode = readString(v, at(path, 'zipCode'), f.get('zipCode'), RULE);
  if (country === undefined || address1 === undefined || city === undefined || province === undefined) {
    return undefined;
  }
  const address: { -readonly [K in keyof Address]: Address[K] } = { country, address1, city, province };
  if (address2 !== undefined) address.address2 = address2;
  if (zipCode !== undefined) address.zipCode = zipCode;
  return address;
}
