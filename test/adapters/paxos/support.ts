import { expect } from 'chai';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  createIdentityService,
  type Clock,
  type IdentityService,
  type LogFields,
  type Logger,
  type PaxosGatewayOptions,
} from '../../../src/index.js';
import { MemoryRateLimiter, PaxosIdentityGateway } from '../../../src/gateways.js';

/** Values that must never show up in an error or a log line. */
export const CANARY_SSN = '987-65-4320';
export const CANARY_SECRET = 'CANARY-client-secret-7f3a91';
const TOKEN_PREFIX = 'CANARY-access-token-';
export const CLIENT_ID = 'client-123';

/** One request as the scripted server saw it. */
export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers one request; may write anything, or nothing at all. */
export type Script = (request: Recorded, res: ServerResponse) => void | Promise<void>;

/** Writes a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A script answering with a Problem. */
export function problem(
  status: number,
  detail?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Script {
  return (_request, res) => {
    json(
      res,
      status,
      { type: 'about:blank', title: `Status ${status}`, status, ...(detail !== undefined && { detail }), ...extra },
      headers,
    );
  };
}

/** A script that drops the connection after reading the request: no response at all. */
export const reset: Script = (_request, res) => {
  res.socket?.destroy();
};

/** A Paxos identity built from a create body, as Paxos answers it. */
export function identityFromCreate(body: Record<string, unknown>, id: string): Record<string, unknown> {
  const person = body['person_details'] as Record<string, unknown> | undefined;
  return {
    id,
    type: person === undefined ? 'INSTITUTION' : 'PERSON',
    summary_status: 'PENDING',
    ref_id: body['ref_id'],
    created_at: '2022-02-15T05:46:50.957068Z',
    updated_at: '2022-02-15T05:46:50.957068Z',
    ...(body['metadata'] !== undefined && { metadata: body['metadata'] }),
    ...(person !== undefined && {
      person_details: {
        ...person,
        govt_id: person['cip_id'],
        govt_id_type: person['cip_id_type'],
        id_verification_status: 'APPROVED',
        sanctions_verification_status: 'PENDING',
        additional_screening_status: 'PENDING',
      },
      tax_details: [{ tax_payer_country: 'USA', tax_payer_id: person['cip_id'] }],
    }),
  };
}

/**
 * A node:http server on 127.0.0.1, port 0, speaking just enough of Paxos's wire format: a token endpoint and the
 * identity routes, each answering from a queue of scripts (then from its default). Every request is recorded.
 */
export class ScriptedPaxos {
  readonly requests: Recorded[] = [];
  readonly #server: Server;
  readonly #queues = new Map<string, Script[]>();
  readonly #defaults = new Map<string, Script>();
  readonly #identities = new Map<string, Record<string, unknown>>();
  #tokens = 0;
  #ids = 0;

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#defaults.set('POST /oauth2/token', (_request, res) => {
      json(res, 200, this.issueToken());
    });
    this.#defaults.set('POST /v2/identity/identities', (request, res) => {
      const identity = identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, `id-${++this.#ids}`);
      this.#identities.set(identity['id'] as string, identity);
      json(res, 200, identity);
    });
    this.#defaults.set('GET /v2/identity/identities/{id}', (request, res) => {
      const identity = this.#identities.get(decodeURIComponent(request.path.split('/')[4] ?? ''));
      if (identity === undefined) return problem(404, 'identity not found')(request, res);
      json(res, 200, identity);
    });
    this.#defaults.set('PUT /v2/identity/identities/{id}/sandbox-status', (_request, res) => {
      json(res, 200, {});
    });
  }

  static async start(): Promise<ScriptedPaxos> {
    const paxos = new ScriptedPaxos();
    paxos.#server.listen(0, '127.0.0.1');
    await once(paxos.#server, 'listening');
    return paxos;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get baseUrl(): string {
    return `${this.origin}/v2`;
  }

  get tokenUrl(): string {
    return `${this.origin}/oauth2/token`;
  }

  /** A token response, counting the tokens issued. */
  issueToken(expiresIn = 3599): Record<string, unknown> {
    this.#tokens += 1;
    return {
      access_token: `${TOKEN_PREFIX}${this.#tokens}`,
      expires_in: expiresIn,
      scope: 'identity:read_identity identity:write_identity',
      token_type: 'bearer',
    };
  }

  /** Stores an identity that GET will answer with. */
  store(identity: Record<string, unknown>): void {
    this.#identities.set(identity['id'] as string, identity);
  }

  /** Queues scripts for a route key such as `GET /v2/identity/identities/{id}`; each answers one request. */
  script(route: string, ...scripts: Script[]): this {
    const queue = this.#queues.get(route) ?? [];
    queue.push(...scripts);
    this.#queues.set(route, queue);
    return this;
  }

  /** Replaces the default answer of a route. */
  otherwise(route: string, script: Script): this {
    this.#defaults.set(route, script);
    return this;
  }

  /** Requests to a route key. */
  to(route: string): Recorded[] {
    return this.requests.filter((r) => routeOf(r.method, r.path) === route);
  }

  get tokenRequests(): Recorded[] {
    return this.to('POST /oauth2/token');
  }

  /** Requests other than token requests. */
  get apiRequests(): Recorded[] {
    return this.requests.filter((r) => r.path !== '/oauth2/token');
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const recorded: Recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(recorded);
    const route = routeOf(recorded.method, recorded.path);
    const script = this.#queues.get(route)?.shift() ?? this.#defaults.get(route) ?? problem(404, 'no such route');
    await script(recorded, res);
  }
}

function routeOf(method: string, path: string): string {
  const template = path
    .replace(/^\/v2\/identity\/identities\/[^/]+\/sandbox-status$/, '/v2/identity/identities/{id}/sandbox-status')
    .replace(/^\/v2\/identity\/identities\/[^/]+$/, '/v2/identity/identities/{id}');
  return `${method} ${template}`;
}

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields | undefined;
}

/** A Logger that keeps every line. */
export class CapturingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.parse('2026-03-15T12:00:00Z')) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

const FORBIDDEN = [CANARY_SSN, CANARY_SSN.replace(/-/g, ''), CANARY_SECRET, TOKEN_PREFIX];

/** Every rendering of an error a user or a log pipeline could see. */
function renderings(error: unknown): string[] {
  const out = [
    inspect(error, { depth: Infinity, showHidden: true }),
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify returns undefined for undefined and functions, which `error` may be
    JSON.stringify(error) ?? '',
    String(error),
  ];
  if (error instanceof Error) out.push(error.message, error.stack ?? '');
  return out;
}

/** Fails when an error shows the canary SSN, the client secret or an access token in any rendering. */
export function expectNoSecretsIn(error: unknown): void {
  for (const text of renderings(error)) {
    for (const secret of FORBIDDEN) expect(text, 'an error rendering').not.to.include(secret);
  }
}

/** Fails when a log line shows the canary SSN, the client secret or an access token. */
export function expectNoSecretsInLogs(logger: CapturingLogger): void {
  for (const line of logger.lines) {
    const text = `${line.message} ${JSON.stringify(line.fields)} ${inspect(line.fields, { depth: Infinity })}`;
    for (const secret of FORBIDDEN) expect(text, 'a log line').not.to.include(secret);
  }
}

/** The rejection of `promise`, checked free of secrets; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    expectNoSecretsIn(error);
    return error;
  }
  return expect.fail('expected a rejection');
}

/** Options pointing the adapter at the scripted server, with fast backoff for tests. */
function optionsFor(
  paxos: ScriptedPaxos,
  logger: Logger,
  extra: Partial<PaxosGatewayOptions> = {},
): PaxosGatewayOptions {
  return {
    environment: 'sandbox',
    clientId: CLIENT_ID,
    clientSecret: CANARY_SECRET,
    baseUrl: paxos.baseUrl,
    tokenUrl: paxos.tokenUrl,
    timeoutMs: 5_000,
    retryBackoff: { initialDelayMs: 4, maxDelayMs: 16 },
    logger,
    ...extra,
  };
}

/** A gateway wired to the scripted server. */
export function gatewayFor(
  paxos: ScriptedPaxos,
  logger: Logger,
  extra: Partial<PaxosGatewayOptions> = {},
  clock?: Clock,
): PaxosIdentityGateway {
  return new PaxosIdentityGateway(optionsFor(paxos, logger, extra), clock === undefined ? {} : { clock });
}

/** The service wired to the scripted server, as hosts (and the emulator) build it. */
export function serviceFor(
  paxos: ScriptedPaxos,
  logger: Logger,
  extra: Partial<PaxosGatewayOptions> = {},
): IdentityService {
  return createIdentityService({ adapter: 'paxos', paxos: optionsFor(paxos, logger, extra) });
}

/** A stored PERSON identity in Paxos's wire format, carrying the canary SSN. */
export function wireIdentity(id: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'PERSON',
    summary_status: 'PENDING',
    ref_id: `ref-${id}`,
    created_at: '2022-02-15T05:46:50.957068Z',
    updated_at: '2022-02-15T05:46:50.957068Z',
    person_details: {
      first_name: 'John',
      last_name: 'Doe',
      date_of_birth: '1980-01-01',
      cip_id: CANARY_SSN,
      cip_id_type: 'SSN',
      cip_id_country: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zip_code: '10001' },
    },
    tax_details: [{ tax_payer_country: 'USA', tax_payer_id: CANARY_SSN }],
    ...changes,
  };
}

/** Waits `ms` on a real timer. */
export const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Resolves with how the promise settled and how long it took; never rejects. */
export async function settle(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/**
 * The set-up of the attack suites, registered in the calling `describe`: a fresh ScriptedPaxos holding `abc-1` and a
 * capturing logger before each test; after each, the server closed and the logs searched for secrets. Read `paxos`
 * and `logger` inside tests (they change per test); `options` and `limiterOf` build a fast-retrying gateway's options
 * and a generous limiter.
 */
export function useScriptedPaxos() {
  let paxos: ScriptedPaxos | undefined;
  let logger: CapturingLogger | undefined;
  const current = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useScriptedPaxos: read inside a test, after its beforeEach');
    return value;
  };
  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
    paxos.store(wireIdentity('abc-1'));
  });
  afterEach(async () => {
    await current(paxos).close();
    expectNoSecretsInLogs(current(logger));
  });
  const bench = {
    get paxos(): ScriptedPaxos {
      return current(paxos);
    },
    get logger(): CapturingLogger {
      return current(logger);
    },
    options: (extra: Record<string, unknown> = {}) => ({
      environment: 'sandbox' as const,
      clientId: CLIENT_ID,
      clientSecret: CANARY_SECRET,
      baseUrl: bench.paxos.baseUrl,
      tokenUrl: bench.paxos.tokenUrl,
      timeoutMs: 3_000,
      retryBackoff: { initialDelayMs: 4, maxDelayMs: 16 },
      logger: bench.logger,
      ...extra,
    }),
    limiterOf: (extra: Partial<ConstructorParameters<typeof MemoryRateLimiter>[0]> = {}) =>
      new MemoryRateLimiter({ requestsPerSecond: 100, tokenRequestsPerSecond: 100, maxQueue: 1000, ...extra }),
  };
  return bench;
}
