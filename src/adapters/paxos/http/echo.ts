import { sameCip, type CipTriple } from '../../../domain/index.js';

/**
 * How an answer is held to the question it answers, allowing for what Paxos (or a proxy) may normalise on the way
 * back without meaning another record. Every comparison here is about spelling, never about which record.
 */

/**
 * Ids as Paxos reads them: its ids are UUIDs, which Paxos resolves whatever their case and answers in its own
 * (lower-case) spelling, so `36AE…` asked and `36ae…` answered are one record.
 */
export function sameId(answered: string | undefined, asked: string | undefined): boolean {
  return answered !== undefined && asked !== undefined && answered.toLowerCase() === asked.toLowerCase();
}

/**
 * A `ref_id` as sent and as echoed: an empty string is how a proto-JSON encoder that emits unset fields writes "no
 * ref_id", and means the same as leaving it out.
 */
export function sameRefId(answered: string | undefined, sent: string | undefined): boolean {
  return (answered === '' ? undefined : answered) === (sent === '' ? undefined : sent);
}

/**
 * A name as people type it: case, outer whitespace and runs of inner whitespace may change on the way back; the
 * letters and punctuation may not.
 */
export function sameName(answered: string | undefined, sent: string | undefined): boolean {
  return spelled(answered) === spelled(sent);
}

function spelled(name: string | undefined): string {
  return (name ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The CIP triple sent and the one echoed name the same government id. Paxos documents the formats (`ddd-dd-dddd`)
 * and pattern P, not that it echoes the spelling it was sent: an SSN may come back without its dashes or with
 * spaces, a passport number in another case, the country in lower case. Only letters and digits are compared, so
 * `987-65-4320` and `987654320` agree while `987-65-4321` does not.
 */
export function sameEchoedCip(answered: CipTriple | undefined, sent: CipTriple | undefined): boolean {
  if (sameCip(answered, sent)) return true;
  if (answered === undefined || sent === undefined) return false;
  return (
    significant(answered.cipId.reveal()) === significant(sent.cipId.reveal()) &&
    significant(answered.cipIdType) === significant(sent.cipIdType) &&
    significant(answered.cipIdCountry) === significant(sent.cipIdCountry)
  );
}

/** The letters and digits of a value, upper-cased; never logged or put in an error (it may be an SSN). */
function significant(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[^0-9A-Za-z]/g, '').toUpperCase() : '';
}
