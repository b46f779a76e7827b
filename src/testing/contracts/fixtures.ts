import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { NewIdentity } from '../../domain/index.js';

/** An SSN-shaped id that is unique with overwhelming likelihood, in ranges the SSA issues (no 000, 666, 9xx). */
export function randomSsn(): string {
  let area = randomInt(1, 900);
  if (area === 666) area = 665;
  return `${String(area).padStart(3, '0')}-${String(randomInt(1, 100)).padStart(2, '0')}-${String(randomInt(1, 10_000)).padStart(4, '0')}`;
}

/**
 * A US person with a fresh SSN and `refId`, passthrough-verified; `verifiedBy: 'PAXOS'` leaves the verification to
 * Paxos, so that the sandboxes do not auto-approve it (§9) and it stays PENDING until a sandbox-status call.
 */
export function contractPerson(verifiedBy: 'PASSTHROUGH' | 'PAXOS' = 'PASSTHROUGH'): NewIdentity {
  const verification: {
    verifierType: 'PAXOS' | 'PASSTHROUGH';
    passthroughVerifierType?: 'JUMIO';
    passthroughVerifiedAt?: string;
  } =
    verifiedBy === 'PAXOS'
      ? { verifierType: 'PAXOS' }
      : {
          verifierType: 'PASSTHROUGH',
          passthroughVerifierType: 'JUMIO',
          passthroughVerifiedAt: '2021-06-16T09:28:14Z',
        };
  return NewIdentity.create({
    refId: randomUUID(),
    person: {
      ...verification,
      firstName: 'Jane',
      lastName: 'Roe',
      dateOfBirth: '1985-02-03',
      cipId: randomSsn(),
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
    },
  });
}

/** Asserts that `promise` rejects with an object, and hands that object to `check`. */
export async function rejectsWith(
  promise: Promise<unknown>,
  check: (error: Record<string, unknown>) => void,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error !== null && typeof error === 'object', 'expected an error object');
    check(error as Record<string, unknown>);
    return true;
  });
}
