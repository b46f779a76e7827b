import 'reflect-metadata';
import { expect } from 'chai';
import { Container } from 'inversify';
import { CORE_BINDINGS, inMemoryGatewayBindings, paxosGatewayBindings } from '../../../src/composition/bindings.js';
import { Wiring } from '../../../src/composition/wiring.js';
import { createIdentityService, type IdentityService } from '../../../src/index.js';
import { identityCoreModule, inMemoryGatewayModule, paxosGatewayModule, TOKENS } from '../../../src/container.js';
import { aPerson } from '../../support/builders.js';

const PAXOS = {
  environment: 'sandbox' as const,
  baseUrl: 'http://127.0.0.1:9/v2',
  tokenUrl: 'http://127.0.0.1:9/oauth2/token',
  clientId: 'client',
  clientSecret: 'secret',
};

// createIdentityService resolves the binding table by hand; paxos-identity/container hands the same table to
// inversify. These tests hold the two to the same bindings and the same results.
describe('composition: the hand-wired factory and the container modules', () => {
  it('bind the same tokens, for both adapters', () => {
    const container = new Container();
    container.load(identityCoreModule, inMemoryGatewayModule());
    const paxos = new Container();
    paxos.load(identityCoreModule, paxosGatewayModule(PAXOS));
    for (const binding of [...CORE_BINDINGS, ...inMemoryGatewayBindings()])
      expect(container.isBound(binding.token), String(binding.token)).to.equal(true);
    for (const binding of [...CORE_BINDINGS, ...paxosGatewayBindings(PAXOS)])
      expect(paxos.isBound(binding.token), String(binding.token)).to.equal(true);
    // Every public token the container binds is in the table, so the factory builds the same service.
    const tokens = new Set([...CORE_BINDINGS, ...inMemoryGatewayBindings()].map((binding) => binding.token));
    for (const token of Object.values(TOKENS).filter((t) => container.isBound(t)))
      expect(tokens.has(token), String(token)).to.equal(true);
  });

  it('build services that create and read the same way', async () => {
    const container = new Container();
    container.load(identityCoreModule, inMemoryGatewayModule());
    const services: IdentityService[] = [
      createIdentityService({ adapter: 'in-memory' }),
      container.get<IdentityService>(TOKENS.IdentityService),
    ];
    const shapes = [];
    for (const service of services) {
      const created = await service.createIdentity(aPerson().build());
      const read = await service.getIdentity(created.id);
      expect(read.id).to.equal(created.id);
      shapes.push({ type: read.type, status: read.summaryStatus });
    }
    expect(shapes[0]).to.deep.equal(shapes[1]);
  });

  it('report an invalid Paxos option from createIdentityService, as the container does on first get', () => {
    const options = { ...PAXOS, clientSecret: '' };
    expect(() => createIdentityService({ adapter: 'paxos', paxos: options })).to.throw(/clientSecret/);
    const container = new Container();
    container.load(identityCoreModule, paxosGatewayModule(options));
    expect(() => container.get(TOKENS.IdentityService)).to.throw(/clientSecret/);
  });
});

describe('composition: Wiring', () => {
  const A = Symbol('a') as symbol & { readonly __type?: { n: number } };
  const B = Symbol('b') as symbol & { readonly __type?: string };
  const MISSING = Symbol('missing');

  it('makes each binding once, from its dependencies, and resolves a missing optional one to undefined', () => {
    let made = 0;
    const wiring = new Wiring();
    wiring.load([
      { token: A, dependencies: [], create: () => ({ n: ++made }) },
      {
        token: B,
        dependencies: [A, { serviceIdentifier: MISSING, optional: true }],
        create: (a: { n: number }, missing: unknown) => `${a.n}:${String(missing)}`,
      },
    ]);
    expect(wiring.get(B)).to.equal('1:undefined');
    expect(wiring.get(A)).to.equal(wiring.get(A));
    expect(made).to.equal(1);
  });

  it('lets a later load or a rebind replace a binding', () => {
    const wiring = new Wiring();
    wiring.load([{ token: B, value: 'first' }], [{ token: B, value: 'second' }]);
    expect(wiring.get(B)).to.equal('second');
    wiring.rebind(B).toConstantValue('third');
    expect(wiring.get(B)).to.equal('third');
  });

  it('names the token that is not bound, and refuses a cycle', () => {
    const wiring = new Wiring();
    wiring.load([{ token: B, dependencies: [MISSING], create: () => 'never' }]);
    expect(() => wiring.get(B)).to.throw('No binding for missing');
    const cyclic = new Wiring();
    cyclic.load([
      { token: A, dependencies: [B], create: () => ({ n: 1 }) },
      { token: B, dependencies: [A], create: () => 'b' },
    ]);
    expect(() => cyclic.get(A)).to.throw('Circular dependency on a');
  });
});
