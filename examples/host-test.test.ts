/**
 * A host application's own mocha test: the code under test gets its IdentityService from the host's container, and
 * the test rebinds every gateway of that container (identities, members, documents, events, accounts, controls, KYC
 * refresh) and the clock to the in-memory fake of a test kit, so nothing reaches Paxos, and drives the fake through
 * the kit's controls.
 *
 * Run: TSX_TSCONFIG_PATH=examples/tsconfig.json npx mocha --config examples/.mocharc.json examples/host-test.test.ts
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Container } from 'inversify';
import { IdentityValidationError, type Clock, type IdentityService } from 'paxos-identity';
import { identityCoreModule, paxosGatewayModule, TOKENS } from 'paxos-identity/container';
import { createTestKit, type TestKit, type TestKitGateways } from 'paxos-identity/testing';

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
  return identity.id;
}

/** More host code: send the proof of funds Paxos asked for, with the global fetch, as in production. */
async function sendProofOfFunds(service: IdentityService, identityId: string, pdf: Uint8Array): Promise<number> {
  const { uploadUrl } = await service.requestDocumentUpload(identityId, {
    name: 'funds.pdf',
    documentTypes: ['PROOF_OF_FUNDS'],
  });
  const response = await fetch(uploadUrl, { method: 'PUT', body: pdf, headers: { 'content-type': 'application/pdf' } });
  return response.status;
}

describe('host app: onboarding', () => {
  let kit: TestKit;
  let container: Container;
  let service: IdentityService;

  beforeEach(() => {
    kit = createTestKit();
    container = new Container();
    // The host's production wiring, unchanged...
    container.load(
      identityCoreModule,
      paxosGatewayModule({ environment: 'sandbox', clientId: 'id', clientSecret: 'secret' }),
    );
    // ...with every gateway and the clock swapped for the fake's.
    for (const [name, gateway] of Object.entries(kit.gateways)) {
      container.rebind(TOKENS[name as keyof TestKitGateways]).toConstantValue(gateway);
    }
    container.rebind<Clock>(TOKENS.Clock).toConstantValue(kit.clock);
    service = container.get<IdentityService>(TOKENS.IdentityService);
    // Host code PUTs with the global fetch: the fake's memory:// upload URLs work for the test's duration.
    kit.interceptFetch();
  });

  afterEach(() => {
    kit.dispose();
  });

  it('creates a PENDING identity for an adult, APPROVED once the sandbox approves it', async () => {
    const id = await onboardAdult(service, '1990-01-01');
    assert.equal((await service.getIdentity(id)).summaryStatus, 'PENDING');
    await kit.approve(id);
    assert.equal((await service.getIdentity(id)).summaryStatus, 'APPROVED');
  });

  it('uploads the documents Paxos asks for, which releases the identity', async () => {
    const id = await onboardAdult(service, '1990-01-01');
    await kit.requireDocuments(id, ['PROOF_OF_FUNDS']);
    assert.equal((await kit.approve(id)).summaryStatus, 'PENDING');
    assert.equal(await sendProofOfFunds(service, id, new TextEncoder().encode('%PDF-1.4\n')), 200);
    assert.equal((await service.getIdentity(id)).summaryStatus, 'APPROVED');
    const types = [];
    for await (const event of service.listEvents()) if (event.object.identityId === id) types.push(event.type);
    assert.deepEqual(types.sort(), ['identity.approved', 'identity.documents_required']);
  });

  it('refuses a minor without calling Paxos', async () => {
    assert.equal(await onboardAdult(service, `${new Date().getUTCFullYear() - 10}-01-01`), 'refused: under 18');
  });

  it('surfaces Paxos rule violations as IdentityValidationError', async () => {
    await assert.rejects(onboardAdult(service, '1990-02-30'), IdentityValidationError);
  });

  it('leaves no gateway bound to Paxos', () => {
    const gatewayTokens = Object.keys(TOKENS).filter((name) => name.endsWith('Gateway'));
    assert.deepEqual(Object.keys(kit.gateways).sort(), gatewayTokens.sort());
    for (const name of gatewayTokens) {
      assert.equal(container.get(TOKENS[name as keyof TestKitGateways]), kit.gateways[name as keyof TestKitGateways]);
    }
  });
});
