import { expect } from 'chai';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createIdentityService,
  IdentityNotFoundError,
  IdentityServiceConfigError,
  IdentityValidationError,
  PaxosConfigurationError,
  PaxosConnectionError,
  PaxosHttpError,
  type IdentityService,
  type IdentityServiceOptions,
} from '../../../src/index.js';
import { aPerson } from '../../support/builders.js';
import { paxosOptionsFor, useEmulator } from '../../support/paxos.js';
import { CANARY_SECRET, CLIENT_ID, rejectionOf, useScriptedPaxos } from './support.js';

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

function configErrorOf(options: unknown): IdentityServiceConfigError {
  try {
    createIdentityService(options as IdentityServiceOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(IdentityServiceConfigError);
    return error as IdentityServiceConfigError;
  }
  return expect.fail('the service was built');
}

describe('createIdentityService: a wrong option is a typed error naming it', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['no options at all', undefined, 'options', /adapter: 'in-memory'/],
    ['options that are not an object', 'paxos', 'options', /are required/],
    ['a mistyped adapter', { adapter: 'inmemory' }, 'adapter', /must be 'in-memory' or 'paxos', not 'inmemory'/],
    ['no adapter', {}, 'adapter', /it is missing/],
    ['a clock without now()', { adapter: 'in-memory', clock: Date }, 'clock', /a Clock \(an object with now\)/],
    ['an id generator that is a function', { adapter: 'in-memory', idGenerator: () => 'x' }, 'idGenerator', /next/],
    ['a logger without warn', { adapter: 'in-memory', logger: { info: () => undefined } }, 'logger', /warn/],
    ['coordination that is not an object', { adapter: 'in-memory', coordination: 'redis' }, 'coordination', /object/],
    [
      'a coordination rate limiter without acquire',
      { adapter: 'in-memory', coordination: { rateLimiter: {} } },
      'coordination.rateLimiter',
      /acquire/,
    ],
    ['an unknown rule', { adapter: 'in-memory', rules: { kyc: 'strict' } }, 'rules', /rules\.kyc is not a known rule/],
  ];
  for (const [name, options, option, message] of cases) {
    it(`${name}: IdentityServiceConfigError on ${option}`, () => {
      const error = configErrorOf(options);
      expect(error.option).to.equal(option);
      expect(error.code).to.equal('identity_service_configuration');
      expect(error.message).to.match(message);
    });
  }

  it('adapter paxos without paxos options: PaxosConfigurationError saying what they are', () => {
    expect(() => createIdentityService({ adapter: 'paxos' } as never)).to.throw(
      PaxosConfigurationError,
      /paxos options are required: \{ environment, clientId, clientSecret \}/,
    );
  });
});

describe('Paxos adapter: a baseUrl override needs its tokenUrl', () => {
  const base = { environment: 'sandbox', clientId: CLIENT_ID, clientSecret: CANARY_SECRET } as const;

  it('refuses a baseUrl off Paxos without tokenUrl, naming the host', () => {
    expect(() =>
      createIdentityService({ adapter: 'paxos', paxos: { ...base, baseUrl: 'http://127.0.0.1:4010/v2' } }),
    ).to.throw(PaxosConfigurationError, /baseUrl points at 127\.0\.0\.1.*tokenUrl is not set/);
  });

  it('accepts Paxos’s own API hosts without tokenUrl', () => {
    for (const baseUrl of ['https://api.sandbox.paxos.com/v2', 'https://api.paxos.com/v2'])
      expect(() => createIdentityService({ adapter: 'paxos', paxos: { ...base, baseUrl } }), baseUrl).not.to.throw();
  });
});

describe('Paxos adapter: errors that point at the misconfiguration', () => {
  const bench = useScriptedPaxos();

  it('a refused connection to the API names its host and port', async () => {
    const port = await closedPort();
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: bench.options({ baseUrl: `http://127.0.0.1:${port}/v2`, maxRetries: 0, rateLimit: false }),
    });
    const error = await rejectionOf(service.getIdentity('abc-1'));
    expect(error).to.be.instanceOf(PaxosConnectionError);
    expect((error as PaxosConnectionError).reason).to.equal('ECONNREFUSED');
    expect((error as Error).message).to.include(`from 127.0.0.1:${port} (ECONNREFUSED)`);
    expect((error as Error).message, 'the template, never the id').not.to.include('abc-1');
  });

  it('a refused connection to the token endpoint names its host and port', async () => {
    const port = await closedPort();
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: bench.options({ tokenUrl: `http://127.0.0.1:${port}/oauth2/token`, rateLimit: false }),
    });
    const error = await rejectionOf(service.getIdentity('abc-1'));
    expect(error).to.be.instanceOf(PaxosConnectionError);
    expect((error as Error).message).to.include(`127.0.0.1:${port}`);
  });

  it('a 404 on a create, whose route cannot 404, says baseUrl must end with /v2', async () => {
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: bench.options({ baseUrl: bench.paxos.origin, rateLimit: false }),
    });
    const error = await rejectionOf(service.createIdentity(aPerson().build()));
    expect(error).to.be.instanceOf(PaxosHttpError);
    expect((error as Error).message).to.match(/baseUrl is probably wrong \(it must end with \/v2/);
  });
});

describe('ids and validation errors say what was wrong', () => {
  const emulator = useEmulator();
  const services: Record<string, () => IdentityService> = {
    'the in-memory fake': () => createIdentityService({ adapter: 'in-memory' }),
    'the Paxos adapter on the emulator': () =>
      createIdentityService({ adapter: 'paxos', paxos: { ...paxosOptionsFor(emulator()), rateLimit: false } }),
  };

  for (const [name, build] of Object.entries(services)) {
    it(`${name}: an unknown id that is not a UUID is sent (Paxos's ids are strings), and its 404 hints at a refId`, async () => {
      const error = await build()
        .getIdentity('customer-42')
        .then(
          () => expect.fail('found'),
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(IdentityNotFoundError);
      expect((error as Error).message).to.equal('Identity not found: customer-42 (not a UUID: a refId?)');
    });
  }

  it('an unknown UUID gets no hint', () => {
    const id = '36ae1728-c54a-4046-86df-8a413e0ab9b3';
    expect(new IdentityNotFoundError(id).message).to.equal(`Identity not found: ${id}`);
  });

  it('titles each validation error by what was invalid, and refuses a malformed id before sending', async () => {
    const service = createIdentityService({ adapter: 'in-memory' });
    const messageOf = (work: () => Promise<unknown>) =>
      work().then(
        () => expect.fail('accepted'),
        (e: unknown) => {
          expect(e).to.be.instanceOf(IdentityValidationError);
          return (e as Error).message;
        },
      );
    expect(await messageOf(() => service.getIdentity('jane@example.com'))).to.match(
      /^Invalid identity id: 1 violation: id: must be an identity id as Paxos returned it .*, not a refId$/,
    );
    expect(await messageOf(() => service.listIdentitiesPage({ limit: -1 }))).to.match(/^Invalid list filter: /);
    expect(await messageOf(() => service.setSandboxStatus('abc', { idVerificationStatus: 'MAYBE' } as never))).to.match(
      /^Invalid sandbox status: /,
    );
    expect(await messageOf(() => service.createIdentity({ person: {} } as never))).to.match(/^Invalid identity: /);
  });
});
