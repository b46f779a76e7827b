import assert from 'node:assert/strict';
import {
  createIdentityService,
  IdentityAlreadyExistsError,
  IdentityServiceError,
  IdentityValidationError,
  type CreateIdentityCommand,
  type Identity,
} from 'paxos-identity';
import { startPaxosEmulator } from 'paxos-identity/testing';

const command: CreateIdentityCommand = {
  refId: 'consumer-1',
  person: {
    verifierType: 'PASSTHROUGH',
    passthroughVerifierType: 'JUMIO',
    passthroughVerifiedAt: '2021-06-16T09:28:14Z',
    firstName: 'John',
    lastName: 'Doe',
    dateOfBirth: '1980-01-01',
    nationality: 'USA',
    cipId: '111-11-1234',
    cipIdType: 'SSN',
    cipIdCountry: 'USA',
    address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
  },
};

const fake = createIdentityService({ adapter: 'in-memory' });
const created: Identity = await fake.createIdentity(command);
assert.equal(created.summaryStatus, 'PENDING');
assert.equal(created.taxDetails.length, 1);
assert.equal(JSON.stringify(created).includes('111-11-1234'), false);

const emulator = await startPaxosEmulator();
try {
  const service = createIdentityService({
    adapter: 'paxos',
    paxos: {
      environment: 'sandbox',
      baseUrl: emulator.baseUrl,
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
  });
  const identity = await service.createIdentity(command);
  assert.equal((await service.createIdentity(command)).id, identity.id);
  const conflict = await service
    .createIdentity({ ...command, person: { ...command.person!, cipId: '222-22-2222' } })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  assert.ok(conflict instanceof IdentityAlreadyExistsError && conflict instanceof IdentityServiceError);
  assert.equal(conflict.conflict, 'ref_id');
  await assert.rejects(
    service.createIdentity({ person: { ...command.person!, firstName: '' } }),
    IdentityValidationError,
  );
  console.log(
    `ESM consumer: created ${identity.type} ${identity.summaryStatus} over HTTP, replayed, conflicts and violations typed`,
  );
} finally {
  await emulator.close();
}
