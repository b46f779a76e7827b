import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { PaxosEvent } from '../../domain/index.js';

/** How the emulator authenticates to a webhook endpoint: the two ways Paxos's Dashboard offers (identity-api.md §8.3). */
export type EmulatorWebhookAuth =
  /** Every delivery carries `header: value`. */
  | { readonly type: 'api_key'; readonly header: string; readonly value: string }
  /**
   * Client credentials: a token is fetched from `clientUrl` (`grant_type=client_credentials`, the credentials both as
   * HTTP Basic and as form fields, as Paxos sends them), cached until it expires, and sent as `Authorization: Bearer`.
   */
  | {
      readonly type: 'oauth2';
      readonly clientUrl: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** Sent as the form's `scope` when given. */
      readonly scope?: string;
    };

/** A webhook endpoint the emulator POSTs notifications to. */
export interface EmulatorWebhook {
  /** Where notifications are POSTed: `http:` or `https:`. Paxos requires HTTPS; the emulator takes both, for loopback tests. */
  readonly url: string;
  readonly auth: EmulatorWebhookAuth;
  /** Unique among the emulator's webhooks, as Paxos's Dashboard requires. Default `webhook-N`. */
  readonly name?: string;
  /** Deliveries started per second, 1 to 100. Default 10, Paxos's default. */
  readonly ratePerSecond?: number;
  /** The API user whose events it receives. Default: the emulator's first client. */
  readonly clientId?: string;
}

/** What the inspection API shows of a webhook: never its key, secret or token. */
export interface EmulatorWebhookInfo {
  readonly name: string;
  readonly url: string;
  readonly authType: EmulatorWebhookAuth['type'];
  readonly ratePerSecond: number;
  readonly clientId: string;
}

/**
 * When a failed delivery is tried again. The nominal delay after the n-th failed attempt is
 * `min(firstDelayMs × factor^(n−1), maxDelayMs)`, lengthened by up to `jitter` of itself at random; there is no
 * further attempt once it would start more than `giveUpAfterMs` after the first one.
 */
export interface WebhookRetrySchedule {
  readonly firstDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  readonly giveUpAfterMs: number;
  /** A fraction of the delay, 0 to 1. */
  readonly jitter: number;
}

/**
 * Paxos's schedule as documented (§8.3): first retry after about 5 s, then longer, for up to 24 h. Paxos does not
 * publish the factor or the longest gap; doubling up to one hour is the emulator's choice.
 */
export const PAXOS_WEBHOOK_RETRY: WebhookRetrySchedule = Object.freeze({
  firstDelayMs: 5000,
  factor: 2,
  maxDelayMs: 60 * 60 * 1000,
  giveUpAfterMs: 24 * 60 * 60 * 1000,
  jitter: 0.2,
});

/**
 * The retry policy: how long to wait after `failures` failed attempts, the first of which started `elapsedMs` ago,
 * or `undefined` to give up. `random` is in [0, 1).
 */
export function webhookRetryDelay(
  failures: number,
  elapsedMs: number,
  random: number,
  schedule: WebhookRetrySchedule = PAXOS_WEBHOOK_RETRY,
): number | undefined {
  const nominal = Math.min(schedule.firstDelayMs * schedule.factor ** Math.max(0, failures - 1), schedule.maxDelayMs);
  const delay = nominal * (1 + schedule.jitter * random);
  return elapsedMs + delay > schedule.giveUpAfterMs ? undefined : delay;
}

/** Options of the emulator's webhook delivery (`webhookDelivery` of `startPaxosEmulator`). */
export interface EmulatorWebhookDeliveryOptions {
  /**
   * Multiplies every delay of the retry schedule, so that tests run Paxos's 24 hours in seconds: `1 / 10_000` makes
   * the first retry 0.5 ms and the last one 8.6 s after the first attempt. The rate limit and the timeout are not
   * scaled. Default 1.
   */
  readonly timeScale?: number;
  /** Overrides parts of {@link PAXOS_WEBHOOK_RETRY} (before `timeScale` applies). */
  readonly retrySchedule?: Partial<WebhookRetrySchedule>;
  /** How long one attempt (or token request) may take before it counts as failed. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Source of jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/** Why an attempt got no status: no answer in time, no connection (or it broke), or no OAuth2 token. */
export type WebhookAttemptError = 'timeout' | 'connection' | 'token';

/** One POST to a webhook, as the inspection API lists it: never a header or a body. */
export interface WebhookAttempt {
  readonly webhook: string;
  readonly eventId: string;
  readonly eventType: string;
  /** 1 for the first delivery, 2 for the first retry, … */
  readonly attempt: number;
  /** When it started (wall clock, RFC 3339). */
  readonly startedAt: string;
  /** The endpoint's status; absent when there was none. */
  readonly status?: number;
  readonly error?: WebhookAttemptError;
  readonly delivered: boolean;
}

/** An event a webhook has not acknowledged yet. */
export interface UndeliveredWebhook {
  readonly webhook: string;
  readonly eventId: string;
  readonly eventType: string;
  /** `'retrying'`: waiting for (or in) an attempt. `'gave_up'`: the schedule ran out; recover it with List Events. */
  readonly state: 'retrying' | 'gave_up';
  readonly attempts: number;
  readonly lastStatus?: number;
  readonly lastError?: WebhookAttemptError;
  /** When the next attempt is due (wall clock, RFC 3339), while it waits for one. */
  readonly nextAttemptAt?: string;
}

/**
 * The emulator's webhooks at runtime (`emulator.webhooks`): add and remove endpoints, see every attempt and what is
 * still undelivered, and wait until delivery has settled.
 */
export interface EmulatorWebhooks {
  /**
   * Adds an endpoint; it receives the events recorded from now on (Paxos does not replay older ones).
   *
   * @throws {RangeError} for a URL that is not http(s), a header name that is not a token, a rate outside 1–100, a
   *   name already taken, an unknown client id, or an 11th webhook of one client (Paxos allows 10).
   */
  add(webhook: EmulatorWebhook): EmulatorWebhookInfo;
  /** Removes an endpoint by name and drops what it had yet to deliver. Returns whether there was one. */
  remove(name: string): boolean;
  /** The endpoints, oldest first. */
  list(): readonly EmulatorWebhookInfo[];
  /** Every attempt so far, oldest first. */
  readonly attempts: readonly WebhookAttempt[];
  /** What the webhooks have yet to acknowledge, optionally for one event. */
  undelivered(eventId?: string): readonly UndeliveredWebhook[];
  /** Resolves once no delivery is waiting or in flight: each one was acknowledged or given up (or the emulator closed). */
  settled(): Promise<void>;
  /**
   * Sends `eventId` to the webhook named `webhook` once more, as a new delivery with its own retries, as Paxos's
   * dashboard resends a notification: for an event given up on, or to replay one the endpoint mishandled.
   *
   * @throws {RangeError} for an unknown webhook, or an event that was never notified to it.
   */
  redeliver(webhook: string, eventId: string): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RATE = 10;
/** Paxos: "Max 10 active webhooks per entity". */
const MAX_WEBHOOKS_PER_CLIENT = 10;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const USER_AGENT = 'paxos-emulator-webhooks';
/** Headers the emulator sets itself for the request's framing: an API key may not replace them. */
const RESERVED_HEADERS = new Set(['content-length', 'content-type', 'host', 'connection', 'transfer-encoding']);

interface Endpoint {
  readonly name: string;
  readonly url: URL;
  readonly auth: EmulatorWebhookAuth;
  readonly ratePerSecond: number;
  readonly clientId: string;
  /** Monotonic start of the latest attempt, for the rate limit. */
  lastStart: number;
  timer: NodeJS.Timeout | undefined;
  readonly waiting: Delivery[];
  token: { readonly value: string; readonly expiresAt: number } | undefined;
  tokenRequest: Promise<string> | undefined;
  removed: boolean;
}

interface Delivery {
  readonly endpoint: Endpoint;
  readonly event: PaxosEvent;
  readonly body: string;
  readonly seq: number;
  state: 'waiting' | 'in_flight' | 'delivered' | 'gave_up';
  attempts: number;
  firstAttemptAt: number | undefined;
  dueAt: number;
  lastStatus: number | undefined;
  lastError: WebhookAttemptError | undefined;
}

class AttemptFailed extends Error {
  constructor(readonly kind: WebhookAttemptError) {
    super(kind);
  }
}

/**
 * Delivers the §8.3 notification of every recorded event to each webhook of its client: rate limited per webhook,
 * retried on any non-2xx, timeout or connection error by {@link webhookRetryDelay}, and counted in
 * `undelivered_webhooks` until acknowledged. Timers and sockets all end with {@link close}.
 */
export class WebhookDispatcher implements EmulatorWebhooks {
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #byEvent = new Map<string, Delivery[]>();
  readonly #attempts: WebhookAttempt[] = [];
  readonly #inFlight = new Set<ClientRequest>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  readonly #waiters: (() => void)[] = [];
  readonly #schedule: WebhookRetrySchedule;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #defaultClient: string;
  readonly #clients: ReadonlySet<string>;
  #pending = 0;
  #seq = 0;
  /** Told of every attempt and new delivery, so that a watcher (the console) can refresh; never given a body. */
  onActivity: (() => void) | undefined;
  #named = 0;
  #closed = false;

  /** @throws {RangeError} for a `timeScale` or `timeoutMs` that is not a positive number. */
  constructor(options: EmulatorWebhookDeliveryOptions, clients: readonly string[]) {
    const scale = options.timeScale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError('webhookDelivery.timeScale must be a positive number');
    const base = { ...PAXOS_WEBHOOK_RETRY, ...options.retrySchedule };
    this.#schedule = {
      ...base,
      firstDelayMs: base.firstDelayMs * scale,
      maxDelayMs: base.maxDelayMs * scale,
      giveUpAfterMs: base.giveUpAfterMs * scale,
    };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw new RangeError('webhookDelivery.timeoutMs must be a positive number');
    this.#random = options.random ?? Math.random;
    this.#defaultClient = clients[0] ?? '';
    this.#clients = new Set(clients);
  }

  add(webhook: EmulatorWebhook): EmulatorWebhookInfo {
    if (this.#closed) throw new RangeError('the emulator is closed');
    const url = parseUrl(webhook.url, 'webhook url');
    const auth = checkAuth(webhook.auth);
    const ratePerSecond = webhook.ratePerSecond ?? DEFAULT_RATE;
    if (!(ratePerSecond >= 1 && ratePerSecond <= 100))
      throw new RangeError('webhook ratePerSecond must be from 1 to 100');
    const clientId = webhook.clientId ?? this.#defaultClient;
    if (!this.#clients.has(clientId)) throw new RangeError('webhook clientId is not a client of this emulator');
    const name = webhook.name ?? `webhook-${String(++this.#named)}`;
    if (this.#endpoints.has(name)) throw new RangeError(`a webhook named '${name}' exists already`);
    const ofClient = [...this.#endpoints.values()].filter((e) => e.clientId === clientId).length;
    if (ofClient >= MAX_WEBHOOKS_PER_CLIENT)
      throw new RangeError(`a client may have at most ${String(MAX_WEBHOOKS_PER_CLIENT)} webhooks`);
    const endpoint: Endpoint = {
      name,
      url,
      auth,
      ratePerSecond,
      clientId,
      lastStart: -Infinity,
      timer: undefined,
      waiting: [],
      token: undefined,
      tokenRequest: undefined,
      removed: false,
    };
    this.#endpoints.set(name, endpoint);
    return infoOf(endpoint);
  }

  remove(name: string): boolean {
    const endpoint = this.#endpoints.get(name);
    if (endpoint === undefined) return false;
    this.#endpoints.delete(name);
    endpoint.removed = true;
    clearTimeout(endpoint.timer);
    for (const deliveries of this.#byEvent.values()) {
      for (let i = deliveries.length - 1; i >= 0; i--) {
        const d = deliveries[i];
        if (d?.endpoint !== endpoint) continue;
        deliveries.splice(i, 1);
        if (d.state === 'waiting' || d.state === 'in_flight') this.#settle(d, 'gave_up');
      }
    }
    endpoint.waiting.length = 0;
    return true;
  }

  list(): readonly EmulatorWebhookInfo[] {
    return [...this.#endpoints.values()].map(infoOf);
  }

  get attempts(): readonly WebhookAttempt[] {
    return this.#attempts.slice();
  }

  undelivered(eventId?: string): readonly UndeliveredWebhook[] {
    const lists = eventId === undefined ? [...this.#byEvent.values()] : [this.#byEvent.get(eventId) ?? []];
    return lists
      .flat()
      .filter((d) => d.state !== 'delivered')
      .map((d) => ({
        webhook: d.endpoint.name,
        eventId: d.event.id,
        eventType: d.event.type,
        state: d.state === 'gave_up' ? 'gave_up' : 'retrying',
        attempts: d.attempts,
        ...(d.lastStatus !== undefined && { lastStatus: d.lastStatus }),
        ...(d.lastError !== undefined && { lastError: d.lastError }),
        ...(d.state === 'waiting' && {
          nextAttemptAt: new Date(Date.now() + Math.max(0, d.dueAt - performance.now())).toISOString(),
        }),
      }));
  }

  redeliver(webhook: string, eventId: string): void {
    if (this.#closed) throw new RangeError('the emulator is closed');
    const endpoint = this.#endpoints.get(webhook);
    if (endpoint === undefined) throw new RangeError(`no webhook named ${JSON.stringify(webhook)}`);
    const earlier = (this.#byEvent.get(eventId) ?? []).find((d) => d.endpoint === endpoint);
    if (earlier === undefined) throw new RangeError(`event ${JSON.stringify(eventId)} was not sent to ${webhook}`);
    this.#queue(endpoint, earlier.event, earlier.body);
  }

  settled(): Promise<void> {
    if (this.#pending === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** How many webhooks have not acknowledged `eventId`: Get Event's `undelivered_webhooks`. */
  undeliveredCount(eventId: string): number {
    return (this.#byEvent.get(eventId) ?? []).filter((d) => d.state !== 'delivered').length;
  }

  /** Queues the notification of `event` for every webhook of `clientId`. */
  notify(clientId: string, event: PaxosEvent): void {
    if (this.#closed) return;
    const body = JSON.stringify({
      id: event.id,
      type: event.type,
      source: 'com.paxos',
      time: event.createdAt,
      object: 'event',
      is_test: event.isTest ?? false,
    });
    for (const endpoint of this.#endpoints.values()) {
      if (endpoint.clientId === clientId) this.#queue(endpoint, event, body);
    }
  }

  #queue(endpoint: Endpoint, event: PaxosEvent, body: string): void {
    const delivery: Delivery = {
      endpoint,
      event,
      body,
      seq: ++this.#seq,
      state: 'waiting',
      attempts: 0,
      firstAttemptAt: undefined,
      dueAt: performance.now(),
      lastStatus: undefined,
      lastError: undefined,
    };
    let list = this.#byEvent.get(event.id);
    if (list === undefined) this.#byEvent.set(event.id, (list = []));
    list.push(delivery);
    this.#pending += 1;
    endpoint.waiting.push(delivery);
    // Later, not inside the API call that recorded the event: Paxos delivers asynchronously.
    this.#wake(endpoint, 0);
    this.onActivity?.();
  }

  /** Stops every timer, aborts every request in flight and resolves {@link settled}. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const endpoint of this.#endpoints.values()) clearTimeout(endpoint.timer);
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    for (const request of this.#inFlight) request.destroy();
    this.#inFlight.clear();
    for (const resolve of this.#waiters.splice(0)) resolve();
    return Promise.resolve();
  }

  #wake(endpoint: Endpoint, delayMs: number): void {
    if (this.#closed || endpoint.removed) return;
    clearTimeout(endpoint.timer);
    endpoint.timer = setTimeout(
      () => {
        endpoint.timer = undefined;
        this.#pump(endpoint);
      },
      Math.max(0, delayMs),
    );
  }

  /** Starts the next due delivery if the rate limit allows, and sets the timer for the one after. */
  #pump(endpoint: Endpoint): void {
    if (this.#closed || endpoint.removed) return;
    const next = endpoint.waiting.reduce<Delivery | undefined>(
      (best, d) =>
        best === undefined || d.dueAt < best.dueAt || (d.dueAt === best.dueAt && d.seq < best.seq) ? d : best,
      undefined,
    );
    if (next === undefined) return;
    const interval = 1000 / endpoint.ratePerSecond;
    const now = performance.now();
    const startAt = Math.max(next.dueAt, endpoint.lastStart + interval);
    if (startAt > now) {
      this.#wake(endpoint, startAt - now);
      return;
    }
    endpoint.waiting.splice(endpoint.waiting.indexOf(next), 1);
    endpoint.lastStart = now;
    void this.#attempt(next);
    if (endpoint.waiting.length > 0) this.#wake(endpoint, interval);
  }

  async #attempt(d: Delivery): Promise<void> {
    const endpoint = d.endpoint;
    d.state = 'in_flight';
    d.attempts += 1;
    const started = performance.now();
    d.firstAttemptAt ??= started;
    const startedAt = new Date().toISOString();
    let status: number | undefined;
    let error: WebhookAttemptError | undefined;
    try {
      const authorization = await this.#authHeader(endpoint);
      status = await this.#post(endpoint.url, d.body, authorization);
    } catch (failure) {
      error = failure instanceof AttemptFailed ? failure.kind : 'connection';
    }
    if (this.#closed || endpoint.removed) return;
    const delivered = status !== undefined && status >= 200 && status < 300;
    this.#attempts.push({
      webhook: endpoint.name,
      eventId: d.event.id,
      eventType: d.event.type,
      attempt: d.attempts,
      startedAt,
      ...(status !== undefined && { status }),
      ...(error !== undefined && { error }),
      delivered,
    });
    d.lastStatus = status;
    d.lastError = error;
    this.onActivity?.();
    if (delivered) {
      this.#settle(d, 'delivered');
      return;
    }
    // A refused token is dropped, so that the next attempt fetches a new one.
    if (status === 401) endpoint.token = undefined;
    const elapsed = performance.now() - d.firstAttemptAt;
    const delay = webhookRetryDelay(d.attempts, elapsed, this.#random(), this.#schedule);
    if (delay === undefined) {
      this.#settle(d, 'gave_up');
      return;
    }
    d.state = 'waiting';
    d.dueAt = performance.now() + delay;
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (this.#closed || endpoint.removed) return;
      endpoint.waiting.push(d);
      this.#pump(endpoint);
    }, delay);
    this.#retryTimers.add(timer);
  }

  #settle(d: Delivery, state: 'delivered' | 'gave_up'): void {
    d.state = state;
    this.#pending -= 1;
    if (this.#pending === 0) for (const resolve of this.#waiters.splice(0)) resolve();
  }

  async #authHeader(endpoint: Endpoint): Promise<Readonly<Record<string, string>>> {
    const auth = endpoint.auth;
    if (auth.type === 'api_key') return { [auth.header]: auth.value };
    const token = endpoint.token;
    if (token !== undefined && token.expiresAt > performance.now()) return { authorization: `Bearer ${token.value}` };
    // One token request per webhook at a time: deliveries that start together share it.
    endpoint.tokenRequest ??= this.#fetchToken(endpoint, auth).finally(() => {
      endpoint.tokenRequest = undefined;
    });
    return { authorization: `Bearer ${await endpoint.tokenRequest}` };
  }

  async #fetchToken(endpoint: Endpoint, auth: Extract<EmulatorWebhookAuth, { type: 'oauth2' }>): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: auth.clientId,
      client_secret: auth.clientSecret,
      ...(auth.scope !== undefined && { scope: auth.scope }),
    }).toString();
    // RFC 6749 §2.3.1: each part form-encoded before Basic encoding.
    const basic = Buffer.from(`${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`).toString('base64');
    const requestedAt = performance.now();
    const response = await this.#exchange(
      new URL(auth.clientUrl),
      form,
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
        accept: 'application/json',
      },
      true,
    ).catch((failure: unknown) => {
      throw new AttemptFailed(failure instanceof AttemptFailed && failure.kind === 'timeout' ? 'timeout' : 'token');
    });
    if (response.status < 200 || response.status >= 300) throw new AttemptFailed('token');
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      throw new AttemptFailed('token');
    }
    const {
      access_token: value,
      expires_in: expiresIn,
      token_type: tokenType,
    } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof value !== 'string' || value === '' || !HEADER_VALUE.test(value)) throw new AttemptFailed('token');
    if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer'))
      throw new AttemptFailed('token');
    const ttlMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : 0;
    // Renewed a little early, so that a token does not expire between the check and the endpoint's check.
    const margin = Math.min(30_000, ttlMs / 10);
    if (!endpoint.removed) endpoint.token = { value, expiresAt: requestedAt + ttlMs - margin };
    return value;
  }

  async #post(url: URL, body: string, authorization: Readonly<Record<string, string>>): Promise<number> {
    const response = await this.#exchange(url, body, { 'content-type': 'application/json', ...authorization }, false);
    return response.status;
  }

  /**
   * One request on a fresh connection (no pool outlives the emulator), never following a redirect, within the timeout.
   * The answer's body is read only when `readBody` (a token response, capped); a notification's is discarded.
   */
  #exchange(
    url: URL,
    body: string,
    headers: Readonly<Record<string, string>>,
    readBody: boolean,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new AttemptFailed('connection'));
        return;
      }
      const options: RequestOptions = {
        method: 'POST',
        agent: false,
        headers: {
          ...headers,
          'user-agent': USER_AGENT,
          'content-length': Buffer.byteLength(body),
          connection: 'close',
        },
      };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, options);
      this.#inFlight.add(request);
      let settled = false;
      const finish = (outcome: { status: number; body: string } | AttemptFailed): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (outcome instanceof AttemptFailed) {
          request.destroy();
          reject(outcome);
        } else {
          resolve(outcome);
        }
      };
      const timer = setTimeout(() => {
        finish(new AttemptFailed('timeout'));
      }, this.#timeoutMs);
      request.on('close', () => {
        this.#inFlight.delete(request);
        finish(new AttemptFailed('connection'));
      });
      request.on('error', () => {
        finish(new AttemptFailed('connection'));
      });
      request.on('response', (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (!readBody) return;
          size += chunk.length;
          if (size > MAX_TOKEN_RESPONSE_BYTES) finish(new AttemptFailed('connection'));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          finish({ status, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', () => {
          finish(new AttemptFailed('connection'));
        });
      });
      request.end(body);
    });
  }
}

function infoOf(endpoint: Endpoint): EmulatorWebhookInfo {
  return {
    name: endpoint.name,
    url: endpoint.url.href,
    authType: endpoint.auth.type,
    ratePerSecond: endpoint.ratePerSecond,
    clientId: endpoint.clientId,
  };
}

function parseUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text is not quoted: a URL may carry credentials.
    throw new RangeError(`${what} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError(`${what} must be an absolute http(s) URL`);
  return url;
}

function checkAuth(auth: EmulatorWebhookAuth | undefined): EmulatorWebhookAuth {
  if (auth?.type === 'api_key') {
    if (!HEADER_NAME.test(auth.header) || RESERVED_HEADERS.has(auth.header.toLowerCase()))
      throw new RangeError('webhook auth.header must be an HTTP header name the emulator does not set itself');
    if (!HEADER_VALUE.test(auth.value)) throw new RangeError('webhook auth.value must be a valid header value');
    return { type: 'api_key', header: auth.header.toLowerCase(), value: auth.value };
  }
  if (auth?.type === 'oauth2') {
    parseUrl(auth.clientUrl, 'webhook auth.clientUrl');
    if (auth.clientId === '' || auth.clientSecret === '')
      throw new RangeError('webhook auth.clientId and auth.clientSecret must not be empty');
    return { ...auth };
  }
  throw new RangeError("webhook auth.type must be 'api_key' or 'oauth2'");
}

function formEncode(text: string): string {
  return new URLSearchParams({ x: text }).toString().slice(2);
}
