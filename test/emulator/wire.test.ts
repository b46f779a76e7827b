import { expect } from 'chai';
import { writeIdentity } from '../../src/testing/emulator/index.js';
import { Identity, Sensitive } from '../../src/index.js';

describe('emulator wire layer', () => {
  describe('writing an identity', () => {
    it('leaves zero values out and reveals personal data only in the JSON it writes', () => {
      const identity = Identity.rehydrate({
        id: 'i-1',
        type: 'PERSON',
        summaryStatus: 'PENDING',
        person: {
          firstName: 'A',
          lastName: 'B',
          dateOfBirth: Sensitive.of('1990-01-02'),
          cipId: Sensitive.of('123-45-6789'),
          cipIdType: 'SSN',
        },
        taxDetails: [],
        createdAt: '2026-01-01T00:00:00.000000Z',
        updatedAt: '2026-01-01T00:00:00.000000Z',
      });
      expect(writeIdentity(identity)).to.deep.equal({
        created_at: '2026-01-01T00:00:00.000000Z',
        id: 'i-1',
        person_details: {
          cip_id: '123-45-6789',
          cip_id_type: 'SSN',
          date_of_birth: '1990-01-02',
          first_name: 'A',
          govt_id: '123-45-6789',
          govt_id_type: 'SSN',
          last_name: 'B',
        },
        summary_status: 'PENDING',
        type: 'PERSON',
        updated_at: '2026-01-01T00:00:00.000000Z',
      });
    });

    it("writes fields in the schema's order, copies metadata and keeps nested zero values", () => {
      const metadata = { note: 'x' };
      const identity = Identity.rehydrate({
        id: 'i-2',
        type: 'PERSON',
        summaryStatus: 'PENDING',
        statusDetails: { activeControls: [], requirements: [] },
        isMerchant: true,
        userDisabled: false,
        metadata,
        taxDetails: [{ taxPayerId: Sensitive.of('123-45-6789'), taxPayerCountry: 'USA' }],
        createdAt: '2026-01-01T00:00:00.000000Z',
        updatedAt: '2026-01-01T00:00:00.000000Z',
      });
      const written = writeIdentity(identity);
      expect(JSON.stringify(written)).to.equal(
        '{"id":"i-2","metadata":{"note":"x"},"status_details":{"active_controls":[],"requirements":[]},' +
          '"summary_status":"PENDING","type":"PERSON","created_at":"2026-01-01T00:00:00.000000Z",' +
          '"updated_at":"2026-01-01T00:00:00.000000Z",' +
          '"tax_details":[{"tax_payer_id":"123-45-6789","tax_payer_country":"USA"}],"is_merchant":true}',
      );
      expect(written['metadata']).to.not.equal(metadata);
    });
  });
});
