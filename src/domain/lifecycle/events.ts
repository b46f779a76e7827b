import type { Page } from '../shared/page.js';
import { IdentityValidationError } from '../shared/errors.js';
import { parseDateTime } from '../shared/dates.js';
import { keys, readBoolean, readEnum, readObject, readString } from '../shared/guard.js';
import { at, ViolationList } from '../shared/violations.js';
import { LIST_ORDERS, type DocumentType, type IdentityStatus, type ListOrder, type Open } from '../identity/enums.js';
import { WebhookPayloadError } from './errors.js';

/** Identity event types Paxos documents. Paxos adds types without notice: read them as {@link Open}. */
export const IDENTITY_EVENT_TYPES = [
  'identity.approved',
  'identity.denied',
  'identity.disabled',
  'identity.documents_required',
  'identity.kyc_refresh.started',
  'identity.kyc_refresh.completed',
  'identity.kyc_refresh.expired',
  'identity.control.created',
  'identity.control.deleted',
] as const;
/** A documented identity event type. */
export type IdentityEventType = (typeof IDENTITY_EVENT_TYPES)[number];

/**
 * The event's payload, camelCased. Which fields are set depends on `type` (key off `type`, not `objectType`, which
 * Paxos spells two ways): status changes carry `old/newSummaryStatus`, `identity.documents_required` carries
 * `requiredDocuments`, KYC refresh events the refresh dates, control events the control (`controlId`, `controlType`,
 * `setBy` as `PAXOS` / `CLIENT`, `isOverridable`, `reasonCode`; §8.3). Unknown event types keep `id` and `identityId` when present.
 */
export interface EventObject {
  readonly id?: string;
  readonly identityId?: string;
  readonly oldSummaryStatus?: Open<IdentityStatus>;
  readonly newSummaryStatus?: Open<IdentityStatus>;
  readonly requiredDocuments?: readonly Open<DocumentType>[];
  readonly lastKycRefreshDate?: string;
  readonly nextKycRefreshDate?: string;
  readonly controlId?: string;
  readonly controlType?: string;
  /** `PAXOS` or `CLIENT` in the event object (§8.3), where the control itself says `SET_BY_…`. */
  readonly setBy?: string;
  readonly isOverridable?: boolean;
  readonly reasonCode?: string;
}

/** An event as `GET /events/{id}` returns it. */
export interface PaxosEvent {
  readonly id: string;
  readonly type: Open<IdentityEventType>;
  readonly objectType?: string;
  readonly object: EventObject;
  readonly createdAt: string;
  /** Whether it is a test event sent from the Dashboard. */
  readonly isTest?: boolean;
}

/**
 * What to list. Events come oldest first unless `order: 'DESC'`.
 *
 * @example
 * ```ts
 * for await (const event of service.listEvents({ type: 'identity.approved', createdAt: { gte: '2026-01-01T00:00:00Z' } })) { ... }
 * ```
 */
export interface EventFilter {
  /** One event type. */
  type?: Open<IdentityEventType>;
  /** List Dashboard test events instead of real ones. Default false. */
  isTest?: boolean;
  /** RFC 3339 bounds on `created_at` (`created_at.gte` and friends on the wire). */
  createdAt?: { gt?: string; gte?: string; lt?: string; lte?: string };
  /** `ASC` (default) or `DESC`. */
  order?: ListOrder;
  /** Events per page, 1–100. Default 100. */
  limit?: number;
}

/** One page of events; `nextPageCursor` is absent on the last page. */
export type EventPage = Page<PaxosEvent>;

const FILTER_FIELDS = keys('type', 'isTest', 'createdAt', 'order', 'limit');
const RANGE_FIELDS = keys('gt', 'gte', 'lt', 'lte');
const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/**
 * Checks an event filter: a dotted lower-case type, RFC 3339 bounds, `ASC`/`DESC`, a limit of 1–100.
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseEventFilter(value: unknown = {}): EventFilter {
  const v = new ViolationList();
  const f = readObject(v, '', value, FILTER_FIELDS, false);
  const out: EventFilter = {};
  if (f !== undefined) {
    const type = readString(v, 'type', f.get('type'), {
      max: 100,
      pattern: EVENT_TYPE,
      patternMessage: 'must be an event type such as identity.approved',
    });
    if (type !== undefined) out.type = type;
    const isTest = readBoolean(v, 'isTest', f.get('isTest'));
    if (isTest !== undefined) out.isTest = isTest;
    const order = readEnum(v, 'order', f.get('order'), LIST_ORDERS);
    if (order !== undefined) out.order = order;
    const limit = f.get('limit');
    if (limit !== undefined) {
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100)
        v.add('limit', 'range', 'must be an integer from 1 to 100');
      else out.limit = limit;
    }
    const range = readObject(v, 'createdAt', f.get('createdAt'), RANGE_FIELDS, false);
    if (range !== undefined) {
      const bounds: NonNullable<EventFilter['createdAt']> = {};
      for (const key of ['gt', 'gte', 'lt', 'lte'] as const) {
        const path = at('createdAt', key);
        const text = readString(v, path, range.get(key), { max: 40 });
        if (text === undefined) continue;
        if (parseDateTime(text) === undefined) v.add(path, 'format', 'must be an RFC 3339 date-time');
        else bounds[key] = text;
      }
      out.createdAt = bounds;
    }
  }
  if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'event filter' });
  return out;
}

/**
 * Checks an event id before it goes into a URL path.
 *
 * @throws {IdentityValidationError} when it is not 1–64 letters, digits, `.`, `_` and `-`.
 */
export function parseEventId(value: unknown): string {
  const v = new ViolationList();
  const id = readString(v, 'eventId', value, {
    required: true,
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    patternMessage: 'must be an event id',
  });
  if (id === undefined) throw new IdentityValidationError(v.items, { subject: 'event id' });
  return id;
}

/** The notification Paxos POSTs to a webhook: metadata only, to be confirmed with `getEvent(id)`. */
export interface WebhookNotification {
  readonly id: string;
  readonly type: Open<IdentityEventType>;
  readonly source: string;
  readonly time: string;
  readonly object: string;
  readonly isTest: boolean;
}

const WEBHOOK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a webhook body, as text (JSON) or already parsed. Webhooks are unsigned: this only makes sure the id is safe
 * to fetch; trust nothing else in it.
 *
 * @throws {WebhookPayloadError} naming the first bad field.
 */
export function parseWebhookNotification(body: unknown): WebhookNotification {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new WebhookPayloadError('body', 'is not valid JSON');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new WebhookPayloadError('body', 'must be a JSON object');
  const record = value as Record<string, unknown>;
  const own = (key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);
  const text = (key: string, pattern?: RegExp): string => {
    const field = own(key);
    if (typeof field !== 'string' || field === '')
      throw new WebhookPayloadError(key, 'is required and must be a non-empty string');
    if (pattern !== undefined && !pattern.test(field)) throw new WebhookPayloadError(key, 'has an unexpected format');
    return field;
  };
  const id = text('id', WEBHOOK_ID);
  const type = text('type', EVENT_TYPE);
  const source = text('source', /^[\x21-\x7e]{1,200}$/);
  const time = text('time');
  if (parseDateTime(time) === undefined) throw new WebhookPayloadError('time', 'must be an RFC 3339 date-time');
  const object = text('object', /^[a-z_]{1,50}$/);
  const isTest = own('is_test');
  if (isTest !== undefined && typeof isTest !== 'boolean')
    throw new WebhookPayloadError('is_test', 'must be a boolean');
  return { id, type, source, time, object, isTest: isTest === true };
}
