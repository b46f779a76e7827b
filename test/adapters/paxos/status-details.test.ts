import { expect } from 'chai';
import { decode, decodeJsonText, IdentityDto } from '../../../src/adapters/paxos/dto/index.js';
import { toIdentity } from '../../../src/adapters/paxos/mapper.js';
import { identityToJson } from '../../../src/adapters/paxos/wire-json.js';
import type { Identity } from '../../../src/index.js';
import { wireIdentity } from './support.js';

function identityOf(plain: unknown): Identity {
  const decoded = decode(IdentityDto, plain);
  if (!decoded.ok) throw new Error(`not decoded: ${decoded.issues.join('; ')}`);
  const mapped = toIdentity(decoded.value);
  if (!mapped.ok) throw new Error(`not mapped: ${mapped.issues.join('; ')}`);
  return mapped.value;
}

describe('Paxos adapter: status and status_details (identity-api.md §4.1, §4.11)', () => {
  it('§4.1 §4.11 reads status and every field of status_details into the domain identity', () => {
    const identity = identityOf(
      wireIdentity('sd-1', {
        summary_status: 'PENDING',
        status: 'PENDING',
        status_details: {
          active_controls: [
            {
              id: 'c-1',
              type: 'SELL_ONLY',
              set_by: 'SET_BY_CLIENT',
              is_overridable: true,
              reason_code: 'END_USER_REQUEST',
              reason: 'asked to close',
              created_at: '2026-01-02T03:04:05Z',
            },
          ],
          requirements: [
            {
              type: 'ENHANCED_DUE_DILIGENCE',
              status: 'PENDING',
              awaiting_action_from: 'CLIENT',
              errors: [{ code: 'EDD_DOCUMENTATION_REQUIRED', description: 'documents are required' }],
            },
            { type: 'MEMBERS', status: 'PENDING', errors: [] },
          ],
        },
      }),
    );
    expect(identity.status).to.equal('PENDING');
    expect(identity.statusDetails).to.deep.equal({
      activeControls: [
        {
          id: 'c-1',
          type: 'SELL_ONLY',
          setBy: 'SET_BY_CLIENT',
          isOverridable: true,
          reasonCode: 'END_USER_REQUEST',
          reason: 'asked to close',
          createdAt: '2026-01-02T03:04:05Z',
        },
      ],
      requirements: [
        {
          type: 'ENHANCED_DUE_DILIGENCE',
          status: 'PENDING',
          awaitingActionFrom: 'CLIENT',
          errors: [{ code: 'EDD_DOCUMENTATION_REQUIRED', description: 'documents are required' }],
        },
        { type: 'MEMBERS', status: 'PENDING', errors: [] },
      ],
    });
  });

  it('§4.11 an item of an unexpected shape costs that item, never the identity', () => {
    const identity = identityOf(
      wireIdentity('sd-2', {
        status_details: {
          active_controls: [
            { id: 'no-type' },
            'not an object',
            { id: 'c', type: 'FROZEN', set_by: 'SET_BY_PAXOS', created_at: '2026-01-01T00:00:00Z' },
          ],
          requirements: [
            { status: 'PENDING', errors: [] },
            { type: 'SCREENING_CHECK', status: 'PENDING', errors: [{ description: 'no code' }, 42, { code: 'X' }] },
            null,
          ],
        },
      }),
    );
    expect(identity.summaryStatus).to.equal('PENDING');
    expect(identity.statusDetails).to.deep.equal({
      activeControls: [{ id: 'c', type: 'FROZEN', setBy: 'SET_BY_PAXOS', createdAt: '2026-01-01T00:00:00Z' }],
      requirements: [{ type: 'SCREENING_CHECK', status: 'PENDING', errors: [{ code: 'X', description: '' }] }],
    });
    // Lists of the wrong type read as empty.
    expect(identityOf(wireIdentity('sd-3', { status_details: { requirements: 'none' } })).statusDetails).to.deep.equal({
      activeControls: [],
      requirements: [],
    });
  });

  it('§4.11 a status_details that is not an object is refused by decoding; an absent one stays absent', () => {
    expect(decode(IdentityDto, wireIdentity('sd-4', { status_details: [1] })).ok).to.equal(false);
    expect(identityOf(wireIdentity('sd-5')).statusDetails).to.equal(undefined);
  });

  it('§4.11 a __proto__ key inside status_details touches no prototype', () => {
    const text = JSON.stringify(wireIdentity('sd-6', { status_details: { requirements: [] } })).replace(
      '"requirements":[]',
      '"requirements":[],"__proto__":{"polluted":true},"active_controls":[{"__proto__":{"id":"x"},"type":"FROZEN"}]',
    );
    const dto = decodeJsonText(IdentityDto, text);
    expect(dto).not.to.equal(undefined);
    const mapped = toIdentity(dto as IdentityDto);
    expect(mapped.ok).to.equal(true);
    expect(mapped.ok && mapped.value.statusDetails).to.deep.equal({ activeControls: [], requirements: [] });
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('§4.11 an identity printed as Paxos returns it carries status and status_details as they came', () => {
    const statusDetails = {
      active_controls: [
        {
          id: 'c-9',
          type: 'DORMANT',
          set_by: 'SET_BY_CLIENT',
          is_overridable: true,
          reason_code: 'INACTIVITY',
          created_at: '2026-02-01T00:00:00Z',
        },
      ],
      requirements: [
        {
          type: 'KYC_REFRESH',
          status: 'PENDING',
          awaiting_action_from: 'CLIENT',
          errors: [{ code: 'KYC_REFRESH_REQUIRED', description: 'refresh due' }],
        },
      ],
    };
    const printed = identityToJson(
      identityOf(wireIdentity('sd-7', { status: 'DISABLED', status_details: statusDetails })),
    );
    expect(printed['status']).to.equal('DISABLED');
    expect(printed['status_details']).to.deep.equal(statusDetails);
  });
});
