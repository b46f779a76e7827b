import { expect } from 'chai';
import {
  createIdentityService,
  IdentityCallOptionsError,
  IdentityNotFoundError,
  IdentityServiceConfigError,
  PaxosConfigurationError,
  PaxosResponseError,
  withResponse,
  type IdentityService,
  type IdentityServiceOptions,
  type PaxosResponseEvent,
  type ResponseMetadata,
} from '../../../src/index.js';
import { aPerson } from '../../support/builders.js';
import { CANARY_SECRET, CANARY_SSN, CLIENT_ID, json, rejectionOf, useScriptedPaxos } from './support.js';

const GET = 'GET /v2/identity/identities/{id}';
const LIST = 'GET /v2/identity/identities';

/** Collects the process's unhandled rejections while a test runs. */
function useUnhandledRejections() {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  beforeEach(() => {
    seen.length = 0;
    process.on('unhandledRejection', listener);
  });
  afterEach(() => {
    process.off('unhandledRejection', listener);
  });
  return {
    /** Lets the microtask and timer queues drain, so that a rejection nobody handles is reported, then reads them. */
    async after(): Promise<unknown[]> {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      return seen;
    },
  };
}

describe('Attacks on the per-call options of the Paxos adapter', () => {
  const bench = useScriptedPaxos();
  const service = (extra: Record<string, unknown> = {}): IdentityService =>
    createIdentityService({ adapter: 'paxos', paxos: bench.options({ rateLimit: false, telemetry: false, ...extra }) });

  const optionOf = async (options: unknown): Promise<string> => {
    const error = await rejectionOf(service().getIdentity('abc-1', options as never));
    expect(error, JSON.stringify(options).slice(0, 200)).to.be.instanceOf(IdentityCallOptionsError);
    return (error as IdentityCallOptionsError).option;
  };

  it('refuses line breaks and NUL in a header value, without echoing the value (an SSN)', async () => {
    for (const value of [`${CANARY_SSN}\r\nx-b: 1`, `${CANARY_SSN}\n`, `${CANARY_SSN}\r`, `${CANARY_SSN}\0`])
      expect(await optionOf({ headers: { 'x-ssn': value } })).to.equal('headers.x-ssn');
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  it('refuses header values that are not strings, and a value over 4096 characters', async () => {
    for (const value of [5, null, undefined, ['a'], { a: 1 }, true, 'x'.repeat(4097)])
      expect(await optionOf({ headers: { 'x-a': value } })).to.equal('headers.x-a');
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  it('refuses the adapter’s headers in any letter case; a name with spaces is not a header name', async () => {
    for (const name of ['AUTHORIZATION', 'aUtHoRiZaTiOn', 'Proxy-Authorization', 'Transfer-Encoding', 'CONTENT-LENGTH'])
      expect(await optionOf({ headers: { [name]: 'Bearer stolen' } })).to.equal(`headers.${name.toLowerCase()}`);
    for (const name of ['authorization ', ' authorization', 'author ization', 'x-a:b', ''])
      expect(await optionOf({ headers: { [name]: 'Bearer stolen' } })).to.equal('headers');
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  it('refuses framing and method-override headers the transport cannot honour, as an options error, sending nothing', async () => {
    // fetch itself throws on expect, upgrade and keep-alive: that used to surface as a retried connection error.
    for (const name of ['Expect', 'Upgrade', 'Keep-Alive', 'TE', 'Trailer', 'Range', 'X-HTTP-Method-Override'])
      expect(await optionOf({ headers: { [name]: 'x' } })).to.equal(`headers.${name.toLowerCase()}`);
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  it('never names a header whose name looks like personal data in the error', async () => {
    const error = await rejectionOf(service().getIdentity('abc-1', { headers: { [CANARY_SSN]: 5 } } as never));
    expect(error).to.be.instanceOf(IdentityCallOptionsError);
    expect((error as IdentityCallOptionsError).option).to.equal('headers');
  });

  it('refuses one header given twice in different letter cases instead of dropping one', async () => {
    expect(await optionOf({ headers: { 'X-Correlation-Id': 'a', 'x-correlation-id': 'b' } })).to.equal(
      'headers.x-correlation-id',
    );
  });

  it('refuses a header named __proto__, which fetch would drop without a word', async () => {
    const headers = JSON.parse('{"__proto__":"p","x-b":"b"}') as Record<string, string>;
    expect(await optionOf({ headers })).to.equal('headers');
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  it('refuses headers over 16 KiB in all, which a server would refuse with a 431 after the token was spent', async () => {
    const headers = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((n) => [`x-${n}`, 'v'.repeat(4000)]));
    expect(await optionOf({ headers })).to.equal('headers');
    expect(bench.paxos.requests).to.have.length(0);
  });

  it('sends the caller’s headers to the API only, never to the token endpoint', async () => {
    await service().getIdentity('abc-1', { headers: { 'x-correlation-id': 'corr-1' } });
    expect(bench.paxos.to(GET)[0]?.headers['x-correlation-id']).to.equal('corr-1');
    expect(bench.paxos.tokenRequests.map((r) => r.headers['x-correlation-id'])).to.deep.equal([undefined]);
  });

  it('refuses timeoutMs and maxRetries out of range or of the wrong type, naming each', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, Infinity, 1e12, '100', null, 1.5])
      expect(await optionOf({ timeoutMs })).to.equal('timeoutMs');
    for (const maxRetries of [-1, 1.5, 1e9, Number.NaN, '2', null])
      expect(await optionOf({ maxRetries })).to.equal('maxRetries');
    for (const options of ['fast', 5, null, [1]]) expect(await optionOf(options)).to.equal('options');
    expect(await optionOf({ signal: { aborted: false } })).to.equal('signal');
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  describe('a caller’s onResponse that fails', () => {
    const rejections = useUnhandledRejections();

    it('throwing: the call still resolves (the create happened), nothing is left unhandled', async () => {
      const identity = await service().createIdentity(aPerson().build(), {
        onResponse: () => {
          throw new Error('sink broke');
        },
      });
      expect(identity.id).to.match(/^id-/);
      expect(await rejections.after()).to.deep.equal([]);
    });

    it('async and rejecting: the call resolves and the rejection is not left unhandled', async () => {
      const identity = await service().getIdentity('abc-1', {
        // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the attack: an async sink where a sync one is typed
        onResponse: async () => {
          await Promise.resolve();
          throw new Error('async sink broke');
        },
      });
      expect(identity.id).to.equal('abc-1');
      expect(await rejections.after()).to.deep.equal([]);
    });

    it('withResponse still hands back the metadata when the caller’s own sink throws', async () => {
      const { data, response } = await withResponse((options) => service().getIdentity('abc-1', options), {
        onResponse: () => {
          throw new Error('sink broke');
        },
      });
      expect(data.id).to.equal('abc-1');
      expect(response?.status).to.equal(200);
    });

    it('the in-memory fake: a throwing or rejecting sink does not fail the call either', async () => {
      const fake = createIdentityService({ adapter: 'in-memory' });
      const created = await fake.createIdentity(aPerson().build(), {
        onResponse: () => {
          throw new Error('sink broke');
        },
      });
      const read = await fake.getIdentity(created.id, {
        // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the attack, as above
        onResponse: () => Promise.reject(new Error('async sink broke')),
      });
      expect(read.id).to.equal(created.id);
      expect(await rejections.after()).to.deep.equal([]);
    });

    it('paxos.hooks that reject asynchronously are not left unhandled', async () => {
      const identity = await service({
        hooks: {
          onRequest: () => Promise.reject(new Error('hook broke')),
          onResponse: () => Promise.reject(new Error('hook broke')),
        },
      }).getIdentity('abc-1');
      expect(identity.id).to.equal('abc-1');
      expect(await rejections.after()).to.deep.equal([]);
    });
  });

  it('withResponse on a call that fails rejects with the call’s own error, and reports no metadata', async () => {
    let heard: ResponseMetadata | undefined;
    const error = await rejectionOf(
      withResponse((options) => service().getIdentity('missing-1', options), {
        onResponse: (r) => (heard = r),
      }),
    );
    expect(error).to.be.instanceOf(IdentityNotFoundError);
    expect(heard).to.equal(undefined);
  });

  it('withholds credential-like response headers and any header echoing the bearer token', async () => {
    bench.paxos.script(GET, (request, res) => {
      json(
        res,
        200,
        {
          id: 'abc-1',
          type: 'PERSON',
          summary_status: 'PENDING',
          ref_id: 'r',
          created_at: '2022-02-15T05:46:50.957068Z',
          updated_at: '2022-02-15T05:46:50.957068Z',
        },
        {
          'x-request-id': 'req-1',
          'www-authenticate': 'Bearer realm="paxos"',
          'proxy-authenticate': 'Basic realm="proxy"',
          authorization: String(request.headers['authorization']),
          'x-echo': `seen ${String(request.headers['authorization'])}`,
          'set-cookie': 'session=1',
          'x-ok': 'kept',
        },
      );
    });
    const { response } = await withResponse((options) => service().getIdentity('abc-1', options));
    expect(response?.headers['x-ok']).to.equal('kept');
    for (const name of ['www-authenticate', 'proxy-authenticate', 'authorization', 'x-echo', 'set-cookie'])
      expect(response?.headers, name).not.to.have.property(name);
    expect(JSON.stringify(response)).not.to.include('CANARY-access-token');
  });

  it('a 200 answer refused as not JSON is reported to the hooks and the log with its status', async () => {
    const events: PaxosResponseEvent[] = [];
    bench.paxos.script(GET, (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy</html>');
    });
    const error = await rejectionOf(
      service({ hooks: { onResponse: (e: PaxosResponseEvent) => events.push(e) } }).getIdentity('abc-1'),
    );
    expect(error).to.be.instanceOf(PaxosResponseError);
    expect(events.map((e) => [e.status, e.outcome, e.errorType])).to.deep.equal([
      [200, 'fail', 'paxos_invalid_response'],
    ]);
    const lines = bench.logger.lines.filter((l) => l.message.startsWith('paxos GET'));
    expect(lines.map((l) => [l.level, l.fields?.['status'], l.fields?.['outcome']])).to.deep.equal([
      ['error', 200, 'fail'],
    ]);
  });

  it('hooks see the list route’s template: never its query string, ids or filter values', async () => {
    const events: { path: string }[] = [];
    bench.paxos.script(LIST, (_request, res) => {
      json(res, 200, { items: [] });
    });
    await service({ hooks: { onRequest: (e: { path: string }) => events.push(e) } }).listIdentitiesPage({
      limit: 5,
      summaryStatus: 'APPROVED',
    });
    expect(bench.paxos.to(LIST)[0]?.query.toString()).to.include('limit=5');
    expect(events.map((e) => e.path)).to.deep.equal(['/identity/identities']);
  });

  it('a hook that mutates its event cannot change what the next hook or attempt sees', async () => {
    const paths: string[] = [];
    const identity = await service({
      hooks: {
        onRequest: (e: { path: string }) => {
          e.path = '/tampered';
        },
        onResponse: (e: PaxosResponseEvent) => paths.push(e.path),
      },
    }).getIdentity('abc-1');
    expect(identity.id).to.equal('abc-1');
    expect(paths).to.deep.equal(['/identity/identities/{id}']);
  });
});

describe('Attacks on the configuration of createIdentityService', () => {
  const base = {
    environment: 'sandbox',
    clientId: CLIENT_ID,
    clientSecret: CANARY_SECRET,
    baseUrl: 'http://127.0.0.1:9/v2',
    tokenUrl: 'http://127.0.0.1:9/oauth2/token',
  } as const;
  const errorOf = (options: unknown): Error => {
    try {
      createIdentityService(options as IdentityServiceOptions);
    } catch (error) {
      expect(error).to.be.instanceOf(Error);
      expect(JSON.stringify(error) + String(error)).not.to.include(CANARY_SECRET);
      return error as Error;
    }
    return expect.fail(`built with ${JSON.stringify(options)}`);
  };

  it('refuses every paxos option of the wrong type with PaxosConfigurationError naming it', () => {
    const cases: [string, unknown, RegExp][] = [
      ['environment', 42, /environment/],
      ['clientId', 42, /clientId/],
      ['clientSecret', 42, /clientSecret/],
      ['baseUrl', 42, /baseUrl/],
      ['tokenUrl', 42, /tokenUrl/],
      ['scopes', 'identity:read_identity', /scopes/],
      ['timeoutMs', '30000', /timeoutMs/],
      ['attemptTimeoutMs', -1, /attemptTimeoutMs/],
      ['secretTimeoutMs', Number.NaN, /secretTimeoutMs/],
      ['maxRetryAfterMs', Infinity, /maxRetryAfterMs/],
      ['maxRetries', 1e9, /maxRetries/],
      ['retryBackoff', 'fast', /retryBackoff/],
      ['retryBackoff', 500, /retryBackoff/],
      ['retryBackoff', null, /retryBackoff/],
      ['logger', 'console', /logger/],
      ['logger', { info: () => undefined }, /logger/],
      ['rateLimit', true, /rateLimit/],
      ['maxResponseBytes', 1, /maxResponseBytes/],
      ['hooks', () => undefined, /hooks/],
      ['telemetry', true, /telemetry/],
    ];
    for (const [option, value, named] of cases) {
      const error = errorOf({ adapter: 'paxos', paxos: { ...base, [option]: value } });
      expect(error, `${option}: ${String(value)}`).to.be.instanceOf(PaxosConfigurationError);
      expect(error.message, option).to.match(named);
    }
  });

  it('never echoes a client secret passed in the wrong field', () => {
    for (const [option, value] of [
      ['environment', CANARY_SECRET],
      ['clientId', ''],
      ['baseUrl', CANARY_SECRET],
      ['tokenUrl', CANARY_SECRET],
      ['scopes', [`${CANARY_SECRET} x`]],
      ['logger', CANARY_SECRET],
      ['retryBackoff', CANARY_SECRET],
      ['hooks', CANARY_SECRET],
      ['telemetry', CANARY_SECRET],
      ['rateLimit', CANARY_SECRET],
      ['baseUrl', `https://u:${CANARY_SECRET}@api.sandbox.paxos.com/v2`],
      ['baseUrl', `https://api.sandbox.paxos.com/v2?secret=${CANARY_SECRET}`],
      ['baseUrl', `https://api.sandbox.paxos.com/v2#${CANARY_SECRET}`],
    ] as const)
      errorOf({ adapter: 'paxos', paxos: { ...base, [option]: value } });
  });

  it('never echoes a secret passed as the adapter, while still naming a near miss', () => {
    const error: unknown = errorOf({ adapter: CANARY_SECRET });
    expect(error).to.be.instanceOf(IdentityServiceConfigError);
    expect((error as IdentityServiceConfigError).option).to.equal('adapter');
    expect(errorOf({ adapter: 'inmemory' }).message).to.include("not 'inmemory'");
  });

  it('refuses base URLs with credentials, a query, a fragment, or http: to a host off the machine', () => {
    for (const [baseUrl, rule] of [
      ['https://u:p@api.sandbox.paxos.com/v2', /credentials/],
      ['https://api.sandbox.paxos.com/v2?x=1', /query or a fragment/],
      ['https://api.sandbox.paxos.com/v2#x', /query or a fragment/],
      ['http://api.sandbox.paxos.com/v2', /only https: is allowed/],
      ['http://10.0.0.1/v2', /only https: is allowed/],
      ['ftp://api.sandbox.paxos.com/v2', /https: URL/],
    ] as const) {
      const error = errorOf({ adapter: 'paxos', paxos: { ...base, baseUrl } });
      expect(error, baseUrl).to.be.instanceOf(PaxosConfigurationError);
      expect(error.message, baseUrl).to.match(rule);
      expect(error.message, baseUrl).not.to.match(/u:p@/);
    }
  });
});
