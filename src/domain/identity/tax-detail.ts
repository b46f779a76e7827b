import { isCountryCode } from '../shared/country-code.js';
import { keys, PAXOS_TEXT_PATTERN, readObject, readString } from '../shared/guard.js';
import { Sensitive } from '../shared/sensitive.js';
import { at, type ViolationList } from '../shared/violations.js';
import type { Open, TinVerificationStatus } from './enums.js';

/** One tax residency of an identity. `taxPayerId` is sensitive: `reveal()` gives the value. */
export interface TaxDetail {
  readonly taxPayerId: Sensitive;
  readonly taxPayerCountry: string;
  /** Set by Paxos on reads, for US tax ids. */
  readonly tinVerificationStatus?: Open<TinVerificationStatus>;
}

/** Tax detail input of a create command. */
export interface TaxDetailInput {
  taxPayerId: string;
  taxPayerCountry: string;
}

/**
 * How the identity meets Paxos's tax rule: a non-empty list the caller provided, a detail derived from a US tax
 * CIP id (as Paxos does), or an explicit statement that none is legally required.
 */
export type TaxRequirement =
  | { readonly kind: 'provided'; readonly details: readonly TaxDetail[] }
  | { readonly kind: 'derived'; readonly details: readonly TaxDetail[] }
  | { readonly kind: 'not_required' };

const TAX_FIELDS = keys('taxPayerId', 'taxPayerCountry');

/** Checks one tax detail: `taxPayerId` ≤ 35 characters of pattern P, `taxPayerCountry` an ISO alpha-3 code. */
export function parseTaxDetail(v: ViolationList, path: string, value: unknown): TaxDetail | undefined {
  const f = readObject(v, path, value, TAX_FIELDS, true);
  if (f === undefined) return undefined;
  const taxPayerId = readString(v, at(path, 'taxPayerId'), f.get('taxPayerId'), {
    required: true,
    max: 35,
    pattern: PAXOS_TEXT_PATTERN,
  });
  const taxPayerCountry = readCountry(v, at(path, 'taxPayerCountry'), f.get('taxPayerCountry'), true);
  if (taxPayerId === undefined || taxPayerCountry === undefined) return undefined;
  return { taxPayerId: Sensitive.of(taxPayerId), taxPayerCountry };
}

const ALPHA3_SHAPE = /^[A-Z]{3}$/;
const COUNTRY_MESSAGE = 'must be an ISO 3166-1 alpha-3 country code';
// Built once: a regular expression literal inside the function is a new RegExp object on every call.
const COUNTRY_RULE = Object.freeze({
  required: false,
  max: 64,
  pattern: ALPHA3_SHAPE,
  patternMessage: COUNTRY_MESSAGE,
});
const REQUIRED_COUNTRY_RULE = Object.freeze({
  required: true,
  max: 64,
  pattern: ALPHA3_SHAPE,
  patternMessage: COUNTRY_MESSAGE,
});

/** Reads an ISO 3166-1 alpha-3 code that exists. */
export function readCountry(v: ViolationList, path: string, value: unknown, required: boolean): string | undefined {
  // The length bound only keeps hostile input small; a country name must fail as "not an alpha-3 code".
  const code = readString(v, path, value, required ? REQUIRED_COUNTRY_RULE : COUNTRY_RULE);
  if (code === undefined || code === '') return undefined;
  if (!isCountryCode(code)) {
    v.add(path, 'country', 'is not an assigned ISO 3166-1 alpha-3 country code');
    return undefined;
  }
  return code;
}
