import { Sensitive } from '../shared/sensitive.js';

const SSN_OR_ITIN = /^\d{3}-\d{2}-\d{4}$/;
const EIN = /^\d{2}-\d{7}$/;

/** The (cipId, cipIdType, cipIdCountry) triple that Paxos keeps unique per API user. */
export interface CipTriple {
  readonly cipId: Sensitive;
  readonly cipIdType: string;
  readonly cipIdCountry: string;
}

/** True when both triples name the same government id. */
export function sameCip(a: CipTriple | undefined, b: CipTriple | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.cipId.equals(b.cipId) &&
    a.cipIdType === b.cipIdType &&
    a.cipIdCountry === b.cipIdCountry
  );
}

/** The format Paxos documents for a CIP id type, or undefined where only pattern P applies. */
export function cipIdFormat(cipIdType: string): { readonly pattern: RegExp; readonly shape: string } | undefined {
  if (cipIdType === 'SSN' || cipIdType === 'ITIN') return { pattern: SSN_OR_ITIN, shape: 'ddd-dd-dddd' };
  if (cipIdType === 'EIN') return { pattern: EIN, shape: 'dd-ddddddd' };
  return undefined;
}

/** Paxos derives an identity's tax detail from an SSN, ITIN or EIN CIP id (API reference §6.4, §6.6). */
export function derivesTaxDetail(cipIdType: string | undefined): boolean {
  return cipIdType === 'SSN' || cipIdType === 'ITIN' || cipIdType === 'EIN';
}

/** SSN, ITIN and EIN issued by the USA: US tax ids. */
export function isUsTaxCip(cipIdType: string, cipIdCountry: string): boolean {
  return cipIdCountry === 'USA' && (cipIdType === 'SSN' || cipIdType === 'ITIN' || cipIdType === 'EIN');
}
