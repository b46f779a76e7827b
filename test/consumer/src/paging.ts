// Compiled under strict + exactOptionalPropertyTypes (tsconfig.json here): one cursor loop serves every page type,
// because every page names its items `items` and its cursor `nextPageCursor?: string`, and every filter takes that
// cursor back as `pageCursor` as it is, `undefined` included.
import assert from 'node:assert/strict';
import {
  createIdentityService,
  type AccountPage,
  type EventPage,
  type IdentityControlPage,
  type IdentityPage,
  type Page,
} from 'paxos-identity';

/** Every item of any paged list, given a function that fetches the page after a cursor. */
async function* everyItem<T>(fetchPage: (pageCursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let pageCursor: string | undefined;
  do {
    const page = await fetchPage(pageCursor);
    yield* page.items;
    pageCursor = page.nextPageCursor;
  } while (pageCursor !== undefined);
}

// Each named page type is a Page of its items, so a helper typed on Page<T> takes any of them.
type IsPage<P> = P extends Page<unknown> ? true : false;
const everyPageTypeIsAPage: [
  IsPage<IdentityPage>,
  IsPage<AccountPage>,
  IsPage<IdentityControlPage>,
  IsPage<EventPage>,
] = [true, true, true, true];
assert.deepEqual(everyPageTypeIsAPage, [true, true, true, true]);
// @ts-expect-error -- a last page leaves the cursor out; it is never present as undefined
const lastPage: Page<string> = { items: [], nextPageCursor: undefined };
assert.equal(lastPage.items.length, 0);

const service = createIdentityService({ adapter: 'in-memory' });
const ids: string[] = [];
for (let i = 0; i < 5; i++) {
  const identity = await service.createIdentity({
    refId: `paging-${i}`,
    person: {
      firstName: 'Ada',
      lastName: `Number ${i}`,
      dateOfBirth: '1990-01-01',
      nationality: 'FRA',
      cipId: `P-PAGING-${i}`,
      cipIdType: 'PASSPORT',
      cipIdCountry: 'FRA',
      address: { country: 'FRA', address1: `${i} Rue de Rivoli`, city: 'Paris', province: 'IDF' },
    },
    taxDetails: [{ taxPayerId: `FR${i}0000000`, taxPayerCountry: 'FRA' }],
  });
  ids.push(identity.id);
  await service.setSandboxStatus(identity.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  await service.createAccount({ identityId: identity.id });
}
const control = await service.createControl({ identityId: ids[0]!, type: 'DORMANT', reasonCode: 'INACTIVITY' });

const identities: string[] = [];
for await (const identity of everyItem((pageCursor) => service.listIdentitiesPage({ limit: 2, pageCursor }))) {
  identities.push(identity.id);
}
const accounts: string[] = [];
for await (const account of everyItem((pageCursor) => service.listAccountsPage({ limit: 2, pageCursor }))) {
  accounts.push(account.identityId);
}
const controls: string[] = [];
for await (const c of everyItem((pageCursor) => service.listControlsPage({ identityId: ids[0]!, pageCursor }))) {
  controls.push(c.id);
}
const events: string[] = [];
for await (const event of everyItem((pageCursor) =>
  service.listEventsPage({ type: 'identity.approved', limit: 2, pageCursor }),
)) {
  events.push(event.object.identityId ?? '');
}
assert.deepEqual([...identities].sort(), [...ids].sort());
assert.deepEqual([...accounts].sort(), [...ids].sort());
assert.deepEqual(controls, [control.id]);
assert.deepEqual([...events].sort(), [...ids].sort());
console.log(
  `one cursor loop: ${identities.length} identities, ${accounts.length} accounts, ${controls.length} control, ${events.length} events`,
);
