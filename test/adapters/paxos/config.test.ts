import { expect } from 'chai';
import { Container } from 'inversify';
import { inspect } from 'node:util';
import {
  createIdentityService,
  PAXOS_ENVIRONMENTS,
  PaxosConfigurationError,
  type IdentityGateway,
  type PaxosGatewayOptions,
} from '../../../src/index.js';
import { PaxosIdentityGateway } from '../../../src/gateways.js';
import { identityCoreModule, paxosGatewayModule, TOKENS } from '../../../src/container.js';
import { isLoopbackHost, resolvePaxosConfig } from '../../../src/adapters/paxos/config.js';
import { CANARY_SECRET, expectNoSecretsIn } from './support.js';

const BASE: PaxosGatewayOptions = { environment: 'sandbox', clientId: 'client-1', clientSecret: CANARY_SECRET };

function configError(options: unknown): PaxosConfigurationError {
  try {
    resolvePaxosConfig(options as PaxosGatewayOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(PaxosConfigurationError);
    expectNoSecretsIn(error);
    return error as PaxosConfigurationError;
  }
  return expect.fail('expected a PaxosConfigurationError');
}

describe('Paxos adapter configuration', () => {
  it('picks Paxos’s sandbox and production URLs from the environment', () => {
    expect(resolvePaxosConfig(BASE)).to.deep.include({
      baseUrl: 'https://api.sandbox.paxos.com/v2',
      tokenUrl: 'https://oauth.sandbox.paxos.com/oauth2/token',
    });
    expect(resolvePaxosConfig({ ...BASE, environment: 'production' })).to.deep.include({
      baseUrl: 'https://api.paxos.com/v2',
      tokenUrl: 'https://oauth.paxos.com/oauth2/token',
    });
    expect(PAXOS_ENVIRONMENTS.production.baseUrl).to.equal('https://api.paxos.com/v2');
  });

  it('fills in the defaults: both identity scopes, 30 s deadline, 3 retries, 500 ms first backoff', () => {
    const config = resolvePaxosConfig(BASE);
    expect(config).to.deep.include({ timeoutMs: 30_000, maxRetries: 3, initialDelayMs: 500, maxDelayMs: 8_000 });
    expect(config).to.deep.include({ attemptTimeoutMs: 7_500, secretTimeoutMs: 5_000, maxRetryAfterMs: 300_000 });
    expect(config.scopes).to.deep.equal(['identity:read_identity', 'identity:write_identity']);
  });

  it('takes a quarter of the deadline per attempt by default, at most 10 s, and the options as given', () => {
    expect(resolvePaxosConfig({ ...BASE, timeoutMs: 2_000 }).attemptTimeoutMs).to.equal(500);
    expect(resolvePaxosConfig({ ...BASE, timeoutMs: 120_000 }).attemptTimeoutMs).to.equal(10_000);
    expect(resolvePaxosConfig({ ...BASE, timeoutMs: 1 }).attemptTimeoutMs).to.equal(1);
    expect(
      resolvePaxosConfig({ ...BASE, attemptTimeoutMs: 900, secretTimeoutMs: 50, maxRetryAfterMs: 0 }),
    ).to.deep.include({ attemptTimeoutMs: 900, secretTimeoutMs: 50, maxRetryAfterMs: 0 });
  });

  for (const [name, value] of [
    ['attemptTimeoutMs', 0],
    ['attemptTimeoutMs', 1.5],
    ['secretTimeoutMs', -1],
    ['secretTimeoutMs', '100'],
    ['maxRetryAfterMs', 60 * 60_000 + 1],
    ['maxRetryAfterMs', Number.NaN],
  ] as const) {
    it(`refuses ${name}: ${String(value)} with an error naming it`, () => {
      expect(configError({ ...BASE, [name]: value }).message).to.include(name);
    });
  }

  it('lets baseUrl and tokenUrl override the environment, trailing slash removed', () => {
    const config = resolvePaxosConfig({
      ...BASE,
      baseUrl: 'https://paxos.internal.example/v2/',
      tokenUrl: 'https://auth.example/token',
    });
    expect(config).to.deep.include({
      baseUrl: 'https://paxos.internal.example/v2',
      tokenUrl: 'https://auth.example/token',
    });
  });

  it('accepts http: for loopback hosts only', () => {
    for (const url of [
      'http://127.0.0.1:4010/v2',
      'http://localhost:4010/v2',
      'http://[::1]:4010/v2',
      'http://127.1.2.3/v2',
    ]) {
      expect(resolvePaxosConfig({ ...BASE, baseUrl: url, tokenUrl: url }).baseUrl).to.equal(url);
    }
    for (const url of [
      'http://api.sandbox.paxos.com/v2',
      'http://10.0.0.8/v2',
      'http://localhost.evil.example/v2',
      'http://128.0.0.1/v2',
    ]) {
      expect(configError({ ...BASE, baseUrl: url }).message).to.include('only https: is allowed');
      expect(configError({ ...BASE, tokenUrl: url }).message).to.include('tokenUrl');
    }
  });

  it('classifies loopback hosts', () => {
    expect(
      ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.255.0.9', '[::1]'].every(isLoopbackHost),
    ).to.equal(true);
    expect(
      ['10.0.0.1', '0.0.0.0', '127.0.0.1.nip.io', '::ffff:7f00:1', 'example.com', '1270.0.0.1'].some(isLoopbackHost),
    ).to.equal(false);
  });

  it('refuses other schemes, credentials in the URL, queries and fragments', () => {
    configError({ ...BASE, baseUrl: 'ftp://example.com/v2' });
    configError({ ...BASE, baseUrl: 'not a url' });
    configError({ ...BASE, baseUrl: `https://user:${CANARY_SECRET}@example.com/v2` });
    configError({ ...BASE, tokenUrl: 'https://example.com/token?client_secret=x' });
    configError({ ...BASE, baseUrl: 'https://example.com/v2#frag' });
  });

  it('refuses a missing client id or secret, an unknown environment, bad scopes and bad numbers', () => {
    configError({ ...BASE, clientId: '' });
    configError({ ...BASE, clientSecret: '' });
    configError({ ...BASE, clientSecret: 42 });
    configError({ ...BASE, environment: 'staging' });
    configError({ ...BASE, environment: 'toString' });
    configError({ ...BASE, scopes: [] });
    configError({ ...BASE, scopes: ['identity:read_identity identity:write_identity'] });
    configError({ ...BASE, timeoutMs: 0 });
    configError({ ...BASE, timeoutMs: 1.5 });
    configError({ ...BASE, maxRetries: -1 });
    configError({ ...BASE, retryBackoff: { initialDelayMs: 100, maxDelayMs: 50 } });
    configError(undefined);
  });

  it('keeps the client secret out of the resolved configuration’s renderings', () => {
    const config = resolvePaxosConfig(BASE);
    expect(JSON.stringify(config)).not.to.include(CANARY_SECRET);
    expect((config.clientSecret as { reveal(): string }).reveal()).to.equal(CANARY_SECRET);
  });

  it('shows no secret when the gateway or the service is inspected or serialised', () => {
    const options = { ...BASE, baseUrl: 'http://127.0.0.1:9/v2', tokenUrl: 'http://127.0.0.1:9/oauth2/token' };
    for (const thing of [
      new PaxosIdentityGateway(options),
      createIdentityService({ adapter: 'paxos', paxos: options }),
    ]) {
      expect(inspect(thing, { depth: Infinity, showHidden: true })).not.to.include(CANARY_SECRET);
      expect(JSON.stringify(thing)).not.to.include(CANARY_SECRET);
    }
  });

  it('createIdentityService refuses a non-loopback http: URL with PaxosConfigurationError', () => {
    expect(() =>
      createIdentityService({
        adapter: 'paxos',
        paxos: { ...BASE, baseUrl: 'http://paxos.example/v2', tokenUrl: 'http://paxos.example/oauth2/token' },
      }),
    ).to.throw(PaxosConfigurationError, /baseUrl uses http: for paxos\.example/);
  });

  it('createIdentityService builds a Paxos-backed service without any request', () => {
    const service = createIdentityService({
      adapter: 'paxos',
      paxos: { ...BASE, baseUrl: 'http://127.0.0.1:9/v2', tokenUrl: 'http://127.0.0.1:9/oauth2/token' },
    });
    expect(service).to.have.property('createIdentity');
  });

  it('paxosGatewayModule binds the gateway port in a host container', () => {
    const container = new Container();
    container.load(identityCoreModule, paxosGatewayModule(BASE));
    expect(container.get<IdentityGateway>(TOKENS.IdentityGateway)).to.be.instanceOf(PaxosIdentityGateway);
  });
});
