import type { EventFilter, EventObject, EventPage, PaxosEvent } from '../../../domain/index.js';

/** The `object_type` Paxos gives each identity event type (documents_required as DOCS and the webhook spec spell it). */
const OBJECT_TYPES: Readonly<Record<string, string>> = {
  'identity.approved': 'identity_summary_status_change',
  'identity.denied': 'identity_summary_status_change',
  'identity.disabled': 'identity_summary_status_change',
  'identity.documents_required': 'identity_documents_required',
  'identity.kyc_refresh.started': 'identity_kyc_refresh',
  'identity.kyc_refresh.completed': 'identity_kyc_refresh',
  'identity.kyc_refresh.expired': 'identity_kyc_refresh',
  'identity.control.created': 'identity_control',
  'identity.control.deleted': 'identity_control',
};

/** The event a move into a summary status emits. Paxos documents none for moves into PENDING or ERROR. */
export const STATUS_EVENT_TYPES: Readonly<Record<string, string>> = {
  APPROVED: 'identity.approved',
  DENIED: 'identity.denied',
  DISABLED: 'identity.disabled',
};

interface Stored {
  readonly seq: number;
  readonly event: PaxosEvent;
}

/** One API user's event log: append-only, in creation order, paged with opaque cursors that survive inserts. */
export class SimulatedEventLog {
  private readonly events: Stored[] = [];
  private readonly byId = new Map<string, Stored>();
  private seq = 0;

  append(id: string, type: string, object: EventObject, createdAt: string): PaxosEvent {
    const objectType = OBJECT_TYPES[type];
    const event: PaxosEvent = {
      id,
      type,
      ...(objectType !== undefined && { objectType }),
      object: { id, ...object },
      createdAt,
      isTest: false,
    };
    const stored = { seq: ++this.seq, event };
    this.events.push(stored);
    this.byId.set(id, stored);
    return event;
  }

  get(id: string): PaxosEvent | undefined {
    return this.byId.get(id)?.event;
  }

  /**
   * A page of events matching `filter`. The cursor names the last event served (by sequence number, never a
   * position), so events appended while a client pages neither repeat nor go missing.
   */
  page(filter: EventFilter & { pageCursor?: string | undefined }): EventPage | 'bad-cursor' {
    const order = filter.order ?? 'ASC';
    const limit = filter.limit ?? 100;
    let after: number | undefined;
    if (filter.pageCursor !== undefined) {
      after = decodeCursor(filter.pageCursor, order);
      if (after === undefined) return 'bad-cursor';
    }
    const bounds = filter.createdAt ?? {};
    const ms = (text: string | undefined) => (text === undefined ? undefined : Date.parse(text));
    const [gt, gte, lt, lte] = [ms(bounds.gt), ms(bounds.gte), ms(bounds.lt), ms(bounds.lte)];
    const matches = (s: Stored): boolean => {
      const e = s.event;
      if ((filter.isTest ?? false) !== (e.isTest ?? false)) return false;
      if (filter.type !== undefined && e.type !== filter.type) return false;
      // Paxos's timestamps carry microseconds; bounds are compared on the millisecond they fall in.
      const at = Date.parse(e.createdAt);
      if (gt !== undefined && !(at > gt)) return false;
      if (gte !== undefined && !(at >= gte)) return false;
      if (lt !== undefined && !(at < lt)) return false;
      if (lte !== undefined && !(at <= lte)) return false;
      return true;
    };
    const ordered = order === 'ASC' ? this.events : [...this.events].reverse();
    const remaining = ordered.filter(
      (s) => (after === undefined || (order === 'ASC' ? s.seq > after : s.seq < after)) && matches(s),
    );
    const page = remaining.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((s) => s.event),
      ...(remaining.length > limit && last !== undefined && { nextPageCursor: encodeCursor(last.seq, order) }),
    };
  }
}

function encodeCursor(seq: number, order: string): string {
  return Buffer.from(JSON.stringify({ s: seq, o: order })).toString('base64url');
}

function decodeCursor(cursor: string, order: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { s, o } = parsed as { s?: unknown; o?: unknown };
    return typeof s === 'number' && Number.isSafeInteger(s) && o === order ? s : undefined;
  } catch {
    return undefined;
  }
}
