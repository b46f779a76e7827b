/**
 * One page of any cursor-paged list (identities, accounts, controls, events). Every page type is this shape, so one
 * cursor loop serves them all: pass `nextPageCursor` back as the filter's `pageCursor` until a page comes without it.
 *
 * @typeParam T - what the list holds.
 */
export interface Page<T> {
  /** The items of this page, in the list's order. */
  readonly items: readonly T[];
  /**
   * The opaque cursor of the next page; absent (never `undefined`, never `''`) on the last page, so that it can be
   * passed on as `pageCursor` as it is.
   */
  readonly nextPageCursor?: string;
}
