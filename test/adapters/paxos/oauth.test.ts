import { expect } from 'chai';
import {
  IdentityNotFoundError,
  PaxosAuthenticationError,
  PaxosConnectionError,
  PaxosRateLimitError,
  PaxosResponseError,
  PaxosServerError,
  PaxosTimeoutError,
} from '../../../src/index.js';
import {
  CANARY_SECRET,
  CapturingLogger,
  CLIENT_ID,
  expectNoSecretsInLogs,
  gatewayFor,
  json,
  ManualClock,
  problem,
  rejectionOf,
  reset,
  ScriptedPaxos,
  wireIdentity,
  type Script,
} from './support.js';

describe('PaxosIdentityGateway OAuth 2 client credentials', () => {
  let paxos: ScriptedPaxos;
  let logger: CapturingLogger;

  beforeEach(async () => {
    paxos = await ScriptedPaxos.start();
    logger = new CapturingLogger();
    paxos.store(wireIdentity('abc-1'));
  });

  afterEach(async () => {
    await paxos.close();
    expectNoSecretsInLogs(logger);
  });

  it('POSTs a form with grant_type, client_id, client_secret and the space-separated default scopes', async () => {
    await gatewayFor(paxos, logger).get('abc-1');

    const [request] = paxos.tokenRequests;
    expect(request!.method).to.equal('POST');
    expect(request!.headers['content-type']).to.match(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(request!.body);
    expect(Object.fromEntries(form)).to.deep.equal({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CANARY_SECRET,
      scope: 'identity:read_identity identity:write_identity',
    });
  });

  it('requests the configured scopes', async () => {
    await gatewayFor(paxos, logger, { scopes: ['identity:read_identity'] }).get('abc-1');
    expect(new URLSearchParams(paxos.tokenRequests[0]!.body).get('scope')).to.equal('identity:read_identity');
  });

  it('reuses the cached token for later calls', async () => {
    const gateway = gatewayFor(paxos, logger);
    await gateway.get('abc-1');
    await gateway.get('abc-1');
    await gateway.setSandboxStatus('abc-1', { sanctionsVerification: 'APPROVED' });

    expect(paxos.tokenRequests).to.have.length(1);
    expect(paxos.apiRequests.map((r) => r.headers['authorization'])).to.deep.equal([
      'Bearer CANARY-access-token-1',
      'Bearer CANARY-access-token-1',
      'Bearer CANARY-access-token-1',
    ]);
  });

  it('renews the token shortly before expires_in, not after', async () => {
    const clock = new ManualClock();
    paxos.otherwise('POST /oauth2/token', (_request, res) => {
      json(res, 200, paxos.issueToken(600));
    });
    const gateway = gatewayFor(paxos, logger, {}, clock);

    await gateway.get('abc-1');
    clock.advance(530_000); // 600 s minus a 60 s margin is 540 s: still good
    await gateway.get('abc-1');
    expect(paxos.tokenRequests).to.have.length(1);

    clock.advance(11_000); // 541 s: renewed before it expires at 600 s
    await gateway.get('abc-1');
    expect(paxos.tokenRequests).to.have.length(2);
    expect(paxos.apiRequests[2]!.headers['authorization']).to.equal('Bearer CANARY-access-token-2');
  });

  it('sends exactly one token request for 50 concurrent cold calls', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    paxos.script('POST /oauth2/token', async (_request, res) => {
      await gate;
      json(res, 200, paxos.issueToken());
    });
    const gateway = gatewayFor(paxos, logger);

    const calls = Array.from({ length: 50 }, () => gateway.get('abc-1'));
    while (paxos.tokenRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    const identities = await Promise.all(calls);

    expect(identities).to.have.length(50);
    expect(paxos.tokenRequests).to.have.length(1);
    expect(paxos.to('GET /v2/identity/identities/{id}')).to.have.length(50);
    expect(new Set(paxos.apiRequests.map((r) => r.headers['authorization']))).to.deep.equal(
      new Set(['Bearer CANARY-access-token-1']),
    );
  });

  it('on a 401 drops the token, fetches one fresh token and retries the call once', async () => {
    paxos.script('GET /v2/identity/identities/{id}', problem(401, 'token revoked'));
    const identity = await gatewayFor(paxos, logger).get('abc-1');

    expect(identity.id).to.equal('abc-1');
    expect(paxos.tokenRequests).to.have.length(2);
    const gets = paxos.to('GET /v2/identity/identities/{id}');
    expect(gets.map((r) => r.headers['authorization'])).to.deep.equal([
      'Bearer CANARY-access-token-1',
      'Bearer CANARY-access-token-2',
    ]);
    expect(logger.lines.map((l) => l.fields?.['outcome'])).to.deep.equal(['ok', 'refresh_token', 'ok', 'ok']);
  });

  it('gives up with PaxosAuthenticationError when the fresh token is refused too: 2 tokens, 2 calls', async () => {
    paxos.otherwise('GET /v2/identity/identities/{id}', problem(401, 'no authorization header set'));
    const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

    expect(error).to.be.instanceOf(PaxosAuthenticationError);
    expect(error).to.deep.include({ status: 401, code: 'paxos_authentication', attempts: 2 });
    expect(paxos.tokenRequests).to.have.length(2);
    expect(paxos.to('GET /v2/identity/identities/{id}')).to.have.length(2);
  });

  it('keeps a token fetched by a concurrent call when an older one is invalidated', async () => {
    const gateway = gatewayFor(paxos, logger);
    await gateway.get('abc-1');
    // Both calls meet a 401 with token 1; the first refresh fetches token 2, the second must not drop it again.
    paxos.script('GET /v2/identity/identities/{id}', problem(401), problem(401));
    await Promise.all([gateway.get('abc-1'), gateway.get('abc-1')]);

    expect(paxos.tokenRequests).to.have.length(2);
  });

  it('turns invalid_client into PaxosAuthenticationError without the secret or the description', async () => {
    paxos.script('POST /oauth2/token', (_request, res) => {
      json(res, 401, {
        error: 'invalid_client',
        error_description: `Client authentication failed for secret ${CANARY_SECRET}`,
      });
    });
    const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

    expect(error).to.be.instanceOf(PaxosAuthenticationError);
    expect(error).to.deep.include({
      oauthError: 'invalid_client',
      status: 401,
      request: { method: 'POST', path: '/oauth2/token' },
    });
    expect((error as Error).message).to.include('clientId');
    expect(paxos.apiRequests).to.have.length(0);
  });

  it('turns invalid_scope into PaxosAuthenticationError naming the scopes requested', async () => {
    paxos.script('POST /oauth2/token', (_request, res) => {
      json(res, 400, { error: 'invalid_scope' });
    });
    const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

    expect(error).to.be.instanceOf(PaxosAuthenticationError);
    expect(error).to.deep.include({ oauthError: 'invalid_scope', status: 400 });
    expect((error as Error).message).to.include('identity:write_identity');
  });

  it('does not retry a failing token endpoint, and tries again on the next call', async () => {
    paxos.script('POST /oauth2/token', problem(503), reset);
    const gateway = gatewayFor(paxos, logger);

    expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosServerError);
    expect(paxos.tokenRequests).to.have.length(1);
    expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosConnectionError);
    expect(paxos.tokenRequests).to.have.length(2);
    expect((await gateway.get('abc-1')).id).to.equal('abc-1');
    expect(paxos.tokenRequests).to.have.length(3);
  });

  it('turns a throttled token endpoint into PaxosRateLimitError', async () => {
    paxos.script('POST /oauth2/token', problem(429, 'Too many requests', {}, { 'retry-after': '300' }));
    const error = await rejectionOf(gatewayFor(paxos, logger).get('abc-1'));

    expect(error).to.be.instanceOf(PaxosRateLimitError);
    expect(error).to.deep.include({ retryAfterMs: 300_000 });
    expect(paxos.tokenRequests).to.have.length(1);
  });

  it('refuses a token response that is not JSON or has no access_token', async () => {
    const notJson: Script = (_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"access_token":"${CANARY_SECRET}`);
    };
    paxos.script(
      'POST /oauth2/token',
      notJson,
      (_request, res) => {
        json(res, 200, { expires_in: 3599 });
      },
      (_request, res) => {
        json(res, 200, { access_token: 'two words\r\nX-Evil: 1', expires_in: 3599 });
      },
    );
    const gateway = gatewayFor(paxos, logger);

    expect(await rejectionOf(gateway.get('abc-1'))).to.be.instanceOf(PaxosResponseError);
    const missing = await rejectionOf(gateway.get('abc-1'));
    expect(missing).to.be.instanceOf(PaxosResponseError);
    expect((missing as PaxosResponseError).issues).to.deep.equal(['access_token: isDefined, isString, isNotEmpty']);
    const unsendable = await rejectionOf(gateway.get('abc-1'));
    expect((unsendable as PaxosResponseError).issues).to.deep.equal(['access_token: isBearerToken']);
    expect(paxos.apiRequests).to.have.length(0);
  });

  it('reads the secret from an async function for every new token', async () => {
    let reads = 0;
    const clock = new ManualClock();
    const gateway = gatewayFor(
      paxos,
      logger,
      {
        // eslint-disable-next-line @typescript-eslint/require-await -- the case is about a secret read from an async function
        clientSecret: async () => {
          reads += 1;
          return `${CANARY_SECRET}-v${reads}`;
        },
      },
      clock,
    );

    await gateway.get('abc-1');
    await gateway.get('abc-1');
    clock.advance(3_600_000);
    await gateway.get('abc-1');

    expect(reads).to.equal(2);
    expect(paxos.tokenRequests.map((r) => new URLSearchParams(r.body).get('client_secret'))).to.deep.equal([
      `${CANARY_SECRET}-v1`,
      `${CANARY_SECRET}-v2`,
    ]);
  });

  it('turns a failing secret function into PaxosAuthenticationError without its error', async () => {
    const gateway = gatewayFor(paxos, logger, {
      clientSecret: () => Promise.reject(new Error(`vault said: ${CANARY_SECRET}`)),
    });
    const error = await rejectionOf(gateway.get('abc-1'));

    expect(error).to.be.instanceOf(PaxosAuthenticationError);
    expect((error as Error).cause).to.equal(undefined);
    expect(paxos.requests).to.have.length(0);
  });

  it('times out a token endpoint that never answers, within the call deadline', async () => {
    paxos.otherwise('POST /oauth2/token', () => undefined);
    const error = await rejectionOf(gatewayFor(paxos, logger, { timeoutMs: 150 }).get('abc-1'));

    expect(error).to.be.instanceOf(PaxosTimeoutError);
    expect(paxos.apiRequests).to.have.length(0);
  });

  it('still maps API errors after authenticating', async () => {
    const error = await rejectionOf(gatewayFor(paxos, logger).get('missing-1'));
    expect(error).to.be.instanceOf(IdentityNotFoundError);
  });
});
