import { expect } from 'chai';
import {
  createIdentityService,
  IdentityCallOptionsError,
  PaxosServerError,
  PaxosTimeoutError,
  withResponse,
  type IdentityService,
  type ResponseMetadata,
} from '../../../src/index.js';
import { aPerson } from '../../support/builders.js';
import { identityFromCreate, json, problem, rejectionOf, useScriptedPaxos } from './support.js';

const CREATE = 'POST /v2/identity/identities';
const GET = 'GET /v2/identity/identities/{id}';

describe('Paxos adapter: per-call options and response metadata', () => {
  const bench = useScriptedPaxos();
  const service = (extra: Record<string, unknown> = {}): IdentityService =>
    createIdentityService({ adapter: 'paxos', paxos: bench.options({ rateLimit: false, telemetry: false, ...extra }) });

  it('sends extra headers of the call, lower-cased, next to the adapter’s own', async () => {
    await service().getIdentity('abc-1', { headers: { 'X-Correlation-Id': 'corr-7' } });
    const [sent] = bench.paxos.to(GET);
    expect(sent?.headers['x-correlation-id']).to.equal('corr-7');
    expect(sent?.headers['authorization']).to.match(/^Bearer /);
  });

  for (const header of ['Authorization', 'content-type', 'Host', 'cookie']) {
    it(`refuses ${header} as an extra header with IdentityCallOptionsError, sending nothing`, async () => {
      const error = await rejectionOf(service().getIdentity('abc-1', { headers: { [header]: 'Bearer other' } }));
      expect(error).to.be.instanceOf(IdentityCallOptionsError);
      expect((error as IdentityCallOptionsError).option).to.equal(`headers.${header.toLowerCase()}`);
      expect((error as Error).message).not.to.include('Bearer other');
      expect(bench.paxos.apiRequests).to.have.length(0);
    });
  }

  it('refuses a header value with a line break and out-of-range timeoutMs and maxRetries, naming each', async () => {
    const options = [
      [{ headers: { 'x-a': 'one\r\nx-b: two' } }, 'headers.x-a'],
      [{ timeoutMs: 0 }, 'timeoutMs'],
      [{ timeoutMs: 1.5 }, 'timeoutMs'],
      [{ maxRetries: 11 }, 'maxRetries'],
      [{ onResponse: 'log' }, 'onResponse'],
    ] as const;
    for (const [given, option] of options) {
      const error = await rejectionOf(service().getIdentity('abc-1', given as never));
      expect((error as IdentityCallOptionsError).option, JSON.stringify(given)).to.equal(option);
    }
    expect(bench.paxos.apiRequests).to.have.length(0);
  });

  it('maxRetries of the call wins over the service’s: 0 makes one attempt', async () => {
    bench.paxos.script(GET, problem(503), problem(503), problem(503));
    const error = await rejectionOf(service({ maxRetries: 2 }).getIdentity('abc-1', { maxRetries: 0 }));
    expect(error).to.be.instanceOf(PaxosServerError);
    expect((error as PaxosServerError).attempts).to.equal(1);
    expect(bench.paxos.to(GET)).to.have.length(1);
  });

  it('timeoutMs of the call wins over the service’s deadline', async () => {
    bench.paxos.script(GET, () => {
      // Never answers: only the deadline ends the call.
    });
    const error = await rejectionOf(
      service({ timeoutMs: 5_000, attemptTimeoutMs: 5_000 }).getIdentity('abc-1', { timeoutMs: 50 }),
    );
    expect(error).to.be.instanceOf(PaxosTimeoutError);
    expect((error as PaxosTimeoutError).timeoutMs).to.equal(50);
  });

  it('a timeoutMs of the call scales the attempt’s budget with it: a stall costs an attempt, not the call', async () => {
    bench.paxos.script(GET, () => {
      // The first attempt never answers; the next one is answered.
    });
    // The service's attempt budget would be 1,250 ms, longer than the call; the call's 400 ms make it 100 ms.
    const identity = await service({ timeoutMs: 5_000 }).getIdentity('abc-1', { timeoutMs: 400, maxRetries: 1 });
    expect(identity.id).to.equal('abc-1');
    expect(bench.paxos.to(GET)).to.have.length(2);
  });

  it('withResponse hands back the result with the status, request id, headers and attempts of the answer', async () => {
    bench.paxos.script(CREATE, problem(503), (request, res) => {
      json(res, 200, identityFromCreate(JSON.parse(request.body) as Record<string, unknown>, 'id-77'), {
        'x-request-id': 'req-77',
        'set-cookie': 'session=secret',
      });
    });
    const command = aPerson().withCommand({ refId: 'ref-77' }).build();
    const { data, response } = await withResponse((options) => service().createIdentity(command, options));
    expect(data.id).to.equal('id-77');
    expect(response?.status).to.equal(200);
    expect(response?.requestId).to.equal('req-77');
    expect(response?.attempts).to.equal(2);
    expect(response?.headers['content-type']).to.equal('application/json');
    expect(response?.headers, 'cookies are state, not metadata').not.to.have.property('set-cookie');
  });

  it('onResponse hears only the successful answers of a call: not a replayed create’s 409, but the read after it', async () => {
    const heard: ResponseMetadata[] = [];
    bench.paxos.script(CREATE, problem(409, 'duplicate ref_id provided', { meta: { existing: { id: 'abc-1' } } }));
    // The identity the 409 names is the one sent: the create resolves to it, a replay.
    bench.paxos.script(GET, (_request, res) => {
      const [create] = bench.paxos.to(CREATE);
      json(res, 200, identityFromCreate(JSON.parse(create?.body ?? '{}') as Record<string, unknown>, 'abc-1'));
    });
    const identity = await service().createIdentity(aPerson().withCommand({ refId: 'ref-abc-1' }).build(), {
      onResponse: (r) => heard.push(r),
    });
    expect(identity.id).to.equal('abc-1');
    expect(heard.map((r) => r.status)).to.deep.equal([200]);
    expect(bench.paxos.to(GET), 'the existing identity is read once').to.have.length(1);
  });
});

describe('In-memory fake: the same per-call options', () => {
  const fake = () => createIdentityService({ adapter: 'in-memory' });

  it('withResponse gives status 200, no request id and no headers: the answer is in process', async () => {
    const { data, response } = await withResponse((options) => fake().createIdentity(aPerson().build(), options));
    expect(data.summaryStatus).to.equal('PENDING');
    expect(response).to.deep.equal({ status: 200, requestId: undefined, headers: {}, attempts: 1 });
  });

  it('refuses what the Paxos adapter refuses, naming the option', async () => {
    const service = fake();
    const identity = await service.createIdentity(aPerson().build());
    for (const [given, option] of [
      [{ headers: { authorization: 'x' } }, 'headers.authorization'],
      [{ timeoutMs: -1 }, 'timeoutMs'],
      [{ maxRetries: 'many' }, 'maxRetries'],
    ] as const) {
      const error = await service.getIdentity(identity.id, given as never).then(
        () => expect.fail('accepted'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(IdentityCallOptionsError);
      expect((error as IdentityCallOptionsError).option).to.equal(option);
    }
  });

  it('accepts the per-call options on a document list, whose options object is checked field by field', async () => {
    const service = fake();
    const identity = await service.createIdentity(aPerson().build());
    const { data, response } = await withResponse((options) =>
      service.listDocuments(identity.id, { ...options, includePending: true, timeoutMs: 1_000 }),
    );
    expect(data).to.be.an('object');
    expect(response?.status).to.equal(200);
  });
});
