import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DOCUMENT_TYPES,
  IDENTITY_CONTROL_REASON_CODES,
  IDENTITY_CONTROL_TYPES,
  IdentityControlNotFoundError,
  IdentityNotFoundError,
  IdentityRejectedError,
  IdentityValidationError,
  type Identity,
  type PaxosEvent,
  type SandboxStatusChange,
} from '../../../domain/index.js';
import type { PaxosSimulator } from '../../../adapters/in-memory/simulation/paxos-simulator.js';
import type { Approvals } from '../identity-routes.js';
import type { EmulatorFault, FaultInjector } from '../faults.js';
import type { WebhookDispatcher } from '../webhook-delivery.js';
import { writeIdentity } from '../wire.js';
import { wireViolations } from '../problems.js';
import { maskPersonal, revealField } from './personal.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS } from './page.js';

/** One request-log line as the console shows it: what the emulator's request log holds, never a body. */
interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly route?: string;
  readonly status?: number;
  readonly fault?: string;
  readonly durationMs?: number;
}

/** What the console reads and steers: the emulator's own parts, so that a click does what the API would. */
export interface ConsoleContext {
  readonly simulator: PaxosSimulator;
  readonly approvals: Approvals;
  /** The API users, first one first; each has its own identities. */
  readonly clients: readonly string[];
  readonly faults: FaultInjector;
  readonly webhooks: WebhookDispatcher;
  readonly requests: () => readonly LoggedRequest[];
  /** `host:port` values the console answers to: a request naming another host is refused (DNS rebinding). */
  readonly hosts: () => readonly string[];
}

/** What changed, as the live feed tells the page: a topic only, never data, so the feed cannot leak any. */
export type ConsoleTopic = 'identities' | 'events' | 'webhooks' | 'requests' | 'faults';

const MAX_BODY = 16 * 1024;
const ASSETS = new Map([
  ['/', { type: 'text/html; charset=utf-8', text: CONSOLE_HTML }],
  ['/console/app.js', { type: 'text/javascript; charset=utf-8', text: CONSOLE_JS }],
  ['/console/app.css', { type: 'text/css; charset=utf-8', text: CONSOLE_CSS }],
]);
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const FAULT_KINDS = ['status', 'drop', 'stall-body', 'truncate-body', 'delay'] as const;
const MAX_FAULT_TIMES = 1000;
/**
 * The most rows a list answers with, newest first, beside the total: a client that created 10,000 identities must not
 * make the page build 10,000 rows. A search reaches every row; only its answer is capped.
 */
const MAX_ROWS = 200;
const REDACTED = '[redacted]';

/** A refusal of a console request, with the status and a message naming the field. */
class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

/**
 * The emulator's console: a page at `/` and its JSON and server-sent-event routes under `/console/`. Every action
 * calls the simulator, fault queue or webhook dispatcher the API routes use; personal data leaves only through the
 * per-field reveal route.
 */
export class EmulatorConsole {
  readonly #ctx: ConsoleContext;
  readonly #streams = new Set<ServerResponse>();
  #pendingTopics = new Set<ConsoleTopic>();
  #flushQueued = false;

  constructor(ctx: ConsoleContext) {
    this.#ctx = ctx;
  }

  /**
   * Whether a request target belongs to the console rather than to Paxos's API. A target that is not a URL (a raw
   * client may send `GET http://[`) is not the console's: the API answers it.
   */
  static owns(target: string | undefined): boolean {
    let path: string;
    try {
      path = new URL(target ?? '/', 'http://emulator').pathname;
    } catch {
      return false;
    }
    return path === '/' || path.startsWith('/console/');
  }

  /** How many live feeds are open: each page holds one, and one a client closed is forgotten. */
  get openStreams(): number {
    return this.#streams.size;
  }

  /** Tells every open page that `topic` changed; coalesced, so a burst of requests is one refresh. */
  changed(topic: ConsoleTopic): void {
    if (this.#streams.size === 0) return;
    this.#pendingTopics.add(topic);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    setImmediate(() => {
      this.#flushQueued = false;
      const topics = [...this.#pendingTopics];
      this.#pendingTopics = new Set();
      const frame = `event: change\ndata: ${JSON.stringify({ topics })}\n\n`;
      for (const stream of this.#streams) stream.write(frame);
    });
  }

  /** Ends every live feed. */
  close(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  /** Serves a console request; anything thrown is a 500 without detail. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const url = parseTarget(req.url);
      this.#checkOrigin(req, method);
      if (method === 'GET' || method === 'HEAD') {
        this.#get(url, req, res);
        return;
      }
      if (method !== 'POST' && method !== 'DELETE') throw new ConsoleError(405, 'method not allowed');
      const body = method === 'POST' ? await readJson(req) : {};
      const answer = this.#act(method, url.pathname, body);
      sendJson(res, 200, answer);
    } catch (error) {
      if (error instanceof ConsoleError) sendJson(res, error.status, { error: error.message });
      else if (error instanceof IdentityNotFoundError) sendJson(res, 404, { error: 'identity not found' });
      else if (error instanceof IdentityControlNotFoundError) sendJson(res, 404, { error: 'control not found' });
      else if (error instanceof IdentityRejectedError || error instanceof IdentityValidationError)
        sendJson(res, 400, {
          error:
            wireViolations(error.violations)
              .map((v) => v.message)
              .join('; ') || 'refused',
        });
      else if (error instanceof RangeError) sendJson(res, 400, { error: error.message });
      else if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  }

  #checkOrigin(req: IncomingMessage, method: string): void {
    const host = req.headers.host ?? '';
    if (!this.#ctx.hosts().includes(host)) throw new ConsoleError(421, 'unknown host');
    if (method === 'GET' || method === 'HEAD') return;
    // A page of another origin can send a simple POST to a loopback port; only the console's own page may act.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) throw new ConsoleError(403, 'cross-origin request');
    if (method === 'POST' && !/^application\/json\b/.test(req.headers['content-type'] ?? ''))
      throw new ConsoleError(415, 'body must be application/json');
  }

  #get(url: URL, req: IncomingMessage, res: ServerResponse): void {
    const asset = ASSETS.get(url.pathname);
    if (asset !== undefined) sendText(res, asset.type, asset.text);
    else if (url.pathname === '/console/api/stream') this.#openStream(req, res);
    else sendJson(res, 200, this.#read(url));
  }

  #read(url: URL): Json {
    const path = url.pathname;
    // The API ticks the sandbox's approvals on every request; so does every read of the console.
    this.#ctx.approvals.tick();
    if (path === '/console/api/identities') return this.#identities(url.searchParams.get('q'));
    const detail = /^\/console\/api\/identities\/([^/]+)$/.exec(path);
    if (detail?.[1] !== undefined)
      return this.#identity(this.#clientOf(url.searchParams.get('client')), decodeId(detail[1]));
    if (path === '/console/api/events') return capped('events', this.#events());
    if (path === '/console/api/webhooks') return this.#webhookView();
    if (path === '/console/api/requests') return capped('requests', this.#ctx.requests().slice().reverse());
    if (path === '/console/api/faults') return { faults: this.#faultView() };
    throw new ConsoleError(404, 'not found');
  }

  #openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.write(': connected\n\n');
    this.#streams.add(res);
    req.on('close', () => this.#streams.delete(res));
  }

  #act(method: string, path: string, body: Json): Json {
    const ctx = this.#ctx;
    if (path === '/console/api/faults') {
      if (method === 'DELETE') {
        ctx.faults.clear();
        this.changed('faults');
        return { faults: [] };
      }
      injectFault(ctx.faults, body);
      this.changed('faults');
      return { faults: this.#faultView() };
    }
    if (method === 'POST' && path === '/console/api/webhooks/redeliver') {
      ctx.webhooks.redeliver(requiredString(body, 'webhook'), requiredString(body, 'eventId'));
      return { ok: true };
    }
    const action = /^\/console\/api\/identities\/([^/]+)\/([a-z-]+)$/.exec(path);
    if (method !== 'POST' || action?.[1] === undefined || action[2] === undefined)
      throw new ConsoleError(404, 'not found');
    const id = decodeId(action[1]);
    const clientId = this.#clientOf(optionalString(body, 'clientId') ?? null);
    ctx.approvals.tick();
    if (action[2] === 'reveal') {
      const field = requiredString(body, 'field');
      const identity = ctx.simulator.get(clientId, id, { includeDetails: true, includeInstitutionMembers: true });
      const value = revealField(writeIdentity(identity), field);
      if (value === undefined) throw new ConsoleError(400, `field: ${field} is not a personal field of this identity`);
      return { field, value };
    }
    this.#steer(clientId, id, action[2], body);
    this.changed('identities');
    return { identity: this.#summary(clientId, ctx.simulator.get(clientId, id)) };
  }

  /** The identity actions: the same simulator calls as sandbox-status, the controls and KYC refresh routes. */
  #steer(clientId: string, id: string, action: string, body: Json): void {
    const simulator = this.#ctx.simulator;
    const change = sandboxChange(action, simulator.get(clientId, id).type);
    if (change !== undefined) {
      simulator.setSandboxStatus(clientId, id, change);
      return;
    }
    switch (action) {
      case 'require-documents': {
        const types = body['documentTypes'];
        if (!Array.isArray(types) || types.length === 0)
          throw new ConsoleError(400, 'documentTypes: must list at least one document type');
        for (const t of types)
          if (typeof t !== 'string' || !(DOCUMENT_TYPES as readonly string[]).includes(t))
            throw new ConsoleError(400, `documentTypes: ${String(t)} is not a document type`);
        simulator.requireDocuments(clientId, id, types as string[]);
        return;
      }
      case 'kyc-refresh':
        simulator.startKycRefresh(clientId, id);
        return;
      case 'add-control': {
        const controlType = oneOf(body, 'type', IDENTITY_CONTROL_TYPES);
        const reasonCode = oneOf(body, 'reasonCode', IDENTITY_CONTROL_REASON_CODES);
        const reason = optionalString(body, 'reason');
        simulator.createControl(clientId, {
          identityId: id,
          type: controlType,
          reasonCode,
          ...(reason !== undefined && reason !== '' && { reason }),
          setBy: body['setByPaxos'] === true ? 'SET_BY_PAXOS' : 'SET_BY_CLIENT',
        });
        return;
      }
      case 'remove-control':
        simulator.deleteControl(clientId, requiredString(body, 'controlId'));
        return;
      default:
        throw new ConsoleError(404, `unknown action ${action}`);
    }
  }

  #clientOf(client: string | null): string {
    const clients = this.#ctx.clients;
    if (client === null || client === '') return clients[0] ?? '';
    if (!clients.includes(client)) throw new ConsoleError(400, 'clientId: not a client of this emulator');
    return client;
  }

  #identities(query: string | null): Json {
    const needle = (query ?? '').trim().toLowerCase();
    const all: Json[] = [];
    for (const clientId of this.#ctx.clients) {
      let cursor: string | undefined;
      do {
        const page = this.#ctx.simulator.listPage(clientId, {
          order: 'DESC',
          ...(cursor !== undefined && { pageCursor: cursor }),
        });
        for (const listed of page.items) {
          // A list page has no details; an institution's name is in them (and is not personal data).
          const identity =
            listed.type === 'INSTITUTION'
              ? this.#ctx.simulator.get(clientId, listed.id, { includeDetails: true })
              : listed;
          all.push(this.#summary(clientId, identity));
        }
        cursor = page.nextPageCursor;
      } while (cursor !== undefined);
    }
    const found = all.filter(
      (row) =>
        needle === '' ||
        Object.values(row).some((value) => typeof value === 'string' && value.toLowerCase().includes(needle)),
    );
    found.sort((a, b) => String(b['createdAt']).localeCompare(String(a['createdAt'])));
    return { ...capped('identities', found), clients: this.#ctx.clients };
  }

  /** A list row: nothing personal (an institution's name is not personal data; a person's is). */
  #summary(clientId: string, identity: Identity): Json {
    return {
      clientId,
      id: identity.id,
      type: identity.type,
      summaryStatus: identity.summaryStatus,
      createdAt: identity.createdAt,
      ...(identity.refId !== undefined && { refId: identity.refId }),
      ...(identity.type === 'INSTITUTION' && identity.institution !== undefined && { name: identity.institution.name }),
    };
  }

  #identity(clientId: string, id: string): Json {
    const simulator = this.#ctx.simulator;
    const identity = simulator.get(clientId, id, { includeDetails: true, includeInstitutionMembers: true });
    const { masked, personal } = maskPersonal(writeIdentity(identity));
    const documents = simulator.listDocuments(clientId, id, true);
    const controls = simulator.listControls(clientId, { identityId: id, includeDeleted: true, limit: 1000 });
    const accounts = simulator.accounts(clientId).listPage({ identityId: id, limit: 1000 });
    return {
      summary: this.#summary(clientId, identity),
      details: masked,
      personal,
      members: (identity.institutionMembers ?? []).map((m) => ({
        id: m.id,
        identityId: m.identityId,
        roles: m.roles,
        ...(m.summaryStatus !== undefined && { summaryStatus: m.summaryStatus }),
      })),
      documents: documents.documents.map((d) => ({ fileId: d.fileId, name: d.name, documentTypes: d.documentTypes })),
      pendingDocuments: documents.pendingDocuments,
      controls: controls.items.map((c) => ({
        id: c.id,
        type: c.type,
        setBy: c.setBy,
        isOverridable: c.isOverridable,
        reasonCode: c.reasonCode,
        createdAt: c.createdAt,
        ...(c.deletedAt !== undefined && { deletedAt: c.deletedAt }),
      })),
      accounts: accounts.items.map((a) => ({
        id: a.id,
        type: a.type,
        description: a.description,
        summaryStatus: a.summaryStatus,
        profileId: a.profileId,
        createdAt: a.createdAt,
      })),
      requests: this.#ctx
        .requests()
        .filter((r) => r.path.split('/').includes(id))
        .reverse(),
      choices: {
        documentTypes: DOCUMENT_TYPES,
        controlTypes: IDENTITY_CONTROL_TYPES,
        reasonCodes: IDENTITY_CONTROL_REASON_CODES,
      },
    };
  }

  #events(): Json[] {
    const rows: Json[] = [];
    for (const clientId of this.#ctx.clients) {
      let cursor: string | undefined;
      do {
        const page = this.#ctx.simulator.listEvents(clientId, {
          order: 'DESC',
          ...(cursor !== undefined && { pageCursor: cursor }),
        });
        for (const event of page.items) rows.push(eventRow(clientId, event, this.#ctx.webhooks));
        cursor = page.nextPageCursor;
      } while (cursor !== undefined);
    }
    return rows.sort((a, b) => String(b['createdAt']).localeCompare(String(a['createdAt'])));
  }

  #webhookView(): Json {
    const webhooks = this.#ctx.webhooks;
    const attempts = webhooks.attempts.slice().reverse();
    const undelivered = webhooks.undelivered();
    return {
      webhooks: webhooks.list().map((w) => ({ ...w, url: redactUrl(w.url) })),
      attempts: attempts.slice(0, MAX_ROWS),
      totalAttempts: attempts.length,
      undelivered: undelivered.slice(0, MAX_ROWS),
      totalUndelivered: undelivered.length,
    };
  }

  #faultView(): Json[] {
    return this.#ctx.faults.pending.map((f) => ({ fault: f.fault, remaining: f.remaining, hits: f.hits }));
  }
}

/** The sandbox-status change behind a decision button, as a client would send it to `PUT …/sandbox-status`. */
function sandboxChange(action: string, type: string): SandboxStatusChange | undefined {
  switch (action) {
    case 'approve':
      return type === 'INSTITUTION'
        ? { sanctionsVerification: 'APPROVED', documentVerification: 'APPROVED' }
        : { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' };
    case 'deny':
      return { sanctionsVerification: 'DENIED' };
    case 'disable':
      return { userDisabled: true };
    case 'enable':
      return { userDisabled: false };
    default:
      return undefined;
  }
}

/** An event as the console lists it: its type, the identity and statuses, never the rest of its object. */
function eventRow(clientId: string, event: PaxosEvent, webhooks: WebhookDispatcher): Json {
  const object = event.object as Record<string, unknown>;
  const pick = (key: string) => (typeof object[key] === 'string' ? { [key]: object[key] } : {});
  return {
    clientId,
    id: event.id,
    type: event.type,
    createdAt: event.createdAt,
    ...pick('identityId'),
    ...pick('oldSummaryStatus'),
    ...pick('newSummaryStatus'),
    undeliveredWebhooks: webhooks.undeliveredCount(event.id),
  };
}

/** The first {@link MAX_ROWS} rows under `key`, and how many there are in all. */
function capped(key: string, rows: readonly unknown[]): Json {
  return { [key]: rows.slice(0, MAX_ROWS), total: rows.length };
}

function parseTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://console');
  } catch {
    throw new ConsoleError(400, 'request target: is not a URL');
  }
}

/** An id from the path; bad percent-encoding is the caller's mistake, not the console's. */
function decodeId(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ConsoleError(400, 'identity id: is not valid percent-encoding');
  }
}

/**
 * A webhook URL as the page shows it: its user and password, and the value of every query parameter, replaced,
 * since endpoints often carry their secret in one of them; the host and path tell the endpoints apart.
 */
function redactUrl(href: string): string {
  const url = new URL(href);
  const userinfo = url.username !== '' || url.password !== '' ? `${REDACTED}@` : '';
  const query = [...url.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=${REDACTED}`).join('&');
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query === '' ? '' : `?${query}`}`;
}

function injectFault(faults: FaultInjector, body: Json): void {
  const kind = oneOf(body, 'kind', FAULT_KINDS);
  let fault: EmulatorFault;
  if (kind === 'status') fault = { kind, status: integer(body, 'status', 100, 599) };
  else if (kind === 'delay') fault = { kind, ms: integer(body, 'ms', 0, 600_000) };
  else if (kind === 'drop')
    fault = { kind, when: oneOf(body, 'when', ['before-processing', 'after-processing'] as const) };
  else fault = { kind };
  const times = body['times'] === undefined ? 1 : integer(body, 'times', 1, MAX_FAULT_TIMES);
  const method = optionalString(body, 'method');
  const path = optionalString(body, 'path');
  faults.inject(fault, {
    times,
    match: {
      ...(method !== undefined && method !== '' && { method }),
      ...(path !== undefined && path !== '' && { path }),
    },
  });
}

function requiredString(body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new ConsoleError(400, `${field}: is required`);
  return value;
}

function optionalString(body: Json, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConsoleError(400, `${field}: must be a string`);
  return value;
}

function oneOf<T extends string>(body: Json, field: string, values: readonly T[]): T {
  const value = body[field];
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
    throw new ConsoleError(400, `${field}: must be one of ${values.join(', ')}`);
  return value as T;
}

function integer(body: Json, field: string, min: number, max: number): number {
  const raw = body[field];
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ConsoleError(400, `${field}: must be an integer from ${min} to ${max}`);
  return value;
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ConsoleError(413, `request body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConsoleError(400, 'request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConsoleError(400, 'request body must be a JSON object');
  return parsed as Json;
}

function securityHeaders(): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CSP,
  };
}

function sendText(res: ServerResponse, type: string, text: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...securityHeaders() });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...securityHeaders(),
  });
  res.end(text);
}
