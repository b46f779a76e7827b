import {
  IdentityRejectedError,
  type Identity,
  type ListIdentitiesFilter,
  type ListOrder,
  type TimeRange,
} from '../../../domain/index.js';
import { answeredWith } from './paxos-status.js';

/** Paxos's page size when a list call names none (undocumented for identities; its other lists use 100). */
export const DEFAULT_PAGE_SIZE = 100;

const CURSOR_VERSION = 'c1';

/**
 * An RFC 3339 instant as nanoseconds since the epoch, so that `…50.957068Z` and `…50.957068001Z` and offsets
 * compare correctly (Date keeps milliseconds only).
 */
export function instantOf(text: string): bigint | undefined {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

function inRange(value: string, range: TimeRange | undefined): boolean {
  if (range === undefined) return true;
  const at = instantOf(value);
  if (at === undefined) return false;
  const bound = (text: string | undefined) => (text === undefined ? undefined : instantOf(text));
  const [lt, lte, eq, gte, gt] = [
    bound(range.lt),
    bound(range.lte),
    bound(range.eq),
    bound(range.gte),
    bound(range.gt),
  ];
  return (
    (lt === undefined || at < lt) &&
    (lte === undefined || at <= lte) &&
    (eq === undefined || at === eq) &&
    (gte === undefined || at >= gte) &&
    (gt === undefined || at > gt)
  );
}

/** Where a page ended: the (createdAt, id) of its last item, and the order it was read in. */
interface Position {
  readonly order: ListOrder;
  readonly createdAt: bigint;
  readonly id: string;
}

function encodeCursor(position: Position): string {
  return Buffer.from(
    JSON.stringify([CURSOR_VERSION, position.order, position.createdAt.toString(), position.id]),
  ).toString('base64url');
}

function badCursor(): IdentityRejectedError {
  return answeredWith(
    new IdentityRejectedError('page_cursor is not a cursor returned by a previous page of this listing', {
      violations: [
        {
          path: 'pageCursor',
          code: 'format',
          message: 'pageCursor: is not a cursor returned by a previous page of this listing',
        },
      ],
    }),
    400,
  );
}

function decodeCursor(cursor: string, order: ListOrder): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== CURSOR_VERSION || parsed[1] !== order)
    throw badCursor();
  const [, , createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || !/^\d{1,30}$/.test(createdAt) || typeof id !== 'string' || id.length > 64)
    throw badCursor();
  return { order, createdAt: BigInt(createdAt), id };
}

function compare(a: { createdAt: bigint; id: string }, b: { createdAt: bigint; id: string }): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** What any listing pages by: a creation instant, an id and an update instant. */
interface Listed {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How a listing pages: order, cursor, size and the ranges every listing filters by. */
interface Paging {
  readonly order?: ListOrder | undefined;
  readonly pageCursor?: string | undefined;
  readonly limit?: number | undefined;
  readonly createdAt?: TimeRange | undefined;
  readonly updatedAt?: TimeRange | undefined;
}

/**
 * One page of `records` that `keep` selects and `paging` ranges over, ordered by (createdAt, id). The cursor names
 * the position after the last item, not an offset: records created between two page reads never shift or repeat
 * items of later pages.
 *
 * @throws {IdentityRejectedError} (status 400) for a cursor that this listing did not hand out.
 */
export function pageBy<T extends Listed>(
  records: Iterable<T>,
  keep: (record: T) => boolean,
  paging: Paging,
  maxPageSize: number,
): { items: T[]; nextPageCursor: string | undefined } {
  const order = paging.order ?? 'DESC';
  const after = paging.pageCursor === undefined ? undefined : decodeCursor(paging.pageCursor, order);
  const direction = order === 'ASC' ? 1 : -1;
  const selected: { record: T; createdAt: bigint; id: string }[] = [];
  for (const record of records) {
    if (!keep(record)) continue;
    if (!inRange(record.createdAt, paging.createdAt) || !inRange(record.updatedAt, paging.updatedAt)) continue;
    const key = { record, createdAt: instantOf(record.createdAt) ?? 0n, id: record.id };
    if (after !== undefined && direction * compare(key, after) <= 0) continue;
    selected.push(key);
  }
  selected.sort((a, b) => direction * compare(a, b));
  const size = Math.max(1, Math.min(paging.limit ?? DEFAULT_PAGE_SIZE, maxPageSize));
  const page = selected.slice(0, size);
  const last = page[page.length - 1];
  const more = selected.length > size && last !== undefined;
  return {
    items: page.map((x) => x.record),
    nextPageCursor: more ? encodeCursor({ order, createdAt: last.createdAt, id: last.id }) : undefined,
  };
}

/**
 * One page of `identities` under `filter`, ordered by (createdAt, id), as {@link pageBy} pages.
 *
 * @throws {IdentityRejectedError} (status 400) for a cursor that this listing did not hand out.
 */
export function pageOf(
  identities: Iterable<Identity>,
  filter: ListIdentitiesFilter,
  maxPageSize: number,
): { items: Identity[]; nextPageCursor: string | undefined } {
  return pageBy(
    identities,
    (identity) =>
      (filter.summaryStatus === undefined || identity.summaryStatus === filter.summaryStatus) &&
      (filter.identityType === undefined || identity.type === filter.identityType),
    filter,
    maxPageSize,
  );
}
