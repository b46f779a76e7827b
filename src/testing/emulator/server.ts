import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Clock, IdGenerator } from '../../ports/index.js';
import { PaxosSimulator } from '../../adapters/in-memory/simulation/paxos-simulator.js';
import { systemClock } from '../../ports/index.js';
import { FaultInjector, type EmulatorFault, type EmulatorFaultKind } from './faults.js';
import { Approvals, identityRoutes, type ApprovalBehaviour } from './identity-routes.js';
import { listUpdateRoutes } from './list-update-routes.js';
import { accountRoutes } from './account-routes.js';
import { controlRoutes } from './control-routes.js';
import { DEFAULT_MAX_UPLOAD_BYTES, lifecycleRoutes } from './lifecycle-routes.js';
import type { PaxosEvent } from '../../domain/index.js';
import { generateCredentials, TokenIssuer, type EmulatorCredentials } from './oauth.js';
import { insufficientScopes, problem, TOO_MANY_REQUESTS, type Problem } from './problems.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { requestTarget, Router, type Route, type RouteMatch, type RouteRequest, type RouteResponse } from './router.js';
import { announce, type Judgement, type JudgementListener } from './judge.js';
import { judgeResponse } from './response-judge.js';
import { EmulatorConsole } from './console/handler.js';
import {
  WebhookDispatcher,
  type EmulatorWebhook,
  type EmulatorWebhookDeliveryOptions,
  type EmulatorWebhooks,
} from './webhook-delivery.js';

/** Options of {@link startPaxosEmulator}. */
export interface PaxosEmulatorOptions {
  /** TCP port on 127.0.0.1. Default 0: a free port chosen by the system. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`; the emulator has no TLS and is meant for local use. */
  readonly host?: string;
  /**
   * The API users. Each sees only the identities it created. Default: one client with a random id and secret,
   * available as `emulator.clientId` / `emulator.clientSecret`.
   */
  readonly credentials?: EmulatorCredentials | readonly EmulatorCredentials[];
  /** `'paxos'` enforces Paxos's published limits (10 rps identity, 1 rps token, per IP, 5-minute window and throttle). Default off. */
  readonly rateLimit?: false | 'paxos' | RateLimitOptions;
  /** Source of `created_at`/`updated_at`, token expiry, rate-limit windows and "not in the future" rules. Default: the wall clock. */
  readonly clock?: Clock;
  /** Source of identity ids. Default: random UUID v4. */
  readonly ids?: IdGenerator;
  /**
   * `'auto'` (default): a person created with valid passthrough details (verification APPROVED) is approved on the
   * next request, as Paxos's sandbox does (§9); `{ autoApproveAfterMs }` after that delay on the emulator's clock.
   * Institutions, persons with EDD documents pending and persons verified otherwise stay PENDING.
   * `'manual'`: every identity stays PENDING until `PUT …/sandbox-status`, like the in-memory gateway.
   */
  readonly approval?: ApprovalBehaviour;
  /**
   * `'reject'` (default): a request field that is not in Paxos's schema is a 400. `'ignore'`: dropped silently.
   *
   * `'reject'` is stricter than anything Paxos documents for the identity endpoints: Paxos's schemas do not forbid
   * other properties, and the reference (identity-api.md §2, §12 #11) knows a "fields not listed are forbidden" rule
   * only for Create Account, inferring that other endpoints may refuse them too. It is the default so that a
   * misspelled field fails a test instead of being dropped unnoticed; `'ignore'` answers as Paxos's schema allows.
   */
  readonly unknownFields?: 'reject' | 'ignore';
  /**
   * Called with the verdict on every request body the emulator judged (by Paxos's schemas and documented rules),
   * with the request's `User-Agent`: a test can check that every body a client sent was valid.
   */
  readonly onJudgement?: JudgementListener;
  /** Lifetime of access tokens. Default 3599 s, as Paxos. */
  readonly tokenTtlSeconds?: number;
  /** Largest request body accepted. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * How many requests {@link PaxosEmulator.requests} keeps: the newest, the oldest dropped first (and counted in
   * {@link PaxosEmulator.droppedRequests}), so that a long-running emulator under load stays in bounded memory.
   * Default 10,000.
   */
  readonly maxRequestLog?: number;
  /** Largest document accepted at an upload URL; one this size or larger is a 413. Default 100 MB, as Paxos. */
  readonly maxUploadBytes?: number;
  /** The most identities a list page returns, whatever `limit` asks for. Default 100. */
  readonly maxPageSize?: number;
  /** Endpoints that receive a notification of every event, as Paxos's webhooks; more with `emulator.webhooks.add`. */
  readonly webhooks?: readonly EmulatorWebhook[];
  /** Retry schedule (and its `timeScale`), timeout and jitter of webhook delivery. */
  readonly webhookDelivery?: EmulatorWebhookDeliveryOptions;
  /**
   * Serve the console, a web page to watch and steer the emulator, at `/` (its routes under `/console/`, never
   * clashing with `/v2` and `/oauth2`); see {@link PaxosEmulator.consoleUrl}. Default off; the CLI turns it on.
   */
  readonly console?: boolean;
}

/** One line of the request log: never a body, a query string or a header. */
export interface RequestLogEntry {
  readonly method: string;
  /** The path without its query string. */
  readonly path: string;
  /** The route template the path matched, when it matched one. */
  readonly route?: string;
  /** The status sent; absent when the connection was dropped before a response. */
  readonly status?: number;
  /** The injected fault that hit this request. */
  readonly fault?: EmulatorFaultKind;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_REQUEST_LOG = 10_000;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

class BodyTooLarge extends Error {}

/**
 * A local HTTP server that speaks Paxos's v2 Identity API wire format: OAuth2 client credentials, bearer tokens and
 * scopes, identity create/get/sandbox-status with Paxos's statuses, Problems and detail strings, optional rate
 * limits, fault injection and a request log. State lives in memory and is lost on {@link PaxosEmulator.close}.
 * Start one with {@link startPaxosEmulator}.
 */
export class PaxosEmulator {
  /** Faults to inject into the next requests. */
  readonly faults = new FaultInjector();
  readonly #secret: string;
  readonly #clientId: string;
  readonly #server: Server;
  readonly #router: Router;
  readonly #tokens: TokenIssuer;
  readonly #limiter: RateLimiter | undefined;
  // A ring: once full, the oldest entry, at #logStart, is overwritten.
  readonly #log: RequestLogEntry[] = [];
  #logStart = 0;
  #dropped = 0;
  readonly #maxLog: number;
  readonly #timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  readonly #maxBody: number;
  readonly #simulator: PaxosSimulator;
  readonly #webhooks: WebhookDispatcher;
  readonly #console: EmulatorConsole | undefined;
  /** How long each logged request took, from its arrival to the end of its response or connection (the console's). */
  readonly #durations = new WeakMap<RequestLogEntry, number>();
  #closed = false;
  #port = 0;
  #host: string;

  private constructor(options: PaxosEmulatorOptions) {
    const clock = options.clock ?? systemClock;
    const credentials =
      options.credentials === undefined
        ? [generateCredentials()]
        : ([] as EmulatorCredentials[]).concat(options.credentials);
    const first = credentials[0];
    if (first === undefined) throw new RangeError('credentials must name at least one client');
    this.#clientId = first.clientId;
    this.#secret = first.clientSecret;
    this.#host = options.host ?? '127.0.0.1';
    this.#maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const maxLog = options.maxRequestLog ?? DEFAULT_MAX_REQUEST_LOG;
    if (!Number.isSafeInteger(maxLog) || maxLog < 1) throw new RangeError('maxRequestLog must be a positive integer');
    this.#maxLog = maxLog;
    this.#tokens = new TokenIssuer(credentials, clock, options.tokenTtlSeconds);
    const rateLimit = options.rateLimit ?? false;
    this.#limiter = rateLimit === false ? undefined : new RateLimiter(rateLimit === 'paxos' ? {} : rateLimit, clock);
    const webhooks = new WebhookDispatcher(
      options.webhookDelivery ?? {},
      credentials.map((c) => c.clientId),
    );
    for (const webhook of options.webhooks ?? []) webhooks.add(webhook);
    this.#webhooks = webhooks;
    const simulator = new PaxosSimulator({
      clock,
      onEvent: (clientId, event) => {
        webhooks.notify(clientId, event);
        this.#console?.changed('events');
      },
      ...(options.ids !== undefined && { ids: options.ids }),
      ...(options.maxPageSize !== undefined && { maxPageSize: options.maxPageSize }),
    });
    const approvals = new Approvals(options.approval ?? 'auto', simulator, clock);
    this.#simulator = simulator;
    const judge = { strict: (options.unknownFields ?? 'reject') === 'reject' };
    const onJudgement = options.onJudgement;
    const record = (judgement: Judgement, request: RouteRequest): void => {
      const agent = request.headers['user-agent'];
      const userAgent = typeof agent === 'string' ? agent : undefined;
      announce(judgement, userAgent);
      onJudgement?.({ ...judgement, userAgent });
    };
    const routes: Route[] = [
      this.#tokens.route(),
      ...identityRoutes({ simulator, clock, approvals, judge, record }),
      ...listUpdateRoutes({ simulator, clock, approvals, judge, record }),
      ...lifecycleRoutes({
        simulator,
        approvals,
        judge,
        record,
        maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
        undeliveredWebhooks: (eventId) => webhooks.undeliveredCount(eventId),
      }),
      ...accountRoutes({ simulator, approvals, judge, record }),
      ...controlRoutes({ simulator, approvals, judge, record }),
    ];
    this.#router = new Router(routes);
    this.#console =
      options.console === true
        ? new EmulatorConsole({
            simulator,
            approvals,
            clients: credentials.map((c) => c.clientId),
            faults: this.faults,
            webhooks,
            requests: () => this.requests.map((entry) => ({ ...entry, durationMs: this.#durations.get(entry) })),
            hosts: () => consoleHosts(this.#host, this.#port),
          })
        : undefined;
    webhooks.onActivity = () => this.#console?.changed('webhooks');
    this.#server = createServer((req, res) => {
      if (this.#console !== undefined && EmulatorConsole.owns(req.url)) {
        void this.#console.serve(req, res);
        return;
      }
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) this.#send(res, 500, problem(500));
        else res.destroy();
      });
    });
  }

  /** Starts an emulator; resolves once it listens. */
  static async start(options: PaxosEmulatorOptions = {}): Promise<PaxosEmulator> {
    const emulator = new PaxosEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? 0, emulator.#host, () => {
        emulator.#server.off('error', reject);
        resolve();
      });
    });
    emulator.#port = (emulator.#server.address() as AddressInfo).port;
    return emulator;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:PORT/v2`, the counterpart of `https://api.sandbox.paxos.com/v2`. */
  get baseUrl(): string {
    return `${this.#origin()}/v2`;
  }

  /** `http://127.0.0.1:PORT/oauth2/token`, the counterpart of `https://oauth.sandbox.paxos.com/oauth2/token`. */
  get tokenUrl(): string {
    return `${this.#origin()}/oauth2/token`;
  }

  /** `http://127.0.0.1:PORT/`, the console's page, when the emulator was started with `console: true`. */
  get consoleUrl(): string | undefined {
    return this.#console === undefined ? undefined : `${this.#origin()}/`;
  }

  /** The first client's id. */
  get clientId(): string {
    return this.#clientId;
  }

  /** The first client's secret. A local development credential; it is redacted from `util.inspect` and JSON. */
  get clientSecret(): string {
    return this.#secret;
  }

  /**
   * The requests served so far, oldest first: method, path, route, status and fault; never bodies or headers. At most
   * the newest `maxRequestLog` (default 10,000); see {@link PaxosEmulator.droppedRequests}.
   */
  get requests(): readonly RequestLogEntry[] {
    return [...this.#log.slice(this.#logStart), ...this.#log.slice(0, this.#logStart)];
  }

  /** How many requests left the log, oldest first, to keep it within `maxRequestLog` since it was last cleared. */
  get droppedRequests(): number {
    return this.#dropped;
  }

  /** Empties the request log and resets {@link PaxosEmulator.droppedRequests}. */
  clearRequestLog(): void {
    this.#log.length = 0;
    this.#logStart = 0;
    this.#dropped = 0;
  }

  #logRequest(entry: RequestLogEntry): void {
    if (this.#log.length < this.#maxLog) {
      this.#log.push(entry);
      return;
    }
    this.#log[this.#logStart] = entry;
    this.#logStart = (this.#logStart + 1) % this.#maxLog;
    this.#dropped += 1;
  }

  /**
   * Sandbox control: Paxos asks `identityId` for documents of these types (enhanced due diligence). They are listed as
   * pending until uploaded, and an `identity.documents_required` event is recorded. `clientId` defaults to the first client's.
   */
  requireDocuments(
    identityId: string,
    documentTypes: readonly string[],
    clientId: string = this.#clientId,
  ): PaxosEvent {
    return this.#simulator.requireDocuments(clientId, identityId, documentTypes);
  }

  /** Sandbox control: records an event of any type (a KYC refresh, or a type Paxos has yet to add) for `clientId`. */
  recordEvent(type: string, object: PaxosEvent['object'], clientId: string = this.#clientId): PaxosEvent {
    return this.#simulator.recordEvent(clientId, type, object);
  }

  /**
   * Sets a control as Paxos would itself (`SET_BY_PAXOS`, not overridable), such as FROZEN, which API users cannot
   * create; the identity's status and `identity.control.created` follow. Resolves to the control's id.
   */
  setPaxosControl(identityId: string, type: string, reasonCode: string, clientId: string = this.#clientId): string {
    return this.#simulator.createControl(clientId, { identityId, type, reasonCode, setBy: 'SET_BY_PAXOS' }).id;
  }

  /** The webhooks: add and remove endpoints, every delivery attempt, what is undelivered, `settled()`. */
  get webhooks(): EmulatorWebhooks {
    return this.#webhooks;
  }

  /** Invalidates every access token issued so far: the next API call gets a 401 until the client fetches a new token. */
  expireTokens(): void {
    this.#tokens.expireAll();
  }

  /**
   * Stops listening, drops open connections (stalled responses included), cancels pending delays and stops webhook
   * delivery (its timers and requests in flight). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.faults.clear();
    this.#console?.close();
    await this.#webhooks.close();
    for (const pending of this.#timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.#timers.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
      this.#server.closeAllConnections();
    });
  }

  /** A JSON view without the client secret. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, tokenUrl: this.tokenUrl, clientId: this.clientId, clientSecret: '[REDACTED]' };
  }

  /** What `util.inspect` and `console.log` show: no client secret. */
  [INSPECT](): string {
    return `PaxosEmulator { baseUrl: '${this.baseUrl}', tokenUrl: '${this.tokenUrl}', clientId: '${this.clientId}', clientSecret: '[REDACTED]' }`;
  }

  #origin(): string {
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `http://${host}:${this.#port}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, query } = requestTarget(req.url ?? '/');
    const { match, template: route } = this.#router.resolve(method, path);
    const entry: { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] } =
      route === undefined ? { method, path } : { method, path, route };
    this.#logRequest(entry);
    // Only the console reads durations; without it, a listener and a WeakMap entry per request are pure cost.
    if (this.#console !== undefined) {
      const started = performance.now();
      res.once('close', () => {
        this.#durations.set(entry, performance.now() - started);
        this.#console?.changed('requests');
      });
    }

    const maxBody = (match.kind === 'found' ? match.route.maxBodyBytes : undefined) ?? this.#maxBody;
    let body: Buffer;
    try {
      body = await this.#readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        entry.status = 413;
        res.setHeader('connection', 'close');
        this.#send(res, 413, problem(413, `request body larger than ${maxBody} bytes`));
      } else {
        req.socket.destroy();
      }
      return;
    }

    if (this.#closed) {
      req.socket.destroy();
      return;
    }
    const fault = this.faults.take(method, path);
    if (fault !== undefined) entry.fault = fault.kind;
    if (fault?.kind === 'drop' && fault.when === 'before-processing') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      entry.status = fault.status;
      const headers = fault.retryAfter === undefined ? undefined : { 'retry-after': String(fault.retryAfter) };
      this.#send(res, fault.status, fault.body ?? faultProblem(fault.status), headers);
      return;
    }
    if (fault?.kind === 'delay') {
      await this.#sleep(fault.ms);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- close() may have run during the sleep; the narrowing from before the await is stale
      if (this.#closed) return;
    }

    // Most handlers answer at once: awaiting only a promise saves a microtask turn per request.
    const processed = this.#process(req, method, path, query, match, body);
    const response = processed instanceof Promise ? await processed : processed;
    judgeResponse(method, route, response.status, response.body);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall-headers') return; // Left open without a byte; close() or the client ends it.
    entry.status = response.status;
    if (fault?.kind === 'stall-body' || fault?.kind === 'truncate-body') {
      this.#sendPartial(res, response, fault);
      return;
    }
    this.#send(res, response.status, response.body, response.headers);
  }

  #process(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
    match: RouteMatch,
    body: Buffer,
  ): RouteResponse | Promise<RouteResponse> {
    const bucket = match.kind === 'found' ? match.route.rateLimit : 'none';
    if (this.#limiter !== undefined && !this.#limiter.allow(req.socket.remoteAddress ?? 'unknown', bucket)) {
      const retryAfter = this.#limiter.retryAfterSeconds;
      return {
        status: 429,
        body: TOO_MANY_REQUESTS,
        ...(retryAfter !== undefined && { headers: { 'retry-after': String(retryAfter) } }),
      };
    }
    if (match.kind === 'not-found') return fromProblem(problem(404, 'Not Found'));
    if (match.kind === 'wrong-method') {
      return { ...fromProblem(problem(405, 'Method Not Allowed')), headers: { allow: match.allowed.join(', ') } };
    }
    const route = match.route;
    let clientId = '';
    if (route.scopes !== undefined) {
      const auth = this.#tokens.authenticate(req.headers.authorization);
      if (!auth.ok) return fromProblem(auth.problem);
      if (!holdsOneOf(auth.scopes, route.scopes)) return fromProblem(insufficientScopes(auth.scopes, route.scopes));
      clientId = auth.clientId;
    }
    let parsed: unknown;
    if (route.body === 'json') {
      const text = body.toString('utf8');
      if (text.trim() === '') return fromProblem(problem(400, 'request body must be a JSON object'));
      try {
        parsed = JSON.parse(text);
      } catch {
        // The parser's message quotes the body, which may hold personal data: say only that it is not JSON.
        return fromProblem(problem(400, 'request body is not valid JSON'));
      }
    }
    return route.handle({
      method,
      path,
      params: match.params,
      query,
      headers: req.headers,
      rawBody: body,
      body: parsed,
      clientId,
    });
  }

  #readBody(req: IncomingMessage, maxBody: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on('end', () => {
        if (tooLarge) reject(new BodyTooLarge());
        else resolve(Buffer.concat(chunks));
      });
      req.on('error', reject);
    });
  }

  #send(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
    const text = JSON.stringify(body);
    const length = Buffer.byteLength(text);
    res.writeHead(
      status,
      headers === undefined
        ? { 'content-type': 'application/json', 'content-length': length }
        : { 'content-type': 'application/json', 'content-length': length, ...headers },
    );
    res.end(text);
  }

  #sendPartial(res: ServerResponse, response: RouteResponse, fault: EmulatorFault): void {
    const text = Buffer.from(JSON.stringify(response.body));
    const half = text.subarray(0, Math.max(1, Math.floor(text.length / 2)));
    if (fault.kind === 'stall-body') {
      res.writeHead(response.status, {
        'content-type': 'application/json',
        'content-length': text.length,
        ...response.headers,
      });
      res.write(half);
      return; // Left open on purpose; close() or the client ends it.
    }
    // No content-length: the response ends cleanly and only the JSON is cut short.
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(half);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed) {
        resolve();
        return;
      }
      const pending = {
        timer: setTimeout(() => {
          this.#timers.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.#timers.add(pending);
    });
  }
}

/** The `Host` values the console answers to: the address it listens on, and loopback names for it. */
function consoleHosts(host: string, port: number): string[] {
  const names = new Set([host.includes(':') ? `[${host}]` : host, '127.0.0.1', 'localhost', '[::1]']);
  return [...names].map((name) => `${name}:${port}`);
}

/** True when `held` includes one of `required`: a scope check without a closure per request. */
function holdsOneOf(held: readonly string[], required: readonly string[]): boolean {
  for (const scope of required) if (held.includes(scope)) return true;
  return false;
}

function fromProblem(p: Problem): RouteResponse {
  return { status: p.status, body: p };
}

function faultProblem(status: number): Problem {
  if (status === 429) return TOO_MANY_REQUESTS;
  // Paxos's 500 carries no detail.
  if (status === 500) return problem(500);
  return problem(status, problem(status).title);
}

/**
 * Starts a local Paxos emulator on 127.0.0.1 (port 0 by default) and resolves once it listens.
 *
 * @example
 * ```ts
 * const emulator = await startPaxosEmulator();
 * const service = createIdentityService({ adapter: 'paxos', paxos: { environment: 'sandbox',
 *   baseUrl: emulator.baseUrl, tokenUrl: emulator.tokenUrl, clientId: emulator.clientId, clientSecret: emulator.clientSecret } });
 * // …
 * await emulator.close();
 * ```
 */
export function startPaxosEmulator(options: PaxosEmulatorOptions = {}): Promise<PaxosEmulator> {
  return PaxosEmulator.start(options);
}
