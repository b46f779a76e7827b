import type { Page } from '../domain/index.js';

/**
 * Every item of a cursor-paged list, page after page, each page fetched only when the previous one is consumed.
 * `checked` is the already checked filter; its `pageCursor`, if any, is where the walk starts.
 */
export async function* followPages<F extends { readonly pageCursor?: string | undefined }, T>(
  checked: F,
  fetchPage: (filter: F) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor = checked.pageCursor;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage({ ...checked, ...(cursor !== undefined && { pageCursor: cursor }) });
    yield* page.items;
    const next = page.nextPageCursor;
    // A server that hands back a cursor it already gave would make this loop forever.
    if (next === undefined || next === '' || seen.has(next) || page.items.length === 0) return;
    seen.add(next);
    cursor = next;
  }
}
