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
}

/** The outcome of matching a request line. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** Matches request paths against route templates, segment by segment; literal segments beat `{param}` ones. */
export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: splitPath(route.path) }));
  }

  match(method: string, pathname: string): RouteMatch {
    let segments: string[];
    try {
      segments = splitPath(pathname).map((segment) => decodeURIComponent(segment));
    } catch {
      return { kind: 'not-found' };
    }
    const candidates = this.compiled
      .map((c) => ({ c, params: matchSegments(c.segments, segments) }))
      .filter((x): x is { c: CompiledRoute; params: Record<string, string> } => x.params !== undefined)
      .sort((a, b) => literalCount(b.c.segments) - literalCount(a.c.segments));
    if (candidates.length === 0) return { kind: 'not-found' };
    const hit = candidates.find((x) => x.c.route.method === method);
    if (hit === undefined)
      return { kind: 'wrong-method', allowed: [...new Set(candidates.map((x) => x.c.route.method))] };
    return { kind: 'found', route: hit.c.route, params: hit.params };
  }

  /** The route template a path belongs to, whatever the method: for the request log and fault matching. */
  templateOf(pathname: string): string | undefined {
    const segments = splitPath(pathname);
    return this.compiled
      .filter((c) => matchSegments(c.segments, segments) !== undefined)
      .sort((a, b) => literalCount(b.segments) - literalCount(a.segments))[0]?.route.path;
  }
}

function literalCount(segments: readonly string[]): number {
  return segments.filter((s) => !s.startsWith('{')).length;
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, t] of template.entries()) {
    const a = actual[i];
    if (a === undefined) return undefined;
    if (t.startsWith('{') && t.endsWith('}')) {
      if (a === '') return undefined;
      params[t.slice(1, -1)] = a;
    } else if (t !== a) {
      return undefined;
    }
  }
  return params;
}
