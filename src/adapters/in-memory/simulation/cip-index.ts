import type { CipTriple } from '../../../domain/index.js';

/**
 * Identity ids by identity type and CIP triple, the key Paxos keeps unique per API user. The triple is looked up
 * one part at a time, not as one joined string: joining (and hashing the joined string) on every create cost more
 * than the four lookups, and each stored identity would keep a second copy of its government id in the key.
 */
export class CipIndex {
  readonly #byType = new Map<string, Map<string, Map<string, Map<string, string>>>>();

  /** The id of the identity of `type` that holds `cip`, if one does. */
  get(type: string, cip: CipTriple): string | undefined {
    return this.#byType.get(type)?.get(cip.cipIdType)?.get(cip.cipIdCountry)?.get(cip.cipId.reveal());
  }

  /** Records that the identity `id` of `type` holds `cip`. */
  set(type: string, cip: CipTriple, id: string): void {
    let byIdType = this.#byType.get(type);
    if (byIdType === undefined)
      this.#byType.set(type, (byIdType = new Map<string, Map<string, Map<string, string>>>()));
    let byCountry = byIdType.get(cip.cipIdType);
    if (byCountry === undefined) byIdType.set(cip.cipIdType, (byCountry = new Map<string, Map<string, string>>()));
    let byId = byCountry.get(cip.cipIdCountry);
    if (byId === undefined) byCountry.set(cip.cipIdCountry, (byId = new Map<string, string>()));
    byId.set(cip.cipId.reveal(), id);
  }

  /** Forgets whichever identity of `type` held `cip`. */
  delete(type: string, cip: CipTriple): void {
    this.#byType.get(type)?.get(cip.cipIdType)?.get(cip.cipIdCountry)?.delete(cip.cipId.reveal());
  }
}

/** Whether two (type, triple) keys are the same key of a {@link CipIndex}: exactly, as the index compares them. */
export function sameCipKey(typeA: string, a: CipTriple | undefined, typeB: string, b: CipTriple | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    typeA === typeB &&
    a.cipIdType === b.cipIdType &&
    a.cipIdCountry === b.cipIdCountry &&
    a.cipId.reveal() === b.cipId.reveal()
  );
}
