/**
 * The seed page's person in Paxos's wire format (snake_case), the start of every hand-written create body that suites
 * send to the emulator over bare HTTP.
 */

/**
 * The seed page's `person_details` with `cipId` as its SSN, and neither `metadata` nor anything else a case adds:
 * spread it and add or override the fields the case is about.
 */
export function seedPersonDetails(cipId: string): Record<string, unknown> {
  return {
    verifier_type: 'PASSTHROUGH',
    passthrough_verifier_type: 'JUMIO',
    passthrough_verified_at: '2021-06-16T09:28:14Z',
    first_name: 'John',
    last_name: 'Doe',
    date_of_birth: '1980-01-01',
    phone_number: '+1 555 678 1234',
    email: 'example@somemail.org',
    cip_id: cipId,
    cip_id_type: 'SSN',
    cip_id_country: 'USA',
    nationality: 'USA',
    address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zip_code: '10001' },
  };
}

/**
 * A valid non-regulated private LLC's `institution_details`, with `cipId` as its EIN: incorporated in Delaware, doing
 * business in New York.
 */
export function llcDetails(cipId: string): Record<string, unknown> {
  return {
    name: 'Example Holdings LLC',
    business_address: {
      country: 'USA',
      address1: '2 Example Ave',
      city: 'New York',
      province: 'NY',
      zip_code: '10002',
    },
    incorporation_address: {
      country: 'USA',
      address1: '2 Example Ave',
      city: 'Dover',
      province: 'DE',
      zip_code: '19901',
    },
    institution_type: 'LLC',
    institution_sub_type: 'INVESTMENT',
    cip_id: cipId,
    cip_id_type: 'EIN',
    cip_id_country: 'USA',
    govt_registration_date: '2021-04-14T00:00:00Z',
    regulation_status: 'NON_REGULATED',
    trading_type: 'PRIVATE',
    business_description: 'Holding company',
  };
}
