import { expect } from 'chai';
import { INSTITUTION_ROLE_TYPES, rolesAllowedFor } from '../../../src/gateways.js';
import { aPerson, anInstitution } from '../../support/builders.js';
import { accept, anInstitutionWithRoles, aTrust, expectViolation, expectViolations } from '../../support/domain.js';
import { expectWarning, warningPairs } from './warnings.js';

const withMembers = (institutionMembers: unknown) => ({
  ...anInstitution(['member-1']),
  institutionMembers: institutionMembers as never,
});
const member = (changes: Record<string, unknown>) =>
  withMembers([{ identityId: 'member-1', roles: ['BENEFICIAL_OWNER'], ...changes }]);

describe('Institution members', () => {
  it('keeps identity id, roles, ownership and position', () => {
    const identity = accept(
      member({ roles: ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'], ownership: '60', position: 'CEO' }),
    );
    expect(identity.institutionMembers).to.deep.equal([
      {
        identityId: 'member-1',
        roles: ['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'],
        ownership: '60',
        position: 'CEO',
      },
    ]);
  });

  describe('at least one', () => {
    it('accepts several members', () => {
      expect(accept(anInstitution(['member-1', 'member-2', 'member-3'])).institutionMembers).to.have.length(3);
    });

    it('rejects an institution without members', () => {
      const command = anInstitution(['member-1']);
      delete command.institutionMembers;
      expectViolation(command, 'institutionMembers', 'required');
      expectViolation(withMembers([]), 'institutionMembers', 'min_items');
    });

    it('§3.7 sends the same identity listed twice, with a warning (Paxos documents no rule against it)', () => {
      expectWarning(
        withMembers([
          { identityId: 'member-1', roles: ['BENEFICIAL_OWNER'] },
          { identityId: 'member-1', roles: ['MANAGEMENT_CONTROL_PERSON'] },
        ]),
        'institutionMembers',
        'duplicate',
      );
    });
  });

  describe('roles per institution type', () => {
    it('publishes the grid', () => {
      expect(rolesAllowedFor('TRUST')).to.have.members(['TRUSTEE', 'GRANTOR', 'BENEFICIARY']);
      for (const type of ['CORPORATION', 'LLC', 'PARTNERSHIP']) {
        expect(rolesAllowedFor(type)).to.have.members([
          'BENEFICIAL_OWNER',
          'AUTHORIZED_USER',
          'MANAGEMENT_CONTROL_PERSON',
        ]);
      }
      expect(rolesAllowedFor('SOLE_PROPRIETORSHIP')).to.equal(undefined);
    });

    it('TRUST: accepts TRUSTEE, GRANTOR and BENEFICIARY', () => {
      expect(accept(aTrust()).institutionMembers?.[0]?.roles).to.deep.equal(['TRUSTEE']);
      expect(
        accept({
          ...aTrust(),
          institutionMembers: [{ identityId: 'member-1', roles: ['TRUSTEE', 'GRANTOR', 'BENEFICIARY'] }],
        }).institutionMembers?.[0]?.roles,
      ).to.have.length(3);
    });

    it('TRUST: rejects every other role, BENEFICIAL_OWNER included', () => {
      for (const role of INSTITUTION_ROLE_TYPES.filter((r) => !['TRUSTEE', 'GRANTOR', 'BENEFICIARY'].includes(r))) {
        expectViolation(
          { ...aTrust(), institutionMembers: [{ identityId: 'member-1', roles: ['TRUSTEE', role] }] },
          'institutionMembers[0].roles[1]',
          'forbidden',
        );
      }
    });

    for (const institutionType of ['CORPORATION', 'LLC', 'PARTNERSHIP'] as const) {
      it(`${institutionType}: accepts BENEFICIAL_OWNER, AUTHORIZED_USER and MANAGEMENT_CONTROL_PERSON`, () => {
        const command = anInstitutionWithRoles(['BENEFICIAL_OWNER', 'AUTHORIZED_USER', 'MANAGEMENT_CONTROL_PERSON'], {
          institutionType,
        });
        expect(accept(command).institutionMembers?.[0]?.roles).to.have.length(3);
      });

      it(`§6.5 ${institutionType}: sends trust roles, ACCOUNT_OPENER and SOLE_PROPRIETOR with a warning (the grid lists, it does not exclude)`, () => {
        for (const role of ['TRUSTEE', 'GRANTOR', 'BENEFICIARY', 'ACCOUNT_OPENER', 'SOLE_PROPRIETOR'] as const) {
          const identity = expectWarning(
            anInstitutionWithRoles(['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON', role], { institutionType }),
            'institutionMembers[0].roles[2]',
            'unexpected',
          );
          expect(identity.institutionMembers?.[0]?.roles).to.include(role);
        }
      });

      it(`§6.5 ${institutionType}: warns when no member is a BENEFICIAL_OWNER or a MANAGEMENT_CONTROL_PERSON`, () => {
        expectWarning(
          anInstitutionWithRoles(['AUTHORIZED_USER'], { institutionType }),
          'institutionMembers',
          'required',
        );
        expect(
          warningPairs(
            accept(anInstitutionWithRoles(['BENEFICIAL_OWNER', 'MANAGEMENT_CONTROL_PERSON'], { institutionType })),
          ),
        ).to.deep.equal([]);
      });
    }

    it('§4.7 rejects a role that does not exist and roles that are no list', () => {
      expectViolation(member({ roles: ['MANAGEMENT'] }), 'institutionMembers[0].roles[0]', 'enum');
      expectViolation(member({ roles: 'BENEFICIAL_OWNER' }), 'institutionMembers[0].roles', 'type');
    });

    it('§4.7 sends a member without roles (the schema requires only identity_id), with a warning', () => {
      for (const roles of [[], undefined]) {
        const identity = expectWarning(member({ roles }), 'institutionMembers[0].roles', 'required');
        expect(identity.institutionMembers?.[0]?.roles).to.deep.equal([]);
      }
    });

    it('§6.5 TRUST: refuses a trust none of whose members holds TRUSTEE, GRANTOR or BENEFICIARY', () => {
      expectViolation(
        { ...aTrust(), institutionMembers: [{ identityId: 'member-1', roles: [] }] },
        'institutionMembers',
        'required',
      );
      expect(
        accept({
          ...aTrust(),
          institutionMembers: [
            { identityId: 'member-1', roles: [] },
            { identityId: 'member-2', roles: ['GRANTOR'] },
          ],
        }).institutionMembers,
      ).to.have.length(2);
    });
  });

  describe('ownership', () => {
    it('accepts a decimal percentage from 0 to 100, as a string or a number', () => {
      for (const ownership of ['0', '5', '25', '12.5', '99.9999', '100', '100.0']) {
        expect(accept(member({ ownership })).institutionMembers?.[0]?.ownership).to.equal(ownership);
      }
      expect(accept(member({ ownership: 33.5 })).institutionMembers?.[0]?.ownership).to.equal('33.5');
    });

    it("§4.7 rejects text that is not Paxos's decimal format", () => {
      for (const ownership of ['1e2', '25%', 'abc', '', ' 25', '1,5']) {
        expectViolation(member({ ownership }), 'institutionMembers[0].ownership', 'format');
      }
    });

    it('§4.7 sends decimals outside 0–100 with a warning (Paxos documents no range)', () => {
      for (const ownership of ['-1', '100.01', '101', -5, 150]) {
        expectWarning(member({ ownership }), 'institutionMembers[0].ownership', 'range');
      }
      expect(accept(member({ ownership: '.5' })).institutionMembers?.[0]?.ownership).to.equal('.5');
    });

    it('rejects other types', () => {
      for (const ownership of [true, null, [], {}, Number.NaN]) {
        expectViolation(member({ ownership }), 'institutionMembers[0].ownership', 'type');
      }
    });
  });

  describe('identityId', () => {
    it('is required', () => {
      expectViolation(withMembers([{ roles: ['BENEFICIAL_OWNER'] }]), 'institutionMembers[0].identityId', 'required');
    });

    it('must look like an identity id', () => {
      expectViolation(member({ identityId: '../../admin' }), 'institutionMembers[0].identityId', 'pattern');
      expectViolation(member({ identityId: 'x'.repeat(65) }), 'institutionMembers[0].identityId', 'max_length');
    });
  });

  it("reports each member's problems at its own index", () => {
    expectViolations(
      withMembers([
        { identityId: 'member-1', roles: ['BENEFICIAL_OWNER'] },
        { identityId: 'member-2', roles: ['OWNER'], ownership: '12%' },
        'member-3',
      ]),
      [
        ['institutionMembers[1].roles[0]', 'enum'],
        ['institutionMembers[1].ownership', 'format'],
        ['institutionMembers[2]', 'type'],
      ],
    );
  });

  it('are refused on a PERSON', () => {
    accept(aPerson().build());
    expectViolation(
      { ...aPerson().build(), institutionMembers: [{ identityId: 'member-1', roles: ['BENEFICIAL_OWNER'] }] },
      'institutionMembers',
      'forbidden',
    );
  });
});
