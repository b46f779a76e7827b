import {
  parseDocumentUploadRequest,
  parseEventFilter,
  parseEventId,
  parseIdentityId,
  parseListDocumentsOptions,
  parseMemberId,
  parseMembersToAdd,
  IdentityValidationError,
  type DocumentUpload,
  type DocumentUploadRequest,
  type EventFilter,
  type EventPage,
  type IdentityDocuments,
  type InstitutionMemberInput,
  type InstitutionMembersAdded,
  type ListDocumentsOptions,
  type PaxosEvent,
} from '../domain/index.js';
import type {
  CallOptions,
  DocumentGateway,
  EventGateway,
  IdentityGateway,
  InstitutionMemberGateway,
} from '../ports/index.js';

/** The gateways behind members, documents and events; a call whose gateway is missing throws a TypeError. */
export interface IdentityLifecyclePorts {
  readonly members?: InstitutionMemberGateway;
  readonly documents?: DocumentGateway;
  readonly events?: EventGateway;
}

function missing(what: string): never {
  throw new TypeError(`This IdentityService has no ${what} gateway; build it with createIdentityService`);
}

/**
 * The use cases after create: institution members, documents and events, each checked in the domain first.
 *
 * @example
 * ```ts
 * const lifecycle = new IdentityLifecycle(identities, { members, documents, events });
 * ```
 */
export class IdentityLifecycle {
  constructor(
    private readonly identities: IdentityGateway,
    private readonly ports: IdentityLifecyclePorts,
  ) {}

  /** Checks the members against the institution's type and current members, then adds them. */
  async addInstitutionMembers(
    institutionId: string,
    members: readonly InstitutionMemberInput[],
    options: CallOptions = {},
  ): Promise<InstitutionMembersAdded> {
    const gateway = this.ports.members ?? missing('institution-member');
    const id = parseIdentityId(institutionId, 'institutionId');
    const institution = await this.identities.get(id, {
      ...options,
      includeDetails: true,
      includeInstitutionMembers: true,
    });
    return gateway.addMembers(id, parseMembersToAdd(institution, members), options);
  }

  async removeInstitutionMember(memberId: string, options: CallOptions = {}): Promise<void> {
    const gateway = this.ports.members ?? missing('institution-member');
    await gateway.removeMember(parseMemberId(memberId), options);
  }

  async requestDocumentUpload(
    identityId: string,
    request: DocumentUploadRequest,
    options: CallOptions = {},
  ): Promise<DocumentUpload> {
    const gateway = this.ports.documents ?? missing('document');
    return gateway.requestUpload(parseIdentityId(identityId), parseDocumentUploadRequest(request), options);
  }

  async listDocuments(
    identityId: string,
    options: ListDocumentsOptions & CallOptions = {},
  ): Promise<IdentityDocuments> {
    const gateway = this.ports.documents ?? missing('document');
    const { includePending } = parseListDocumentsOptions(options);
    return gateway.list(parseIdentityId(identityId), { ...options, includePending: includePending ?? false });
  }

  async listEventsPage(
    filter: EventFilter & { pageCursor?: string | undefined } = {},
    options: CallOptions = {},
  ): Promise<EventPage> {
    const gateway = this.ports.events ?? missing('event');
    const { pageCursor, ...rest } = filter;
    if (pageCursor !== undefined && (typeof pageCursor !== 'string' || pageCursor === '' || pageCursor.length > 2000)) {
      throw new IdentityValidationError(
        [{ path: 'pageCursor', code: 'format', message: 'pageCursor: must be the nextPageCursor of a previous page' }],
        { subject: 'event filter' },
      );
    }
    return gateway.listPage({ ...parseEventFilter(rest), ...(pageCursor !== undefined && { pageCursor }) }, options);
  }

  async *listEvents(filter: EventFilter = {}, options: CallOptions = {}): AsyncGenerator<PaxosEvent, void, undefined> {
    const checked = parseEventFilter(filter);
    let cursor: string | undefined;
    do {
      const page: EventPage = await this.listEventsPage(
        { ...checked, ...(cursor !== undefined && { pageCursor: cursor }) },
        options,
      );
      yield* page.items;
      // A cursor that does not move would page forever.
      if (page.nextPageCursor !== undefined && page.nextPageCursor === cursor)
        throw new TypeError('The event listing returned the same cursor twice');
      cursor = page.nextPageCursor;
    } while (cursor !== undefined);
  }

  async getEvent(id: string, options: CallOptions & { readonly isTest?: boolean } = {}): Promise<PaxosEvent> {
    const gateway = this.ports.events ?? missing('event');
    return gateway.get(parseEventId(id), options);
  }
}
