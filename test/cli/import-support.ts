import type { CreateIdentityCommand } from '../../src/index.js';

/**
 * A valid passthrough-verified person whose only differences are the CIP id and the ref_id, so that an import's cases
 * tell their lines apart by `ssn` and choose whether the import has to make a ref_id up.
 */
export function identityCommand(ssn: string, refId?: string): CreateIdentityCommand {
  return {
    ...(refId !== undefined && { refId }),
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'JUMIO',
      passthroughVerifiedAt: '2021-06-16T09:28:14Z',
      firstName: 'Ann',
      lastName: 'Lee',
      dateOfBirth: '1980-01-01',
      cipId: ssn,
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      nationality: 'USA',
      address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zipCode: '10001' },
    },
  };
}

/** Cuts the file `path` of `files` to its first `bytes` bytes, as truncating a results file on disk would. */
export function truncateIn(files: Map<string, string>, path: string, bytes: number): void {
  files.set(
    path,
    Buffer.from(files.get(path) ?? '', 'utf8')
      .subarray(0, bytes)
      .toString('utf8'),
  );
}
