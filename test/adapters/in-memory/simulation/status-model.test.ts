import { expect } from 'chai';
import { Identity, type IdentityProps } from '../../../../src/index.js';
import { deriveSummaryStatus, statusDetailsOf } from '../../../../src/adapters/in-memory/simulation/status-model.js';

const AT = '2026-01-01T00:00:00.000000Z';

function person(sub: { id?: string; sanctions?: string; screening?: string }, more: Partial<IdentityProps> = {}) {
  return Identity.rehydrate({
    id: 'p',
    type: 'PERSON',
    summaryStatus: 'PENDING',
    person: {
      firstName: 'A',
      lastName: 'B',
      idVerificationStatus: sub.id ?? 'APPROVED',
      sanctionsVerificationStatus: sub.sanctions ?? 'APPROVED',
      additionalScreeningStatus: sub.screening ?? 'PENDING',
    },
    createdAt: AT,
    updatedAt: AT,
    ...more,
  });
}

function institution(sub: { sanctions?: string; documents?: string; screening?: string }, members: string[]) {
  return Identity.rehydrate({
    id: 'i',
    type: 'INSTITUTION',
    summaryStatus: 'PENDING',
    institution: {
      name: 'X',
      sanctionsVerificationStatus: sub.sanctions ?? 'APPROVED',
      documentVerificationStatus: sub.documents ?? 'PENDING',
      additionalScreeningStatus: sub.screening ?? 'PENDING',
    },
    institutionMembers: members.map((identityId) => ({ identityId, roles: ['BENEFICIAL_OWNER'] })),
    createdAt: AT,
    updatedAt: AT,
  });
}

const statuses: Record<string, string> = { ok: 'APPROVED', waiting: 'PENDING', no: 'DENIED' };
const memberStatus = (id: string) => statuses[id];

describe('simulation: the status model (identity-api.md §3.5, §8.1, §8.2, §8.6)', () => {
  const cases: [string, Identity, Parameters<typeof deriveSummaryStatus>[2], string][] = [
    ['§3.5 a person with id verification and sanctions APPROVED', person({}), {}, 'APPROVED'],
    ['§8.2 a person whose sanctions screening runs', person({ sanctions: 'PENDING' }), {}, 'PENDING'],
    ['§8.2 a possible sanctions hit in review (ERROR)', person({ sanctions: 'ERROR' }), {}, 'PENDING'],
    ['§8.2 additional screening in review (ERROR)', person({ screening: 'ERROR' }), {}, 'PENDING'],
    ['§8.2 a DENIED passthrough verification', person({ id: 'DENIED', sanctions: 'PENDING' }), {}, 'DENIED'],
    ['§8.6 EDD documents pending, never approved', person({}), { documentsPending: true }, 'PENDING'],
    ['§8.6 EDD started on an approved identity', person({}), { documentsPending: true, wasApproved: true }, 'APPROVED'],
    [
      '§8.1 disabled, never approved, checks pending',
      person({ sanctions: 'PENDING' }, { userDisabled: true }),
      {},
      'PENDING',
    ],
    ['§8.1 disabled, checks passed', person({}, { userDisabled: true }), {}, 'DISABLED'],
    [
      '§8.1 admin-disabled after approval',
      person({ sanctions: 'PENDING' }, { adminDisabled: true }),
      { wasApproved: true },
      'DISABLED',
    ],
    ['§8.1 disabled and denied, never approved', person({ id: 'DENIED' }, { userDisabled: true }), {}, 'DENIED'],
    ['§3.5 an institution: sanctions APPROVED, members APPROVED', institution({}, ['ok']), {}, 'APPROVED'],
    ['§3.5 an institution: a member PENDING', institution({}, ['ok', 'waiting']), {}, 'PENDING'],
    ['§3.5 an institution: a member DENIED', institution({}, ['no']), {}, 'PENDING'],
    [
      '§9 an institution: sanctions PENDING (the default)',
      institution({ sanctions: 'PENDING' }, ['ok']),
      {},
      'PENDING',
    ],
    ['§8.2 an institution: documents in review (ERROR)', institution({ documents: 'ERROR' }, ['ok']), {}, 'PENDING'],
    ['§8.2 an institution: documents DENIED', institution({ documents: 'DENIED' }, ['ok']), {}, 'DENIED'],
  ];
  for (const [title, identity, context, expected] of cases) {
    it(`${title} → ${expected}`, () => {
      expect(deriveSummaryStatus(identity, memberStatus, context)).to.equal(expected);
    });
  }

  it('§4.11 status_details names one requirement per check that holds the identity back, and none when approved', () => {
    const of = (identity: Identity, documentsPending = false) =>
      statusDetailsOf(identity, { memberStatus, documentsPending }).requirements.map((r) => [
        r.type,
        r.status,
        r.awaitingActionFrom,
        r.errors.map((e) => e.code).join(),
      ]);
    expect(statusDetailsOf(person({}), { memberStatus })).to.deep.equal({ activeControls: [], requirements: [] });
    expect(of(person({ id: 'PENDING', sanctions: 'PENDING' }))).to.deep.equal([
      ['ID_VERIFICATION', 'PENDING', 'CLIENT', 'IDENTITY_VERIFICATION_REQUIRED'],
      ['SCREENING_CHECK', 'PENDING', 'PAXOS', 'SCREENING_IN_PROGRESS'],
    ]);
    expect(of(person({ id: 'DENIED', sanctions: 'DENIED', screening: 'ERROR' }))).to.deep.equal([
      ['ID_VERIFICATION', 'FAILED', undefined, 'IDENTITY_VERIFICATION_FAILED'],
      ['SCREENING_CHECK', 'FAILED', undefined, 'SCREENING_FAILED'],
      ['COMPLIANCE_CHECK', 'PENDING', 'PAXOS', 'COMPLIANCE_REVIEW_REQUIRED'],
    ]);
    expect(of(person({}), true)).to.deep.equal([
      ['ENHANCED_DUE_DILIGENCE', 'PENDING', 'CLIENT', 'EDD_DOCUMENTATION_REQUIRED'],
    ]);
    expect(of(institution({ documents: 'DENIED' }, ['ok', 'waiting']))).to.deep.equal([
      ['DOCUMENT_VERIFICATION', 'FAILED', undefined, 'DOCUMENT_VERIFICATION_FAILED'],
      ['MEMBERS', 'PENDING', undefined, 'MEMBER_VERIFICATION_PENDING'],
    ]);
    expect(of(institution({ documents: 'ERROR' }, ['no']))).to.deep.equal([
      ['DOCUMENT_VERIFICATION', 'PENDING', 'PAXOS', 'COMPLIANCE_REVIEW_REQUIRED'],
      ['MEMBERS', 'FAILED', undefined, 'MEMBER_VERIFICATION_FAILED'],
    ]);
  });
});
