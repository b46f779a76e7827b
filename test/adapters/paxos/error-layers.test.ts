import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import {
  createIdentityService,
  IdentityAlreadyExistsError,
  IdentityNotFoundError,
  IdentityRejectedError,
  IdentityServiceError,
  PaxosApiError,
  PaxosBadRequestError,
  PaxosRateLimitError,
  PaxosServerError,
  type CachedAccessToken,
  type IdentityService,
  type PaxosGatewayOptions,
  type TokenCache,
} from '../../../src/index.js';
import {
  InMemoryTokenCache,
  MemoryRateLimiter,
  PaxosConnection,
  PaxosDocumentGateway,
  PaxosIdentityGateway,
  PaxosMemberGateway,
} from '../../../src/gateways.js';
import type { Sensitive } from '../../../src/domain/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../../src/testing.js';
import { anInstitution, aPerson } from '../../support/builders.js';
import { paxosOptionsFor } from '../../support/paxos.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('errors by layer: one catch on the fake and over HTTP', () => {
  let emulator: PaxosEmulator;
  let options: PaxosGatewayOptions;

  before(async () => {
    emulator = await startPaxosEmulator();
    options = {
      ...paxosOptionsFor(emulator),
      rateLimit: false,
      maxRetries: 0,
    };
  });

  after(async () => {
    await emulator.close();
  });

  const services = (): ReadonlyArray<readonly [string, IdentityService]> => [
    ['in-memory fake', createIdentityService({ adapter: 'in-memory' })],
    ['Paxos adapter over HTTP', createIdentityService({ adapter: 'paxos', paxos: options })],
  ];

  it('a repeated refId is an IdentityAlreadyExistsError with status 409 on both', async () => {
    for (const [name, service] of services()) {
      const command = aPerson().withCommand({ refId: randomUUID() }).build();
      const first = await service.createIdentity(command);
      const other = aPerson().withCommand({ refId: command.refId }).build();
      const error = await rejection(service.createIdentity(other));
      expect(error, name).to.be.instanceOf(IdentityAlreadyExistsError).and.instanceOf(IdentityServiceError);
      expect(error, name).to.deep.include({ existingId: first.id, conflict: 'ref_id', status: 409 });
      expect((error as Error).name, name).to.equal('IdentityAlreadyExistsError');
    }
  });

  it('an unknown id is an IdentityNotFoundError with status 404 on both', async () => {
    for (const [name, service] of services()) {
      const error = await rejection(service.getIdentity(randomUUID()));
      expect(error, name).to.be.instanceOf(IdentityNotFoundError);
      expect((error as { status?: unknown }).status, name).to.equal(404);
    }
  });

  it('a server-side refusal is an IdentityRejectedError on both, and a PaxosBadRequestError over HTTP', async () => {
    const [[, fake], [, http]] = services() as [readonly [string, IdentityService], readonly [string, IdentityService]];
    const members = ['00000000-0000-4000-8000-000000000000'];
    const onFake = await rejection(fake.createIdentity(anInstitution(members)));
    const overHttp = await rejection(http.createIdentity(anInstitution(members)));
    expect(onFake).to.be.instanceOf(IdentityRejectedError).and.not.instanceOf(PaxosBadRequestError);
    expect(overHttp).to.be.instanceOf(IdentityRejectedError).and.instanceOf(PaxosBadRequestError);
    expect([(onFake as { status?: unknown }).status, (overHttp as PaxosBadRequestError).status]).to.deep.equal([
      400, 400,
    ]);
  });

  it('PaxosApiError covers every error of an exchange, whatever its base class, and nothing else', async () => {
    const http = createIdentityService({ adapter: 'paxos', paxos: options });
    const notFound = await rejection(http.getIdentity(randomUUID()));
    const badRequest = await rejection(http.createIdentity(anInstitution([randomUUID()])));
    expect(notFound).to.be.instanceOf(PaxosApiError);
    expect(badRequest).to.be.instanceOf(PaxosApiError);
    expect(new PaxosServerError(503)).to.be.instanceOf(PaxosApiError);
    expect(new PaxosServerError(503)).not.to.be.instanceOf(PaxosRateLimitError);
    expect(new IdentityNotFoundError('x')).not.to.be.instanceOf(PaxosApiError);
    expect(await rejection(createIdentityService({ adapter: 'in-memory' }).getIdentity('x'))).not.to.be.instanceOf(
      PaxosApiError,
    );
    expect(notFound).to.deep.include({
      status: 404,
      request: { method: 'GET', path: '/identity/identities/{id}' },
      attempts: 1,
    });
    expect(JSON.parse(JSON.stringify(notFound))).to.deep.include({ code: 'identity_not_found', status: 404 });
  });

  it('domain errors carry no HTTP fields; the API fields of an HTTP error are read-only', async () => {
    const domain = new IdentityNotFoundError('abc');
    for (const key of ['status', 'requestId', 'problemType', 'request', 'attempts'])
      expect(domain, key).not.to.have.property(key);
    const http = await rejection(createIdentityService({ adapter: 'paxos', paxos: options }).getIdentity('abc'));
    expect(() => {
      (http as { status: number }).status = 200;
    }).to.throw(TypeError);
  });
});

/** A TokenCache that counts what goes through it. */
class CountingCache implements TokenCache {
  readonly inner = new InMemoryTokenCache();
  readonly keys = new Set<string>();
  sets = 0;
  get(key: string): Promise<CachedAccessToken | undefined> {
    this.keys.add(key);
    return this.inner.get(key);
  }
  set(key: string, token: CachedAccessToken): Promise<void> {
    this.sets += 1;
    return this.inner.set(key, token);
  }
  invalidate(key: string, token: Sensitive): Promise<void> {
    return this.inner.invalidate(key, token);
  }
}

describe('one Paxos connection per service', () => {
  let emulator: PaxosEmulator;
  let options: PaxosGatewayOptions;

  beforeEach(async () => {
    emulator = await startPaxosEmulator();
    options = {
      ...paxosOptionsFor(emulator),
      rateLimit: false,
    };
  });

  afterEach(async () => {
    await emulator.close();
  });

  const tokenRequests = () => emulator.requests.filter((r) => r.path.endsWith('/oauth2/token')).length;

  it('identities, members and documents of one service share one token', async () => {
    const service = createIdentityService({ adapter: 'paxos', paxos: options });
    const person = await service.createIdentity(aPerson().build());
    const org = await service.createIdentity(anInstitution([person.id]));
    await service.listDocuments(org.id);
    await service.getIdentity(person.id);
    expect(tokenRequests()).to.equal(1);
  });

  it('gateways built over one connection share its token; a gateway from options opens its own', async () => {
    const connection = new PaxosConnection(options);
    const identities = new PaxosIdentityGateway(connection);
    const viaDependency = new PaxosIdentityGateway(options, { transport: connection });
    const members = new PaxosMemberGateway(connection);
    const documents = new PaxosDocumentGateway(connection);
    await identities.get(randomUUID()).catch(() => undefined);
    await viaDependency.get(randomUUID()).catch(() => undefined);
    await members.removeMember(randomUUID()).catch(() => undefined);
    await documents.list(randomUUID()).catch(() => undefined);
    expect(tokenRequests()).to.equal(1);
    await new PaxosIdentityGateway(options).get(randomUUID()).catch(() => undefined);
    expect(tokenRequests()).to.equal(2);
  });

  it('createIdentityService takes a tokenCache, keyed without the secret, and a rateLimiter', async () => {
    const tokenCache = new CountingCache();
    const rateLimiter = new MemoryRateLimiter({ requestsPerSecond: 100, tokenRequestsPerSecond: 10, maxQueue: 10 });
    const paxos = { ...options, rateLimit: {} };
    const service = createIdentityService({ adapter: 'paxos', paxos, tokenCache, rateLimiter });
    await service.createIdentity(aPerson().build());
    expect(tokenCache.sets).to.equal(1);
    for (const key of tokenCache.keys) {
      expect(key).to.match(/^[0-9a-f]{64}$/);
      expect(key).not.to.include(emulator.clientSecret);
    }
    // A second service on the same cache reuses the token: no second token request.
    const again = createIdentityService({ adapter: 'paxos', paxos, tokenCache, rateLimiter });
    await again.createIdentity(aPerson().build());
    expect(tokenRequests()).to.equal(1);
    // The limiter given is the one in use: its cool-down refuses the next call without sending it.
    await rateLimiter.coolDown(60_000);
    const refused = await rejection(again.createIdentity(aPerson().build()));
    expect(refused).to.be.instanceOf(PaxosRateLimitError).and.deep.include({ reason: 'cooling_down' });
  });
});
