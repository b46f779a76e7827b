import { inputNames, readFields, table } from '../shared/field-table.js';
import { PAXOS_TEXT_PATTERN, readObject } from '../shared/guard.js';
import type { Sensitive } from '../shared/sensitive.js';
import type { ViolationList } from '../shared/violations.js';
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

/** Paxos's `TaxDetail`, field by field. */
export const TAX_DETAIL_TABLE = table('TaxDetail', [
  {
    name: 'taxPayerId',
    wire: 'tax_payer_id',
    type: 'string',
    kind: 'text',
    max: 35,
    pattern: PAXOS_TEXT_PATTERN,
    required: 'always',
    sensitive: true,
  },
  { name: 'taxPayerCountry', wire: 'tax_payer_country', type: 'string', kind: 'country', required: 'always' },
  { name: 'tinVerificationStatus', wire: 'tin_verification_status', type: 'string', kind: 'text', serverSet: true },
]);

const TAX_FIELDS = inputNames(TAX_DETAIL_TABLE);

/** Checks one tax detail: `taxPayerId` ≤ 35 characters of pattern P, `taxPayerCountry` an ISO alpha-3 code. */
export function parseTaxDetail(v: ViolationList, path: string, value: unknown): TaxDetail | undefined {
  const f = readObject(v, path, value, TAX_FIELDS, true);
  if (f === undefined) return undefined;
  const got = readFields(v, path, f, TAX_DETAIL_TABLE);
  if (got['taxPayerId'] === undefined || got['taxPayerCountry'] === undefined) return undefined;
  return got as unknown as TaxDetail;
}
