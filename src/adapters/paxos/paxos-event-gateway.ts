import type { EventObject, EventPage, PaxosEvent } from '../../domain/index.js';
import type { CallOptions, EventGateway, EventPageRequest } from '../../ports/index.js';
import { EventDto, ListEventsResponseDto, type EventObjectDto } from './dto/lifecycle.dto.js';
import type { PaxosConnection } from './connection.js';
import { sameId } from './http/echo.js';

// Not under `/identity/`: the Events API counts against Paxos's "other endpoints" budget (reference §7), so event
// reads take the `other` budget and never queue behind identity creates.
const EVENTS = '/events';
const EVENT = '/events/{id}';

function objectFromWire(wire: EventObjectDto | undefined): EventObject {
  if (wire === undefined) return {};
  const out: { -readonly [K in keyof EventObject]: EventObject[K] } = {};
  if (wire.id !== undefined) out.id = wire.id;
  if (wire.identity_id !== undefined) out.identityId = wire.identity_id;
  if (wire.old_summary_status !== undefined) out.oldSummaryStatus = wire.old_summary_status;
  if (wire.new_summary_status !== undefined) out.newSummaryStatus = wire.new_summary_status;
  if (wire.required_documents !== undefined) out.requiredDocuments = wire.required_documents;
  if (wire.last_kyc_refresh_date !== undefined) out.lastKycRefreshDate = wire.last_kyc_refresh_date;
  if (wire.next_kyc_refresh_date !== undefined) out.nextKycRefreshDate = wire.next_kyc_refresh_date;
  if (wire.control_id !== undefined) out.controlId = wire.control_id;
  if (wire.control_type !== undefined) out.controlType = wire.control_type;
  if (wire.set_by !== undefined) out.setBy = wire.set_by;
  if (wire.is_overridable !== undefined) out.isOverridable = wire.is_overridable;
  if (wire.reason_code !== undefined) out.reasonCode = wire.reason_code;
  return out;
}

function eventFromWire(wire: EventDto): PaxosEvent {
  return {
    id: wire.id,
    type: wire.type,
    ...(wire.object_type !== undefined && { objectType: wire.object_type }),
    object: objectFromWire(wire.object),
    createdAt: wire.created_at,
    ...(wire.is_test !== undefined && { isTest: wire.is_test }),
  };
}

/**
 * The {@link EventGateway} port over Paxos's Events API (`GET /events`, `GET /events/{id}`, scope
 * `events:read_event`). Event types Paxos adds later come through as they are.
 */
export class PaxosEventGateway implements EventGateway {
  readonly #transport: PaxosConnection;

  constructor(transport: PaxosConnection) {
    this.#transport = transport;
  }

  /** `GET /events` with `type`, `is_test`, `created_at.*`, `order`, `limit` and `page_cursor`. */
  async listPage(request: EventPageRequest, options: CallOptions = {}): Promise<EventPage> {
    const query = new URLSearchParams();
    if (request.type !== undefined) query.set('type', request.type);
    if (request.isTest !== undefined) query.set('is_test', String(request.isTest));
    for (const [key, value] of Object.entries<string | undefined>(request.createdAt ?? {}))
      if (value !== undefined) query.set(`created_at.${key}`, value);
    if (request.order !== undefined) query.set('order', request.order);
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    if (request.pageCursor !== undefined) query.set('page_cursor', request.pageCursor);
    const text = query.toString();
    const answer = await this.#transport.send({
      method: 'GET',
      path: EVENTS,
      template: EVENTS,
      budget: 'other',
      ...(text !== '' && { query: text }),
      idempotent: true,
      readJson: true,
      scopes: this.#transport.eventScopes,
      call: options,
    });
    const dto = this.#transport.decode(ListEventsResponseDto, answer, 'an event list');
    const cursor = dto.next_page_cursor;
    // Paxos sends an empty cursor on the last page.
    return {
      items: (dto.events ?? []).map(eventFromWire),
      ...(cursor !== undefined && cursor !== '' && { nextPageCursor: cursor }),
    };
  }

  /** `GET /events/{id}`; an answer carrying another id is a `PaxosResponseError`. */
  async get(id: string, options: CallOptions & { readonly isTest?: boolean } = {}): Promise<PaxosEvent> {
    const answer = await this.#transport.send({
      method: 'GET',
      path: `${EVENTS}/${encodeURIComponent(id)}`,
      template: EVENT,
      budget: 'other',
      ...(options.isTest === true && { query: 'is_test=true' }),
      idempotent: true,
      readJson: true,
      resource: { event: id },
      scopes: this.#transport.eventScopes,
      call: options,
    });
    const dto = this.#transport.decode(EventDto, answer, 'an event');
    if (!sameId(dto.id, id))
      throw this.#transport.invalid(answer, 'the event asked for', ['id: not the one asked for']);
    return eventFromWire(dto);
  }
}
