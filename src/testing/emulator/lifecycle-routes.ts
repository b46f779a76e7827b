import {
  DocumentAlreadyExistsError,
  EventNotFoundError,
  IdentityNotFoundError,
  IdentityRejectedError,
  IdentityValidationError,
  InstitutionMemberNotFoundError,
  parseDateTime,
  type DocumentType,
  type EventFilter,
  type PaxosEvent,
} from '../../domain/index.js';
import type { PaxosSimulator } from '../../adapters/in-memory/simulation/paxos-simulator.js';
import type { Approvals } from './identity-routes.js';
import { SCOPES, typeLookup } from './identity-routes.js';
import { judgeAddMembers, judgeDocumentUpload, type Judgement, type JudgeOptions } from './judge.js';
import { isWireObject, schemaOf } from './schemas.js';
import { fromWire, memberFromWire, SERVER_SET, writeAs } from './wire.js';
import { identityNotFound, fail, invalidRequest, problem, wireViolations, type Problem } from './problems.js';
import { pathParam, type Route, type RouteRequest, type RouteResponse } from './router.js';

/** The scope of Paxos's Events API. */
const EVENTS_SCOPE = 'events:read_event';

/** Where the upload route listens: outside `/v2`, as an object store would be. */
const UPLOAD_PATH = '/uploads/{file_id}';

/** What the member, document and event routes work on. */
export interface LifecycleRouteContext {
  readonly simulator: PaxosSimulator;
  readonly approvals: Approvals;
  readonly judge: JudgeOptions;
  /** Every judgement, with the request it was made on. */
  readonly record: (judgement: Judgement, request: RouteRequest) => void;
  /** Largest upload accepted; Paxos: under 100 MB. */
  readonly maxUploadBytes: number;
  /** How many webhooks have yet to acknowledge an event (`undelivered_webhooks`). Default: none. */
  readonly undeliveredWebhooks?: (eventId: string) => number;
}

type Wire = Record<string, unknown>;

const ALREADY_EXISTS = 'https://developer.paxos.com/docs/v2/problems/already-exists';
/** Paxos's limit on a document's name (its 400 example: "up to 260 characters"). */
const MAX_DOCUMENT_NAME_LENGTH = 260;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function writeEvent(e: PaxosEvent, undeliveredWebhooks = 0): Wire {
  return writeAs('Event', { ...e, undeliveredWebhooks });
}

function readFlag(query: URLSearchParams, name: string): boolean | Problem {
  const value = query.get(name);
  if (value === null || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return problem(400, `${name}: invalid value, must be true or false`);
}

/**
 * The institution-member, document, upload and event endpoints the emulator serves, on the shared simulator.
 * Upload URLs point at the emulator itself (`/uploads/{file_id}?token=…`), which takes the PUT of the bytes without
 * a bearer token, as a pre-signed object-store URL does.
 */
export function lifecycleRoutes(ctx: LifecycleRouteContext): Route[] {
  const eventOut = (e: PaxosEvent): Wire => writeEvent(e, ctx.undeliveredWebhooks?.(e.id));
  const addMembers = (request: RouteRequest): RouteResponse => {
    const body = request.body;
    const institutionId =
      body !== null && typeof body === 'object' && typeof (body as Wire)['institution_id'] === 'string'
        ? ((body as Wire)['institution_id'] as string)
        : undefined;
    const typeOf = typeLookup(ctx, request.clientId);
    // The body first, as Paxos's gateway would; then the institution it names, and the roles its type allows.
    const shape = judgeAddMembers(body, undefined, ctx.judge, { typeOf });
    if (shape.issues.length > 0) {
      ctx.record(shape, request);
      return fail(invalidRequest(shape.issues));
    }
    let institutionType: string | undefined;
    if (institutionId !== undefined) {
      ctx.approvals.tick();
      try {
        const institution = ctx.simulator.get(request.clientId, institutionId, { includeDetails: true });
        if (institution.type !== 'INSTITUTION') {
          const message = 'institution_id: must be the id of an INSTITUTION identity';
          return fail(invalidRequest([{ path: 'institution_id', code: 'forbidden', message }]));
        }
        institutionType = institution.institution?.institutionType;
      } catch (error) {
        if (error instanceof IdentityNotFoundError) return fail(identityNotFound(institutionId));
        throw error;
      }
    }
    const judgement = judgeAddMembers(body, institutionType, ctx.judge, { typeOf });
    ctx.record(judgement, request);
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const id = institutionId as string;
    try {
      const read = fromWire(
        (body as Wire)['members'],
        schemaOf('AddInstitutionMembersRequest')?.properties?.['members'],
        {
          wrap: false,
          skip: SERVER_SET,
        },
      );
      const members = (read as Wire[]).map(memberFromWire);
      const added = ctx.simulator.addInstitutionMembers(request.clientId, id, members);
      return { status: 200, body: writeAs('AddInstitutionMembersResponse', added) };
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return fail(identityNotFound(id));
      if (error instanceof IdentityValidationError || error instanceof IdentityRejectedError)
        return fail(invalidRequest(wireViolations(error.violations)));
      throw error;
    }
  };

  const removeMember = (request: RouteRequest): RouteResponse => {
    const id = pathParam(request, 'id');
    try {
      ctx.approvals.tick();
      ctx.simulator.removeInstitutionMember(request.clientId, id);
      return { status: 200, body: {} };
    } catch (error) {
      if (error instanceof InstitutionMemberNotFoundError) return fail(problem(404, 'institution member not found'));
      throw error;
    }
  };

  const requestUpload = (request: RouteRequest): RouteResponse => {
    const body = request.body;
    const identityId = pathParam(request, 'identity_id');
    if (!isWireObject(body))
      return fail(invalidRequest([{ path: 'body', code: 'type', message: 'body: must be a JSON object' }]));
    const judgement = judgeDocumentUpload(body, ctx.judge);
    ctx.record(judgement, request);
    const name = body['name'];
    // Paxos's own wording for a missing or long name (§3.6).
    if (typeof name !== 'string' || name === '' || name.length > MAX_DOCUMENT_NAME_LENGTH)
      return fail(problem(400, 'must provide a file name, up to 260 characters'));
    if (judgement.issues.length > 0) return fail(invalidRequest(judgement.issues));
    const types = (body['document_types'] ?? []) as DocumentType[];
    const host =
      typeof request.headers.host === 'string' && /^[A-Za-z0-9.[\]:-]+$/.test(request.headers.host)
        ? request.headers.host
        : '127.0.0.1';
    try {
      const upload = ctx.simulator.requestDocumentUpload(
        request.clientId,
        identityId,
        { name, documentTypes: types },
        (fileId, token) => `http://${host}/uploads/${encodeURIComponent(fileId)}?token=${encodeURIComponent(token)}`,
      );
      return { status: 200, body: { file_id: upload.fileId, name: upload.name, upload_url: upload.uploadUrl } };
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return fail(problem(404, 'identity does not exist'));
      if (error instanceof DocumentAlreadyExistsError) {
        return fail({
          type: ALREADY_EXISTS,
          title: 'Already Exists',
          status: 409,
          detail: `file named "${name}" already exists`,
          meta: { existing: { name } },
        });
      }
      throw error;
    }
  };

  const listDocuments = (request: RouteRequest): RouteResponse => {
    const identityId = pathParam(request, 'identity_id');
    const includePending = readFlag(request.query, 'include_pending_docs');
    if (typeof includePending !== 'boolean') return fail(includePending);
    try {
      const listed = ctx.simulator.listDocuments(request.clientId, identityId, includePending);
      return {
        status: 200,
        body: {
          documents: listed.documents.map((d) => writeAs('DocumentDescription', d)),
          ...(includePending && { pending_documents: [...listed.pendingDocuments] }),
        },
      };
    } catch (error) {
      if (error instanceof IdentityNotFoundError) return fail(identityNotFound(identityId));
      throw error;
    }
  };

  const upload = (request: RouteRequest): RouteResponse => {
    const token = request.query.get('token') ?? '';
    const contentType =
      typeof request.headers['content-type'] === 'string' ? request.headers['content-type'] : undefined;
    const refusal = ctx.simulator.uploadDocument(
      pathParam(request, 'file_id'),
      token,
      request.rawBody,
      contentType,
      ctx.maxUploadBytes,
    );
    if (refusal === undefined) return { status: 200, body: {} };
    if (refusal === 'unknown-file') return fail(problem(403, 'the upload URL is not valid'));
    if (refusal === 'too-large') return fail(problem(413, 'files must be smaller than 100 MB'));
    return fail(problem(400, 'only PDF, JPG and PNG files are accepted'));
  };

  const listEvents = (request: RouteRequest): RouteResponse => {
    const q = request.query;
    const filter: EventFilter & { pageCursor?: string } = {};
    const limit = q.get('limit');
    if (limit !== null) {
      const n = Number(limit);
      if (!/^\d+$/.test(limit) || n < 1 || n > 100) return fail(problem(400, 'limit must be between 1 and 100'));
      filter.limit = n;
    }
    const type = q.get('type');
    if (type !== null && type !== '') filter.type = type;
    const isTest = readFlag(q, 'is_test');
    if (typeof isTest !== 'boolean') return fail(isTest);
    filter.isTest = isTest;
    const order = q.get('order');
    if (order !== null) {
      if (order !== 'ASC' && order !== 'DESC') return fail(problem(400, 'order: invalid value, must be ASC or DESC'));
      filter.order = order;
    }
    const range: NonNullable<EventFilter['createdAt']> = {};
    for (const op of ['gt', 'gte', 'lt', 'lte', 'eq'] as const) {
      const value = q.get(`created_at.${op}`);
      if (value === null) continue;
      if (parseDateTime(value) === undefined)
        return fail(problem(400, `created_at.${op}: must be an RFC 3339 date-time`));
      if (op === 'eq') {
        range.gte = value;
        range.lte = value;
      } else {
        range[op] = value;
      }
    }
    if (Object.keys(range).length > 0) filter.createdAt = range;
    const cursor = q.get('page_cursor');
    if (cursor !== null && cursor !== '') filter.pageCursor = cursor;
    ctx.approvals.tick();
    try {
      const page = ctx.simulator.listEvents(request.clientId, filter);
      // Paxos sends an empty cursor on the last page.
      return {
        status: 200,
        body: { events: page.items.map(eventOut), next_page_cursor: page.nextPageCursor ?? '' },
      };
    } catch (error) {
      if (error instanceof IdentityValidationError) return fail(problem(400, 'page_cursor: invalid cursor'));
      throw error;
    }
  };

  const getEvent = (request: RouteRequest): RouteResponse => {
    const id = pathParam(request, 'id');
    if (!ID.test(id)) return fail(problem(400, 'error parsing event id'));
    const isTest = readFlag(request.query, 'is_test');
    if (typeof isTest !== 'boolean') return fail(isTest);
    ctx.approvals.tick();
    try {
      const event = ctx.simulator.getEvent(request.clientId, id);
      // A test event is found only with is_test=true, a real one only without.
      if ((event.isTest ?? false) !== isTest) return fail(problem(404));
      return { status: 200, body: eventOut(event) };
    } catch (error) {
      // Paxos's Get Event 404 carries no detail.
      if (error instanceof EventNotFoundError) return fail(problem(404));
      throw error;
    }
  };

  return [
    {
      method: 'POST',
      path: '/v2/identity/institution-members',
      scopes: [SCOPES.writeIdentity],
      rateLimit: 'identity',
      body: 'json',
      handle: addMembers,
    },
    {
      method: 'DELETE',
      path: '/v2/identity/institution-members/{id}',
      scopes: [SCOPES.writeIdentity],
      rateLimit: 'identity',
      body: 'none',
      handle: removeMember,
    },
    {
      method: 'PUT',
      path: '/v2/identity/identities/{identity_id}/documents',
      scopes: [SCOPES.writeIdentity],
      rateLimit: 'identity',
      body: 'json',
      handle: requestUpload,
    },
    {
      method: 'GET',
      path: '/v2/identity/identities/{identity_id}/documents',
      scopes: [SCOPES.readIdentity],
      rateLimit: 'identity',
      body: 'none',
      handle: listDocuments,
    },
    {
      method: 'PUT',
      path: UPLOAD_PATH,
      rateLimit: 'none',
      body: 'raw',
      maxBodyBytes: ctx.maxUploadBytes,
      handle: upload,
    },
    { method: 'GET', path: '/v2/events', scopes: [EVENTS_SCOPE], rateLimit: 'other', body: 'none', handle: listEvents },
    {
      method: 'GET',
      path: '/v2/events/{id}',
      scopes: [EVENTS_SCOPE],
      rateLimit: 'other',
      body: 'none',
      handle: getEvent,
    },
  ];
}

/** Paxos's upload limit (§3.6: under 100 MB), the emulator's default. */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1000 * 1000;
