import { parseDateTime } from '../shared/dates.js';
import type { Page } from '../shared/page.js';
import { IdentityValidationError } from '../shared/errors.js';
import { keys, readArray, readEnum, readObject, readString } from '../shared/guard.js';
import { at, ViolationList } from '../shared/violations.js';
import {
  IDENTITY_CONTROL_REASON_CODES,
  IDENTITY_CONTROL_TYPES,
  IDENTITY_STATUSES,
  IDENTITY_TYPES,
  type IdentityControlReasonCode,
  type IdentityControlType,
  type IdentityStatus,
  type IdentityType,
} from './enums.js';
import type { Identity } from './identity.js';

/** The order of a listing, by creation time. Paxos's default for identities is DESC (newest first). */
export type ListOrder = 'ASC' | 'DESC';

/** The orders a listing accepts. */
export const LIST_ORDERS: readonly ListOrder[] = ['ASC', 'DESC'];

/**
 * A range of instants, each bound an RFC 3339 date-time (`2006-01-02T15:04:05Z`). On the wire they become
 * `created_at.gte=…` style query parameters.
 */
export interface TimeRange {
  lt?: string;
  lte?: string;
  eq?: string;
  gte?: string;
  gt?: string;
}

/**
 * Which identities to list, and how. Every field is optional.
 *
 * @example
 * ```ts
 * const filter: ListIdentitiesFilter = {
 *   summaryStatus: 'PENDING',
 *   identityType: 'PERSON',
 *   createdAt: { gte: '2026-01-01T00:00:00Z' },
 *   order: 'ASC',
 *   limit: 50,
 * };
 * ```
 */
export interface ListIdentitiesFilter {
  /** Page size: 1 to {@link MAX_LIST_LIMIT}. A server may return fewer per page (the emulator stops at 100). */
  limit?: number;
  summaryStatus?: IdentityStatus;
  identityType?: IdentityType;
  createdAt?: TimeRange;
  updatedAt?: TimeRange;
  /** By creation time; default DESC. */
  order?: ListOrder;
  /** The `nextPageCursor` of the previous page, as it was returned: opaque. */
  pageCursor?: string | undefined;
  /** Only identities with an active control of any of these types (§3.3, SPEC26). */
  controlTypes?: IdentityControlType[];
  /** Only identities with an active control of any of these reason codes (§3.3, SPEC26). */
  controlReasonCodes?: IdentityControlReasonCode[];
}

/** One page of a listing. `nextPageCursor` is absent on the last page. */
export interface IdentityPage extends Page<Identity> {
  /**
   * The identities of this page. Paxos's list leaves out person and institution details; when it also leaves out
   * `type`, the type is the filter's `identityType`, or `''` (unknown) without one.
   */
  readonly items: readonly Identity[];
}

/** The largest page size the client asks for. Paxos documents none for identities; its other lists stop at 1000. */
export const MAX_LIST_LIMIT = 1000;

const MAX_CURSOR_LENGTH = 2048;
const FILTER_FIELDS = keys(
  'limit',
  'summaryStatus',
  'identityType',
  'createdAt',
  'updatedAt',
  'order',
  'pageCursor',
  'controlTypes',
  'controlReasonCodes',
);
const RANGE_BOUNDS = ['lt', 'lte', 'eq', 'gte', 'gt'] as const;
const RANGE_FIELDS = keys(...RANGE_BOUNDS);

function readRange(v: ViolationList, path: string, value: unknown): TimeRange | undefined {
  const f = readObject(v, path, value, RANGE_FIELDS, false);
  if (f === undefined) return undefined;
  const range: TimeRange = {};
  for (const bound of RANGE_BOUNDS) {
    const p = at(path, bound);
    const text = readString(v, p, f.get(bound), { max: 64 });
    if (text === undefined) continue;
    if (parseDateTime(text) === undefined)
      v.add(p, 'format', 'must be an RFC 3339 date-time such as 2006-01-02T15:04:05Z');
    else range[bound] = text;
  }
  return range;
}

/**
 * Checks a listing filter.
 *
 * @throws {IdentityValidationError} naming every bad field (`limit`, `createdAt.gte`, ...); nothing is sent.
 */
export function parseListIdentitiesFilter(value: unknown = {}): ListIdentitiesFilter {
  const v = new ViolationList();
  const f = readObject(v, '', value, FILTER_FIELDS, true);
  const out: ListIdentitiesFilter = {};
  if (f !== undefined) {
    const limit = f.get('limit');
    if (limit !== undefined) {
      if (typeof limit !== 'number' || !Number.isInteger(limit)) v.add('limit', 'type', 'must be an integer');
      else if (limit < 1 || limit > MAX_LIST_LIMIT)
        v.add('limit', 'range', `must be from 1 to ${String(MAX_LIST_LIMIT)}`);
      else out.limit = limit;
    }
    const summaryStatus = readEnum(v, 'summaryStatus', f.get('summaryStatus'), IDENTITY_STATUSES);
    if (summaryStatus !== undefined) out.summaryStatus = summaryStatus;
    const identityType = readEnum(v, 'identityType', f.get('identityType'), IDENTITY_TYPES);
    if (identityType !== undefined) out.identityType = identityType;
    const createdAt = readRange(v, 'createdAt', f.get('createdAt'));
    if (createdAt !== undefined) out.createdAt = createdAt;
    const updatedAt = readRange(v, 'updatedAt', f.get('updatedAt'));
    if (updatedAt !== undefined) out.updatedAt = updatedAt;
    const order = readEnum(v, 'order', f.get('order'), LIST_ORDERS);
    if (order !== undefined) out.order = order;
    // Opaque: only bounded and free of control characters. An empty cursor is how a last page ends: no cursor.
    const pageCursor = readString(v, 'pageCursor', f.get('pageCursor'), { max: MAX_CURSOR_LENGTH });
    if (pageCursor !== undefined && pageCursor !== '') out.pageCursor = pageCursor;
    const controlTypes = readArray(v, 'controlTypes', f.get('controlTypes'), { maxItems: 4 }, (p, item) =>
      readEnum(v, p, item, IDENTITY_CONTROL_TYPES, true),
    );
    if (controlTypes !== undefined && controlTypes.length > 0) out.controlTypes = controlTypes;
    const reasonCodes = readArray(v, 'controlReasonCodes', f.get('controlReasonCodes'), { maxItems: 11 }, (p, item) =>
      readEnum(v, p, item, IDENTITY_CONTROL_REASON_CODES, true),
    );
    if (reasonCodes !== undefined && reasonCodes.length > 0) out.controlReasonCodes = reasonCodes;
  }
  if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'list filter' });
  return out;
}
