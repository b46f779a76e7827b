import {
  parseListIdentitiesFilter,
  type Identity,
  type IdentityPage,
  type ListIdentitiesFilter,
} from '../domain/index.js';
import type { CallOptions, IdentityGateway } from '../ports/index.js';

/**
 * Lists identities: one page at a time (for a UI that keeps the cursor), or all of them as an async iterable that
 * follows `nextPageCursor` until the last page. The filter is checked before anything is sent.
 */
export class ListIdentities {
  constructor(private readonly gateway: IdentityGateway) {}

  /**
   * One page.
   *
   * @throws {IdentityValidationError} when the filter breaks a rule.
   */
  async page(filter: ListIdentitiesFilter = {}, options: CallOptions = {}): Promise<IdentityPage> {
    return this.gateway.listPage(parseListIdentitiesFilter(filter), options);
  }

  /**
   * Every identity the filter selects, page after page; a page is fetched only when the previous one is consumed.
   * The filter is checked on the first `next()`, so an invalid one rejects the iteration, not this call.
   */
  async *all(filter: ListIdentitiesFilter = {}, options: CallOptions = {}): AsyncGenerator<Identity, void, undefined> {
    const checked = parseListIdentitiesFilter(filter);
    let cursor = checked.pageCursor;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.gateway.listPage(
        { ...checked, ...(cursor !== undefined && { pageCursor: cursor }) },
        options,
      );
      yield* page.items;
      const next = page.nextPageCursor;
      // A server that hands back a cursor it already gave would make this loop forever.
      if (next === undefined || next === '' || seen.has(next) || page.items.length === 0) return;
      seen.add(next);
      cursor = next;
    }
  }
}
