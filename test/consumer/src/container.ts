import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Container } from 'inversify';
import { type IdentityGateway, type IdentityService } from 'paxos-identity';
import { identityCoreModule, paxosGatewayModule, TOKENS } from 'paxos-identity/container';
import { InMemoryIdentityGateway } from 'paxos-identity/testing';

const container = new Container();
container.load(
  identityCoreModule,
  paxosGatewayModule({ environment: 'sandbox', clientId: 'unused', clientSecret: 'unused' }),
);
// A host's test swaps the real Paxos adapter for the fake; nothing reaches the network.
container.rebind<IdentityGateway>(TOKENS.IdentityGateway).toConstantValue(new InMemoryIdentityGateway());
const service = container.get<IdentityService>(TOKENS.IdentityService);
const identity = await service.createIdentity({
  person: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    dateOfBirth: '1815-12-10',
    nationality: 'GBR',
    cipId: 'P1234567',
    cipIdType: 'PASSPORT',
    cipIdCountry: 'GBR',
    address: { country: 'GBR', address1: '12 St James Sq', city: 'London', province: 'London' },
  },
  taxDetailsNotRequired: true,
});
assert.equal(identity.type, 'PERSON');
console.log(
  `inversify host: the Paxos adapter was rebound to the in-memory gateway; created ${identity.summaryStatus}`,
);
