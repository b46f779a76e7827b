import { at, type ViolationList } from '../shared/violations.js';
import type { Address } from './address.js';
import type { CustomerDueDiligence } from './customer-due-diligence.js';
import { OPERATING_COMPANY_TYPES, type InstitutionDetails } from './institution.js';
import type { PersonDetails } from './person.js';

/**
 * Which of Paxos's onboarding requirements that its schema leaves optional the library refuses to send without.
 * Paxos says these depend on the licensing arrangement (API reference §6.2), and its own create example sends none of
 * the due-diligence answers, so by default they are not checked; a profile makes them refusals.
 *
 * @example
 * ```ts
 * createIdentityService({ adapter: 'in-memory', rules: { customerDueDiligence: 'required', passthrough: 'strict' } });
 * ```
 */
export interface IdentityRules {
  /**
   * `'required'`: a person needs the five due-diligence answers of Paxos's required details (§6.2), a corporation,
   * LLC or partnership the five of §6.4, and every address in a country with postal codes its `zipCode` (SPEC26).
   * `'optional'` (default): none of these is checked.
   */
  readonly customerDueDiligence?: 'optional' | 'required';
  /**
   * `'strict'`: a PASSTHROUGH verification needs all five fields of Paxos's onboarding guide (§6.3): verifier type,
   * verified at, verification id, status and fields. `'basic'` (default): only the verifier type and the time are
   * required (Paxos's own create example sends just those).
   */
  readonly passthrough?: 'basic' | 'strict';
}

/** The rules a service uses unless told otherwise: what Paxos's schema and documented rules require, no more. */
export const DEFAULT_IDENTITY_RULES: Required<IdentityRules> = Object.freeze({
  customerDueDiligence: 'optional',
  passthrough: 'basic',
});

const CDD_CHOICES: readonly string[] = ['optional', 'required'];
const PASSTHROUGH_CHOICES: readonly string[] = ['basic', 'strict'];
const KNOWN_RULES: ReadonlySet<string> = new Set(['customerDueDiligence', 'passthrough']);
/**
 * What this function returned: checked and frozen, so taken as is. A service hands its resolved rules to every create,
 * and checking them again each time cost as much as a field of the command.
 */
const RESOLVED = new WeakSet<object>([DEFAULT_IDENTITY_RULES]);

/**
 * Checks a rules option (for a service's configuration); absent entries take their defaults.
 *
 * @throws {TypeError} naming the entry that is not one of its choices.
 */
export function resolveIdentityRules(rules: unknown): Required<IdentityRules> {
  if (rules === undefined || rules === DEFAULT_IDENTITY_RULES) return DEFAULT_IDENTITY_RULES;
  if (rules === null || typeof rules !== 'object') throw new TypeError('rules must be an object');
  if (RESOLVED.has(rules)) return rules as Required<IdentityRules>;
  const given = rules as { customerDueDiligence?: unknown; passthrough?: unknown };
  for (const key of Object.keys(rules))
    if (!KNOWN_RULES.has(key)) throw new TypeError(`rules.${key} is not a known rule`);
  const customerDueDiligence = given.customerDueDiligence ?? DEFAULT_IDENTITY_RULES.customerDueDiligence;
  const passthrough = given.passthrough ?? DEFAULT_IDENTITY_RULES.passthrough;
  if (typeof customerDueDiligence !== 'string' || !CDD_CHOICES.includes(customerDueDiligence))
    throw new TypeError(`rules.customerDueDiligence must be one of ${CDD_CHOICES.join(', ')}`);
  if (typeof passthrough !== 'string' || !PASSTHROUGH_CHOICES.includes(passthrough))
    throw new TypeError(`rules.passthrough must be one of ${PASSTHROUGH_CHOICES.join(', ')}`);
  const resolved = Object.freeze({
    customerDueDiligence: customerDueDiligence as 'optional' | 'required',
    passthrough: passthrough as 'basic' | 'strict',
  });
  RESOLVED.add(resolved);
  return resolved;
}

/** §6.2: the due-diligence answers Paxos Trust Company requires of a person. */
const PERSON_CDD = [
  'estimatedYearlyIncome',
  'expectedTransferValue',
  'sourceOfWealth',
  'employmentStatus',
  'employmentIndustrySector',
] as const;

/** §6.4: the due-diligence answers required of a corporation, an LLC or a partnership (best effort for trusts). */
const INSTITUTION_CDD = [
  'sourceOfWealth',
  'sourceOfFunds',
  'industrySector',
  'hasUnderlyingTrustStructure',
  'hasNomineeShareholders',
] as const;

/** §6.3: the passthrough fields of the onboarding guide beyond the two always required. */
const PASSTHROUGH_EXTRA = [
  'passthroughVerificationId',
  'passthroughVerificationStatus',
  'passthroughVerificationFields',
] as const;

/**
 * Countries whose postal system is long established and nationwide, where SPEC26's "zip_code is required for countries
 * that have postal codes" surely applies. Paxos publishes no list; a country missing here is never refused for a
 * missing zipCode, which errs on the side of sending.
 */
const POSTAL_CODE_COUNTRIES: ReadonlySet<string> = new Set(
  `ARG AUS AUT BEL BGR BRA CAN CHE CHL CHN COL CZE DEU DNK ESP EST FIN FRA GBR GRC HRV HUN IND IDN IRL ISL ISR ITA
   JPN KOR LTU LUX LVA MEX MYS NLD NOR NZL PER PHL POL PRT ROU RUS SGP SVK SVN SWE THA TUR TWN UKR USA VNM ZAF`.split(
    /\s+/,
  ),
);

/** What the profiles look at in a create command that passed its own checks. */
export interface ProfileSubject {
  readonly person: PersonDetails | undefined;
  readonly institution: InstitutionDetails | undefined;
  /** The checked answers; undefined when none were given. */
  readonly customerDueDiligence: CustomerDueDiligence | undefined;
}

function missingOf<K extends string>(object: object | undefined, names: readonly K[]): K[] {
  const record = (object ?? {}) as Partial<Record<K, unknown>>;
  return names.filter((name) => {
    const value = record[name];
    return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  });
}

function report(v: ViolationList, parent: string, missing: readonly string[], why: string, option: string): void {
  for (const name of missing) v.add(at(parent, name), 'required', `is required ${why} (rules.${option})`);
}

/** Runs the rules of the profiles `rules` turns on, on a command whose own checks passed. */
export function checkProfiles(v: ViolationList, subject: ProfileSubject, rules: Required<IdentityRules>): void {
  const { person, institution } = subject;
  const cdd = subject.customerDueDiligence;
  if (person !== undefined && person.verifierType === 'PASSTHROUGH' && rules.passthrough === 'strict')
    report(v, 'person', missingOf(person, PASSTHROUGH_EXTRA), 'for a PASSTHROUGH verification', 'passthrough');
  if (rules.customerDueDiligence !== 'required') return;
  const option = 'customerDueDiligence';
  if (person !== undefined) {
    report(v, 'customerDueDiligence', missingOf(cdd, PERSON_CDD), 'for a person', option);
    checkZip(v, 'person.address', person.address);
  }
  if (institution !== undefined) {
    const type = institution.institutionType;
    if (type !== undefined && OPERATING_COMPANY_TYPES.includes(type))
      report(v, 'customerDueDiligence', missingOf(cdd, INSTITUTION_CDD), `for a ${type}`, option);
    checkZip(v, 'institution.businessAddress', institution.businessAddress);
    checkZip(v, 'institution.incorporationAddress', institution.incorporationAddress);
  }
}

function checkZip(v: ViolationList, path: string, address: Address | undefined): void {
  if (address === undefined || !POSTAL_CODE_COUNTRIES.has(address.country)) return;
  if (address.zipCode !== undefined && address.zipCode !== '') return;
  report(v, path, ['zipCode'], 'in a country with postal codes', 'customerDueDiligence');
}
