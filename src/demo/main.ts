/**
 * `npm start`: the onboarding of the seed's John Doe, end to end, with no network and no credentials.
 */
import { inspect } from 'node:util';
import { createIdentityService, IdentityAlreadyExistsError, IdentityValidationError, type CreateIdentityCommand } from '../index.js';

const seed: CreateIdentityCommand = {
  refId: '33ece656-eef1-43b5-a851-b6b9099089a5',
  person: {
    verifierType: 'PASSTHROUGH',
    passthroughVerifierType: 'JUMIO',
    passthroughVerifiedAt: '2021-06-16T09:28:14Z',
    firstName: 'John',
    lastName: 'Doe',
    dateOfBirth: '1980-01-01',
    phoneNumber: '+1 555 678 1234',
    email: 'example@somemail.org',
    cipId: '111-11-1234',
    cipIdType: 'SSN',
    cipIdCountry: 'USA',
    nationality: 'USA',
    address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
  },
  metadata: { custom_property1: 'custom value 1', custom_property2: 'custom value 2' },
};

function section(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
}

async function main(): Promise<void> {
  const service = createIdentityService({ adapter: 'in-memory' });

  section('1. Create the seed identity (John Doe, US SSN, passthrough-verified by JUMIO)');
  const identity = await service.createIdentity(seed);
  console.log(inspect(identity, { depth: 4, colors: process.stdout.isTTY }));
  console.log(`-> ${identity.type} ${identity.id} is ${identity.summaryStatus}; tax details derived from the SSN: ${identity.taxDetails.length}`);

  section('2. Replay the same refId (a retry after a lost response)');
  const replay = await service.createIdentity(seed);
  console.log(`-> same identity back: ${replay.id === identity.id} (${replay.id})`);

  section('3. The same refId for somebody else is refused');
  try {
    await service.createIdentity({ ...seed, person: { ...seed.person!, cipId: '222-22-2222' } });
  } catch (error) {
    if (!(error instanceof IdentityAlreadyExistsError)) throw error;
    console.log(`-> ${error.name} (${error.code}): conflict=${error.conflict}, existingId=${error.existingId}`);
  }

  section('4. An invalid identity is rejected before anything is sent');
  try {
    await service.createIdentity({
      person: {
        ...seed.person!,
        firstName: 'Jöhn',
        dateOfBirth: '1980-02-30',
        nationality: 'XYZ',
        cipIdType: 'PASSPORT',
        cipId: '111-11-1234',
        address: { country: 'USA', address1: '1 Example St', city: '', province: 'NY' },
      },
      taxDetailsNotRequired: true,
    });
  } catch (error) {
    if (!(error instanceof IdentityValidationError)) throw error;
    console.log(`-> ${error.name}: ${error.violations.length} violations`);
    for (const v of error.violations) console.log(`   ${v.path.padEnd(26)} ${v.code.padEnd(12)} ${v.message}`);
  }

  section('5. Sandbox: pass the checks, and the summary status follows');
  await service.setSandboxStatus(identity.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  const approved = await service.getIdentity(identity.id);
  console.log(`-> ${approved.id} is ${approved.summaryStatus}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
