import type { IncomingHttpHeaders } from 'node:http';

/** HTTP methods the emulator routes. */
type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * Which of Paxos's rate-limit buckets a route counts against: `identity` (under `/v2/identity/`), `token`, `other`
 * (every other Paxos endpoint, such as events), or `none` (not Paxos's API: the presigned upload URL).
 */
export type RateLimitBucket = 'identity' | 'token' | 'other' | 'none';

/** What a route handler gets. */
export interface RouteRequest {
  readonly method: string;
  readonly path: string;
  /** Values of the `{name}` segments of the route template. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** The parsed JSON body, for routes that declare `body: 'json'`. */
  readonly body: unknown;
  /** The API user behind the bearer token, for routes that declare scopes. */
  readonly clientId: string;
}

/** The value of the `{name}` segment of the matched route; a route that lacks it is a wiring bug. */
export function pathParam(request: RouteRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route has no {${name}} segment`);
  return value;
}

/** What a route handler returns; the server serializes `body` as JSON. */
export interface RouteResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One endpoint. New endpoints (listing, update, members, documents, events) are more entries of this shape; the
 * server does authentication, scope checks, rate limiting, faults and the request log for all of them alike.
 */
export interface Route {
  readonly method: HttpMethod;
  /** Path template with `{name}` segments, as in Paxos's OpenAPI file: `/v2/identity/identities/{id}`. */
  readonly path: string;
  /** Scopes of which the bearer token must hold one; undefined for routes without OAuth (the token route). */
  readonly scopes?: readonly string[];
  readonly rateLimit: RateLimitBucket;
  /** `'json'` makes the server parse the body (400 when it is not JSON) before calling the handler. */
  readonly body: 'json' | 'raw' | 'none';
  /** Largest body this route reads, when it differs from the server's limit (document uploads: under 100 MB). */
  readonly maxBodyBytes?: number;
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
  /** For each segment, the parameter it binds (`id` for `{id}`), or undefined for a literal. */
  readonly params: readonly (string | undefined)[];
}

/** The outcome of matching a request line. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

/** A request's route and its template for the log, as {@link Router.resolve} finds them in one pass. */
export interface RouteResolution {
  readonly match: RouteMatch;
  /** What {@link Router.templateOf} says of the same path. */
  readonly template: string | undefined;
}

const NOT_FOUND: RouteMatch = Object.freeze({ kind: 'not-found' });

function splitPath(path: string): string[] {
  const segments = path.split('/');
  // Most paths have no empty segment but the leading one: drop it without filtering a copy.
  let empty = 0;
  for (const segment of segments) if (segment === '') empty += 1;
  if (empty === 0) return segments;
  if (empty === 1 && segments[0] === '') {
    segments.shift();
    return segments;
  }
  return segments.filter((segment) => segment !== '');
}

/** Matches request paths against route templates, segment by segment; literal segments beat `{param}` ones. */
export class Router {
  /**
   * The routes by segment count, each list ordered most literal segments first (ties in table order): a path is held
   * only against the routes of its own length, in the order that picks the most specific one first. Matching every
   * route and sorting the hits on every request was a top cost of serving one.
   */
  private readonly byLength = new Map<number, CompiledRoute[]>();

  constructor(routes: readonly Route[]) {
    const compiled = routes.map((route): CompiledRoute => {
      const segments = splitPath(route.path);
      return { route, segments, params: segments.map((t) => (isParam(t) ? t.slice(1, -1) : undefined)) };
    });
    const ordered = [...compiled].sort((a, b) => literalCount(b.segments) - literalCount(a.segments));
    for (const c of ordered) {
      let list = this.byLength.get(c.segments.length);
      if (list === undefined) this.byLength.set(c.segments.length, (list = []));
      list.push(c);
    }
  }

  /** The route for `method` and `pathname` (segments percent-decoded), or why there is none. */
  match(method: string, pathname: string): RouteMatch {
    const segments = decoded(splitPath(pathname));
    return segments === undefined ? NOT_FOUND : this.#matchSegments(method, segments);
  }

  /** The template of the route `pathname` matches (any method), for logs: `/identity/identities/{id}`. */
  templateOf(pathname: string): string | undefined {
    return this.#templateOfSegments(splitPath(pathname));
  }

  /**
   * {@link Router.match} and {@link Router.templateOf} of one request at once: the path is split once, and when no
   * segment is percent-encoded (nearly every request) one walk of the routes answers both.
   */
  resolve(method: string, pathname: string): RouteResolution {
    const raw = splitPath(pathname);
    if (!pathname.includes('%')) return this.#resolveSegments(method, raw);
    const segments = decoded(raw);
    return {
      match: segments === undefined ? NOT_FOUND : this.#matchSegments(method, segments),
      template: this.#templateOfSegments(raw),
    };
  }

  #matchSegments(method: string, segments: readonly string[]): RouteMatch {
    let allowed: string[] | undefined;
    for (const c of this.byLength.get(segments.length) ?? []) {
      if (!matches(c, segments)) continue;
      if (c.route.method === method) return { kind: 'found', route: c.route, params: paramsOf(c, segments) };
      allowed ??= [];
      if (!allowed.includes(c.route.method)) allowed.push(c.route.method);
    }
    return allowed === undefined ? NOT_FOUND : { kind: 'wrong-method', allowed };
  }

  #templateOfSegments(segments: readonly string[]): string | undefined {
    for (const c of this.byLength.get(segments.length) ?? []) if (matches(c, segments)) return c.route.path;
    return undefined;
  }

  /** Both answers for segments that decode to themselves: the first route that matches names the template. */
  #resolveSegments(method: string, segments: readonly string[]): RouteResolution {
    let template: string | undefined;
    let allowed: string[] | undefined;
    for (const c of this.byLength.get(segments.length) ?? []) {
      if (!matches(c, segments)) continue;
      template ??= c.route.path;
      if (c.route.method === method) {
        return { match: { kind: 'found', route: c.route, params: paramsOf(c, segments) }, template };
      }
      allowed ??= [];
      if (!allowed.includes(c.route.method)) allowed.push(c.route.method);
    }
    return { match: allowed === undefined ? NOT_FOUND : { kind: 'wrong-method', allowed }, template };
  }
}

/** The segments percent-decoded, or undefined when one is not valid percent-encoding. */
function decoded(segments: readonly string[]): string[] | undefined {
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

function literalCount(segments: readonly string[]): number {
  return segments.filter((s) => !s.startsWith('{')).length;
}

function matches(c: CompiledRoute, actual: readonly string[]): boolean {
  const template = c.segments;
  if (template.length !== actual.length) return false;
  for (let i = 0; i < template.length; i++) {
    const a = actual[i];
    if (a === undefined) return false;
    if (c.params[i] !== undefined) {
      if (a === '') return false;
    } else if (template[i] !== a) {
      return false;
    }
  }
  return true;
}

function paramsOf(c: CompiledRoute, actual: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < c.params.length; i++) {
    const name = c.params[i];
    const value = actual[i];
    if (name !== undefined && value !== undefined) params[name] = value;
  }
  return params;
}

const PLAIN_TARGET = /^(?:\/[A-Za-z0-9_~-]+)+\/?(?:\?[A-Za-z0-9_~=&%+.,:-]*)?$/;

/**
 * The path and query of a request target. A target of plain characters only (every request of Paxos's clients) is
 * split as it stands, since WHATWG URL parsing would leave it unchanged; anything else (dot segments, `//`,
 * characters URL parsing escapes, a fragment) goes through `new URL`, so that both agree on every target.
 */
export function requestTarget(target: string): { path: string; query: URLSearchParams } {
  if (PLAIN_TARGET.test(target)) {
    const mark = target.indexOf('?');
    return mark < 0
      ? { path: target, query: new URLSearchParams() }
      : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
  }
  const url = new URL(target, 'http://emulator');
  return { path: url.pathname, query: url.searchParams };
}
