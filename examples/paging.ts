/**
 * Paging through identities: the async iterable follows Paxos's cursor for you; the page form suits a UI with
 * "next" buttons. Runs against a local emulator, so no credentials are needed.
 *
 * Run: npx tsx --tsconfig examples/tsconfig.json examples/paging.ts
 */
import { createIdentityService } from 'paxos-identity';
import { startPaxosEmulator } from 'paxos-identity/testing';

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
  for (let i = 0; i < 7; i++) {
    await service.createIdentity({
      refId: `paging-${i}`,
      person: {
        firstName: 'Person',
        lastName: `Number ${i}`,
        dateOfBirth: '1990-01-01',
        nationality: 'FRA',
        cipId: `P-PAGING-${i}`,
        cipIdType: 'PASSPORT',
        cipIdCountry: 'FRA',
        address: { country: 'FRA', address1: `${i} Rue de Rivoli`, city: 'Paris', province: 'IDF', zipCode: '75001' },
      },
      taxDetails: [{ taxPayerId: `FR${i}0000000`, taxPayerCountry: 'FRA' }],
    });
  }

  // Every identity, oldest first, three per request: the loop never sees a cursor.
  const names: string[] = [];
  for await (const identity of service.listIdentities({ order: 'ASC', limit: 3, identityType: 'PERSON' })) {
    names.push(identity.refId ?? identity.id);
  }
  console.log(`all ${names.length} identities, 3 per page: ${names.join(', ')}`);

  // One page at a time, as a UI would: keep the cursor between requests.
  let page = await service.listIdentitiesPage({ limit: 5 });
  let pageNumber = 1;
  for (;;) {
    console.log(`page ${pageNumber}: ${page.items.length} identities, newest first`);
    if (page.nextPageCursor === undefined) break;
    page = await service.listIdentitiesPage({ limit: 5, pageCursor: page.nextPageCursor });
    pageNumber += 1;
  }
} finally {
  await emulator.close();
}
