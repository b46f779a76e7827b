/**
 * A host application's own mocha test: the code under test gets its IdentityService from the host's container,
 * and the test swaps the Paxos adapter for the in-memory fake with `rebind`, so it runs without network or sandbox.
 *
 * Run: npx mocha --import tsx examples/host-test.test.ts  (with TSX_TSCONFIG_PATH=examples/tsconfig.json)
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Container } from 'inversify';
import { IdentityValidationError, type IdentityGateway, type IdentityService } from 'paxos-identity';
import { identityCoreModule, paxosGatewayModule, TOKENS } from 'paxos-identity/container';
import { InMemoryIdentityGateway } from 'paxos-identity/testing';

/** The host's code under test: onboard a customer unless they are under 18. */
async function onboardAdult(service: IdentityService, dateOfBirth: string): Promise<string> {
  const year = Number(dateOfBirth.slice(0, 4));
  if (new Date().getUTCFullYear() - year < 18) return 'refused: under 18';
  const identity = await service.createIdentity({
    person: {
      firstName: 'Test',
      lastName: 'Customer',
      dateOfBirth,
      nationality: 'CAN',
      cipId: `P${Math.floor(Math.random() * 1e8)}`,
      cipIdType: 'PASSPORT',
      cipIdCountry: 'CAN',
      address: { country: 'CAN', address1: '1 Queen St', city: 'Toronto', province: 'ON', zipCode: 'M5H 2N2' },
    },
    taxDetails: [{ taxPayerId: '123456789', taxPayerCountry: 'CAN' }],
  });
  return identity.summaryStatus;
}

describe('host app: onboardAdult', () => {
  let container: Container;
  let service: IdentityService;

  beforeEach(() => {
    container = new Container();
    container.load(
      identityCoreModule,
      paxosGatewayModule({ environment: 'sandbox', clientId: 'id', clientSecret: 'secret' }),
    );
    container.rebind<IdentityGateway>(TOKENS.IdentityGateway).toConstantValue(new InMemoryIdentityGateway());
    service = container.get<IdentityService>(TOKENS.IdentityService);
  });

  it('creates a PENDING identity for an adult', async () => {
    assert.equal(await onboardAdult(service, '1990-01-01'), 'PENDING');
  });

  it('refuses a minor without calling Paxos', async () => {
    assert.equal(await onboardAdult(service, `${new Date().getUTCFullYear() - 10}-01-01`), 'refused: under 18');
  });

  it('surfaces Paxos rule violations as IdentityValidationError', async () => {
    await assert.rejects(onboardAdult(service, '1990-02-30'), IdentityValidationError);
  });
});
