import {
  parseListIdentitiesFilter,
  type Identity,
  type IdentityPage,
  type ListIdentitiesFilter,
} from '../domain/index.js';
import type { CallOptions, IdentityGateway } from '../ports/index.js';
import { followPages } from './paging.js';

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
    yield* followPages(parseListIdentitiesFilter(filter), (page) => this.gateway.listPage(page, options));
  }
}
