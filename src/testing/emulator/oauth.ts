import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../ports/index.js';
import { NO_AUTHORIZATION, problem, type Problem } from './problems.js';
import type { Route, RouteResponse } from './router.js';

/** One API user of the emulator: its client credentials and the scopes it may be granted. */
export interface EmulatorCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Scopes this client may ask for. Default: {@link DEFAULT_CLIENT_SCOPES}. */
  readonly scopes?: readonly string[];
}

/** The identity-related scopes a default emulator client may be granted. */
export const DEFAULT_CLIENT_SCOPES: readonly string[] = Object.freeze([
  'identity:read_identity',
  'identity:write_identity',
  'identity:read_account',
  'identity:write_account',
  'identity:read_identity_control',
  'identity:write_identity_control',
  'events:read_event',
]);

/** Paxos's token lifetime: 59 min 59 s. */
export const TOKEN_TTL_SECONDS = 3599;

interface IssuedToken {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

/** The outcome of checking a request's bearer token. */
export type Authentication =
  | { readonly ok: true; readonly clientId: string; readonly scopes: readonly string[] }
  | { readonly ok: false; readonly problem: Problem };

/** Makes a fresh client for an emulator started without credentials. */
export function generateCredentials(): EmulatorCredentials {
  return {
    clientId: `emulator-${randomBytes(6).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
  };
}

function oauthError(
  status: number,
  error: string,
  description: string,
  headers?: Record<string, string>,
): RouteResponse {
  return {
    status,
    body: { error, error_description: description },
    headers: { 'cache-control': 'no-store', ...headers },
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** Reads `application/x-www-form-urlencoded` or `multipart/form-data` text fields (the docs' curl uses `--form`). */
function readForm(contentType: string | undefined, body: Buffer): Map<string, string> | undefined {
  const [mediaType = ''] = (contentType ?? '').split(';');
  const type = mediaType.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return new Map(new URLSearchParams(body.toString('utf8')));
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const mark = boundary?.[1] ?? boundary?.[2]?.trim();
    if (mark === undefined) return undefined;
    const fields = new Map<string, string>();
    for (const part of body.toString('utf8').split(`--${mark}`)) {
      const split = part.indexOf('\r\n\r\n');
      if (split < 0) continue;
      const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(part.slice(0, split));
      if (name?.[1] === undefined) continue;
      fields.set(name[1], part.slice(split + 4).replace(/\r\n$/, ''));
    }
    return fields;
  }
  return undefined;
}

/**
 * Paxos's OAuth2 server in miniature: the client-credentials grant with `client_secret_post` or `client_secret_basic`,
 * scopes checked against the client's allowance and echoed, opaque bearer tokens that expire on the emulator's clock.
 */
export class TokenIssuer {
  private readonly clients = new Map<string, EmulatorCredentials>();
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    clients: readonly EmulatorCredentials[],
    private readonly clock: Clock,
    private readonly ttlSeconds: number = TOKEN_TTL_SECONDS,
  ) {
    for (const client of clients) this.clients.set(client.clientId, client);
  }

  /** `POST /oauth2/token`. */
  route(): Route {
    return {
      method: 'POST',
      path: '/oauth2/token',
      rateLimit: 'token',
      body: 'raw',
      handle: (request) => this.issue(request.headers, request.rawBody),
    };
  }

  /** Makes every token issued so far invalid, so that clients must fetch a new one. */
  expireAll(): void {
    this.tokens.clear();
  }

  /** Checks the `Authorization: Bearer …` header of an API request. */
  authenticate(authorization: string | undefined): Authentication {
    if (authorization === undefined || authorization.trim() === '') return { ok: false, problem: NO_AUTHORIZATION };
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const token = presented === undefined ? undefined : this.tokens.get(presented);
    if (presented === undefined || token === undefined) {
      return { ok: false, problem: problem(401, 'invalid access token') };
    }
    if (this.clock.now().getTime() >= token.expiresAt) {
      this.tokens.delete(presented);
      return { ok: false, problem: problem(401, 'access token expired') };
    }
    return { ok: true, clientId: token.clientId, scopes: token.scopes };
  }

  private issue(headers: IncomingHttpHeaders, body: Buffer): RouteResponse {
    const form = readForm(headers['content-type'], body);
    if (form === undefined) {
      return oauthError(
        400,
        'invalid_request',
        'The request must be form-encoded (application/x-www-form-urlencoded or multipart/form-data).',
      );
    }
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (basic !== undefined) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      try {
        clientId = formDecode(colon < 0 ? decoded : decoded.slice(0, colon));
        clientSecret = colon < 0 ? '' : formDecode(decoded.slice(colon + 1));
      } catch {
        clientId = undefined;
      }
    }
    const client = clientId === undefined ? undefined : this.clients.get(clientId);
    if (client === undefined || clientSecret === undefined || !sameSecret(clientSecret, client.clientSecret)) {
      return oauthError(
        401,
        'invalid_client',
        'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
        basic === undefined ? undefined : { 'www-authenticate': 'Basic realm="oauth2"' },
      );
    }
    const grantType = form.get('grant_type');
    if (grantType === undefined)
      return oauthError(400, 'invalid_request', 'The request is missing the grant_type parameter.');
    if (grantType !== 'client_credentials') {
      return oauthError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
      );
    }
    const requested = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
    const allowed = client.scopes ?? DEFAULT_CLIENT_SCOPES;
    const refused = requested.filter((s) => !allowed.includes(s));
    if (refused.length > 0) {
      return oauthError(
        400,
        'invalid_scope',
        `The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope '${refused[0]}'.`,
      );
    }
    const scopes = [...new Set(requested)];
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      clientId: client.clientId,
      scopes,
      expiresAt: this.clock.now().getTime() + this.ttlSeconds * 1000,
    });
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: this.ttlSeconds, scope: scopes.join(' '), token_type: 'bearer' },
      headers: { 'cache-control': 'no-store' },
    };
  }
}
