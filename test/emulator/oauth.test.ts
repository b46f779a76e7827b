import { expect } from 'chai';
import { inspect } from 'node:util';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { ALL_SCOPES, call, ManualClock, seedBody, tokenFor } from './support.js';

describe('emulator: OAuth2 and bearer tokens', () => {
  let emulator: PaxosEmulator;
  const clock = new ManualClock();

  before(async () => {
    emulator = await startPaxosEmulator({ clock });
  });

  after(async () => {
    await emulator.close();
  });

  interface TokenResponse {
    status: number;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON response, read field by field in assertions
    body: any;
    headers: Headers;
  }

  async function postToken(
    body: URLSearchParams | FormData | string,
    headers: Record<string, string> = {},
  ): Promise<TokenResponse> {
    const response = await fetch(emulator.tokenUrl, { method: 'POST', body, headers });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  it('listens on 127.0.0.1 with a /v2 base URL and a token URL', () => {
    expect(emulator.baseUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(emulator.tokenUrl).to.equal(emulator.baseUrl.replace(/\/v2$/, '/oauth2/token'));
    expect(emulator.port).to.be.greaterThan(0);
  });

  it('grants a form-encoded client-credentials request and echoes the scopes, expiring in 3599 s', async () => {
    const response = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
        scope: ALL_SCOPES,
      }),
    );
    expect(response.status).to.equal(200);
    expect(response.body).to.have.all.keys('access_token', 'expires_in', 'scope', 'token_type');
    expect(response.body).to.include({ expires_in: 3599, scope: ALL_SCOPES, token_type: 'bearer' });
    expect(response.body.access_token).to.be.a('string').with.length.greaterThan(20);
    expect(response.headers.get('cache-control')).to.equal('no-store');
  });

  it("accepts HTTP Basic client authentication with a multipart form, as the docs' curl --form sends", async () => {
    const form = new FormData();
    form.set('grant_type', 'client_credentials');
    form.set('scope', 'identity:read_identity');
    const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
    const response = await postToken(form, { authorization: `Basic ${basic}` });
    expect(response.status).to.equal(200);
    expect(response.body.scope).to.equal('identity:read_identity');
  });

  it('refuses a wrong secret with invalid_client (401) and never echoes the secret', async () => {
    const response = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: 'wrong-secret-value',
        scope: ALL_SCOPES,
      }),
    );
    expect(response.status).to.equal(401);
    expect(response.body.error).to.equal('invalid_client');
    expect(JSON.stringify(response.body)).not.to.include('wrong-secret-value');
  });

  it('refuses a scope the client may not have with invalid_scope (400)', async () => {
    const response = await postToken(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
        scope: 'funding:write_profile',
      }),
    );
    expect(response.status).to.equal(400);
    expect(response.body.error).to.equal('invalid_scope');
  });

  it('refuses other grants with unsupported_grant_type, and JSON bodies with invalid_request', async () => {
    const grant = await postToken(
      new URLSearchParams({
        grant_type: 'password',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      }),
    );
    expect(grant.status).to.equal(400);
    expect(grant.body.error).to.equal('unsupported_grant_type');
    const json = await postToken(JSON.stringify({ grant_type: 'client_credentials' }), {
      'content-type': 'application/json',
    });
    expect(json.status).to.equal(400);
    expect(json.body.error).to.equal('invalid_request');
  });

  it("answers a request without a bearer token with Paxos's 401 Problem", async () => {
    const response = await call(emulator, 'GET', '/identity/identities/some-id');
    expect(response.status).to.equal(401);
    expect(response.body).to.deep.equal({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'no authorization header set',
    });
  });

  it('answers an unknown token with a 401 Problem', async () => {
    const response = await call(emulator, 'GET', '/identity/identities/some-id', { token: 'not-a-token' });
    expect(response.status).to.equal(401);
    expect(response.body).to.include({ type: 'about:blank', title: 'Unauthorized', status: 401 });
  });

  it('answers a missing scope with Paxos\'s 403 "insufficient scopes" Problem', async () => {
    const token = await tokenFor(emulator, 'identity:read_identity');
    const response = await call(emulator, 'POST', '/identity/identities', { token, body: seedBody() });
    expect(response.status).to.equal(403);
    expect(response.body).to.deep.equal({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: "insufficient scopes: found 'identity:read_identity', required one of '[identity:write_identity]'",
    });
  });

  it('expires tokens after 3599 s on its clock', async () => {
    const token = await tokenFor(emulator);
    const fresh = await call(emulator, 'GET', '/identity/identities/unknown', { token });
    expect(fresh.status).to.equal(404);
    clock.advance(3599 * 1000);
    const stale = await call(emulator, 'GET', '/identity/identities/unknown', { token });
    expect(stale.status).to.equal(401);
    expect(stale.body.detail).to.equal('access token expired');
  });

  it('expireTokens() invalidates every token issued so far', async () => {
    const token = await tokenFor(emulator);
    emulator.expireTokens();
    const response = await call(emulator, 'GET', '/identity/identities/unknown', { token });
    expect(response.status).to.equal(401);
    const again = await call(emulator, 'GET', '/identity/identities/unknown', { token: await tokenFor(emulator) });
    expect(again.status).to.equal(404);
  });

  it('keeps the client secret out of util.inspect and JSON', () => {
    expect(inspect(emulator, { depth: 5, showHidden: true })).not.to.include(emulator.clientSecret);
    expect(JSON.stringify(emulator)).not.to.include(emulator.clientSecret);
    expect(JSON.stringify(emulator)).to.include(emulator.clientId);
  });
});

describe('emulator: several API users', () => {
  let emulator: PaxosEmulator;
  const alice = { clientId: 'alice', clientSecret: 'alice-secret' };
  const bob = {
    clientId: 'bob',
    clientSecret: 'bob-secret',
    scopes: ['identity:read_identity', 'identity:write_identity'],
  };

  before(async () => {
    emulator = await startPaxosEmulator({ credentials: [alice, bob] });
  });

  after(async () => {
    await emulator.close();
  });

  it('exposes the first client as clientId/clientSecret', () => {
    expect(emulator.clientId).to.equal('alice');
    expect(emulator.clientSecret).to.equal('alice-secret');
  });

  it("shows each client only its own identities, and lets each reuse the other's ref_id and SSN", async () => {
    const aliceToken = await tokenFor(emulator, ALL_SCOPES, alice);
    const bobToken = await tokenFor(emulator, ALL_SCOPES, bob);
    const body = seedBody();
    const created = await call(emulator, 'POST', '/identity/identities', { token: aliceToken, body });
    expect(created.status).to.equal(200);
    const hidden = await call(emulator, 'GET', `/identity/identities/${created.body.id}`, { token: bobToken });
    expect(hidden.status).to.equal(404);
    const bobs = await call(emulator, 'POST', '/identity/identities', { token: bobToken, body });
    expect(bobs.status).to.equal(200);
    expect(bobs.body.id).not.to.equal(created.body.id);
  });

  it("refuses scopes beyond a client's allowance", async () => {
    const response = await fetch(emulator.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'bob',
        client_secret: 'bob-secret',
        scope: 'events:read_event',
      }),
    });
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { error: string }).error).to.equal('invalid_scope');
  });
});
