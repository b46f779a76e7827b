/**
 * The rules Paxos documents that its schema cannot say, written from the Identity API reference
 * (identity-api.md; each rule names its section) on Paxos's wire JSON. Like schemas.ts this is the emulator's judge
 * and imports nothing of the library's domain: the library's own rules are what the emulator checks, not what it uses.
 *
 * Where the documents conflict or leave a rule to the "licensing arrangement" (§6.2), the emulator takes the reading
 * that refuses least, so that it never refuses what Paxos would accept; each such choice is said where it is made.
 */
import { isCalendarDate, isWireObject, type IssueCode, type WireIssue, type WireObject } from './schemas.js';

/**
 * §4.4, §6.7: the schema's pattern for `nationality`, and the shape the reference describes for `cip_id_country` and
 * `tax_payer_country`. Not the list of assigned ISO codes: verifiers use user-assigned codes such as XKX (Kosovo),
 * and Paxos documents no list, so the reading that refuses least is the pattern.
 */
const COUNTRY_SHAPE = /^[A-Z]{3}$/;

/** What the rules need to know about other identities of the same API user. */
export interface RuleContext {
  /** The type (`PERSON`, `INSTITUTION`) of an identity of this API user, or undefined when there is none. */
  readonly typeOf: (identityId: string) => string | undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

class Issues {
  readonly items: WireIssue[] = [];

  add(path: string, code: IssueCode, message: string, stateful = false): void {
    if (this.items.some((i) => i.path === path)) return;
    this.items.push({ path, code, message: `${path}: ${message}`, ...(stateful && { stateful }) });
  }

  requireAll(object: WireObject, at: string, keys: readonly string[], why: string): void {
    for (const key of keys) if (!present(object[key])) this.add(`${at}.${key}`, 'required', `is required ${why}`);
  }
}

/** US tax CIP ids, for which Paxos fills `tax_details` itself (§6.4, §6.6). */
const TAX_CIP_TYPES = ['SSN', 'ITIN', 'EIN'];

/** The documented shapes of US CIP ids (§4.4): SSN and ITIN `xxx-xx-xxxx`, EIN `xx-xxxxxxx`. */
const CIP_SHAPES: Readonly<Record<string, { pattern: RegExp; shape: string }>> = {
  SSN: { pattern: /^\d{3}-\d{2}-\d{4}$/, shape: 'xxx-xx-xxxx' },
  ITIN: { pattern: /^\d{3}-\d{2}-\d{4}$/, shape: 'xxx-xx-xxxx' },
  EIN: { pattern: /^\d{2}-\d{7}$/, shape: 'xx-xxxxxxx' },
};

/** Businesses Paxos does not onboard (§5, InstitutionSubType note; RANSOMWARE left the enum). */
const PROHIBITED_SUB_TYPES = ['ADULT_ENTERTAINMENT', 'DRUGS', 'SHELL_BANK', 'WEAPONS'];

/** Institution types that operate a business (§6.4, §6.5). */
const OPERATING_TYPES = ['CORPORATION', 'LLC', 'PARTNERSHIP'];

/**
 * Member roles refused by institution type (§6.5, changelog 2025-10-27). Only the trust row says "only"; the rows of
 * corporations, LLCs and partnerships list the roles they use without excluding others (ACCOUNT_OPENER is in no row),
 * so they refuse nothing. Types not listed have no documented grid.
 */
const ROLES_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  TRUST: ['TRUSTEE', 'GRANTOR', 'BENEFICIARY'],
};

function checkCountry(issues: Issues, value: unknown, path: string): void {
  const code = text(value);
  // §4.4, §4.8, §6.7: nationality, cip_id_country and tax_payer_country are ISO 3166-1 alpha-3 codes.
  if (code !== undefined && !COUNTRY_SHAPE.test(code))
    issues.add(path, 'country', 'must be an ISO 3166-1 alpha-3 country code (three capital letters)');
}

function checkCip(issues: Issues, details: WireObject, at: string): void {
  const type = text(details['cip_id_type']);
  const cipId = text(details['cip_id']);
  const shape = type === undefined ? undefined : CIP_SHAPES[type];
  if (shape !== undefined && cipId !== undefined && !shape.pattern.test(cipId))
    issues.add(`${at}.cip_id`, 'format', `must be formatted ${shape.shape} for ${type ?? ''}`);
  checkCountry(issues, details['cip_id_country'], `${at}.cip_id_country`);
}

function checkPerson(issues: Issues, given: WireObject): void {
  const at = 'person_details';
  // §4.4: govt_id / govt_id_type are deprecated names of cip_id / cip_id_type; they stand in for them, or must match.
  for (const [echo, name] of [
    ['govt_id', 'cip_id'],
    ['govt_id_type', 'cip_id_type'],
  ] as const) {
    if (given[echo] !== undefined && given[name] !== undefined && given[echo] !== given[name])
      issues.add(`${at}.${echo}`, 'conflict', `is a deprecated alias of ${name} and must match it`);
  }
  // Copied only when a deprecated name stands in: a body with the current names is read as it is.
  const person: WireObject =
    given['govt_id'] === undefined && given['govt_id_type'] === undefined
      ? given
      : {
          ...given,
          cip_id: given['cip_id'] ?? given['govt_id'],
          cip_id_type: given['cip_id_type'] ?? given['govt_id_type'],
        };
  // §6.2: the person fields Paxos Trust Company requires. The due-diligence answers of the same page are left out:
  // §6.2 says the required details depend on the licensing arrangement, and Paxos's own create example has none.
  issues.requireAll(
    person,
    at,
    ['first_name', 'last_name', 'date_of_birth', 'address', 'nationality', 'cip_id', 'cip_id_type', 'cip_id_country'],
    'for a person (Paxos: required details)',
  );
  const dob = text(person['date_of_birth']);
  const m = dob === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob);
  // §4.4, §6.7: a date of birth is a date; the schema's pattern only checks its shape.
  if (m !== null && !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])))
    issues.add(`${at}.date_of_birth`, 'format', 'must be a real calendar date formatted YYYY-MM-DD');
  checkCountry(issues, person['nationality'], `${at}.nationality`);
  checkCip(issues, person, at);
  const verifierType = text(person['verifier_type']);
  // §6.3 (SPEC26): verifier_id must not be sent for PASSTHROUGH, PAXOS or MANUAL, which are all the verifier types.
  if (present(person['verifier_id']) && verifierType !== undefined)
    issues.add(`${at}.verifier_id`, 'forbidden', `must not be set when verifier_type is ${verifierType}`);
  if (verifierType === 'PASSTHROUGH') {
    // §6.3: SPEC26 requires passthrough_verified_at; the docs ask for all five passthrough fields but Paxos's own
    // create example sends only the verifier type and the time, so those two are what is required.
    issues.requireAll(
      person,
      at,
      ['passthrough_verifier_type', 'passthrough_verified_at'],
      'when verifier_type is PASSTHROUGH',
    );
  }
  const status = text(person['passthrough_verification_status']);
  // §6.3: only APPROVED or DENIED may be reported for a passthrough verification.
  if (status !== undefined && status !== 'APPROVED' && status !== 'DENIED')
    issues.add(`${at}.passthrough_verification_status`, 'enum', 'must be APPROVED or DENIED');
  const address = isWireObject(person['address']) ? person['address'] : undefined;
  const type = text(person['cip_id_type']);
  // §6.2: US residents identify with an SSN or ITIN.
  if (text(address?.['country']) === 'USA' && type !== undefined && type !== 'SSN' && type !== 'ITIN')
    issues.add(`${at}.cip_id_type`, 'forbidden', 'must be SSN or ITIN for a US resident (address.country USA)');
}

function checkInstitution(issues: Issues, institution: WireObject): void {
  const at = 'institution_details';
  // §6.4: what every institution needs.
  issues.requireAll(
    institution,
    at,
    [
      'name',
      'business_address',
      'institution_type',
      'institution_sub_type',
      'cip_id',
      'cip_id_type',
      'cip_id_country',
      'govt_registration_date',
    ],
    'for an institution (Paxos: required details)',
  );
  checkCip(issues, institution, at);
  const type = text(institution['institution_type']);
  const subType = text(institution['institution_sub_type']);
  if (subType !== undefined && PROHIBITED_SUB_TYPES.includes(subType))
    issues.add(`${at}.institution_sub_type`, 'prohibited', 'names a business Paxos does not onboard');
  const operating = type !== undefined && OPERATING_TYPES.includes(type);
  if (operating || subType === 'REGISTERED_INVESTMENT_ADVISOR') {
    // §6.4: corporations, LLCs, partnerships and RIAs.
    issues.requireAll(
      institution,
      at,
      ['incorporation_address', 'regulation_status', 'trading_type'],
      `for a ${type === undefined || !operating ? 'registered investment advisor' : type}`,
    );
  }
  if (operating) issues.requireAll(institution, at, ['business_description'], `for a ${type}`);
  if (type === 'TRUST') {
    // §6.4: a trust is of sub type INVESTMENT, and needs an incorporation address unless identified by SSN or ITIN.
    if (subType !== undefined && subType !== 'INVESTMENT')
      issues.add(`${at}.institution_sub_type`, 'forbidden', 'must be INVESTMENT when institution_type is TRUST');
    const cipType = text(institution['cip_id_type']);
    if (cipType !== undefined && cipType !== 'SSN' && cipType !== 'ITIN')
      issues.requireAll(institution, at, ['incorporation_address'], 'for a trust not identified by SSN or ITIN');
  }
  checkRegulation(issues, institution, at);
}

/** §6.4: regulation_status × trading_type → the extra fields required, and the one combination not allowed. */
function checkRegulation(issues: Issues, institution: WireObject, at: string): void {
  const regulation = text(institution['regulation_status']);
  const trading = text(institution['trading_type']);
  if (regulation === undefined || trading === undefined) return;
  const regulated = regulation === 'US_REGULATED' || regulation === 'INTL_REGULATED';
  if (regulation === 'NON_REGULATED' && trading === 'PUBLICLY_TRADED_SUBSIDIARY') {
    issues.add(`${at}.trading_type`, 'forbidden', 'must not be PUBLICLY_TRADED_SUBSIDIARY when NON_REGULATED');
    return;
  }
  const needed: string[] = [];
  if (trading === 'PUBLIC' || trading === 'PUBLICLY_TRADED_SUBSIDIARY') needed.push('listed_exchange', 'ticker_symbol');
  if (trading === 'PUBLICLY_TRADED_SUBSIDIARY') needed.push('parent_institution_name');
  if (regulated) needed.push('regulator_name', 'regulator_jurisdiction', 'regulator_register_number');
  issues.requireAll(institution, at, needed, `when regulation_status is ${regulation} and trading_type is ${trading}`);
}

/**
 * §3.7, §6.5: members are existing PERSON identities of the same API user, without an `id` of their own (Paxos sets
 * it), holding only the roles their institution type allows.
 */
function checkMembers(
  issues: Issues,
  members: unknown,
  at: string,
  institutionType: string | undefined,
  ctx: RuleContext,
): void {
  if (!Array.isArray(members)) return;
  const allowed = institutionType === undefined ? undefined : ROLES_BY_TYPE[institutionType];
  members.forEach((member: unknown, i) => {
    if (!isWireObject(member)) return;
    const path = `${at}[${i}]`;
    if (member['id'] !== undefined)
      issues.add(`${path}.id`, 'forbidden', 'is set by Paxos: specifying an institution member id is a client error');
    const identityId = text(member['identity_id']);
    if (identityId !== undefined && ctx.typeOf(identityId) !== 'PERSON')
      issues.add(`${path}.identity_id`, 'not_found', 'must be an existing PERSON identity of the same API user', true);
    const roles = member['roles'];
    if (allowed === undefined || !Array.isArray(roles)) return;
    roles.forEach((role: unknown, r) => {
      if (typeof role === 'string' && !allowed.includes(role))
        issues.add(
          `${path}.roles[${r}]`,
          'forbidden',
          `is not a role a ${institutionType ?? ''} member may hold (allowed: ${allowed.join(', ')})`,
        );
    });
  });
}

/** §6.6 (and §4.2): tax details are given, derived from a US tax CIP id, or stated not required (never for USA). */
function checkTax(issues: Issues, body: WireObject, details: WireObject | undefined, notRequiredKey: string): void {
  const notRequired = body[notRequiredKey] === true;
  const cipCountry = text(details?.['cip_id_country']);
  if (notRequired && cipCountry === 'USA')
    issues.add(notRequiredKey, 'forbidden', `must not be true when cip_id_country is USA`);
  const taxDetails = body['tax_details'];
  if (Array.isArray(taxDetails)) {
    taxDetails.forEach((detail: unknown, i) => {
      if (isWireObject(detail))
        checkCountry(issues, detail['tax_payer_country'], `tax_details[${i}].tax_payer_country`);
    });
  }
  const given = Array.isArray(taxDetails) && taxDetails.length > 0;
  const cipType = text(details?.['cip_id_type']);
  if (!notRequired && !given && cipType !== undefined && !TAX_CIP_TYPES.includes(cipType))
    issues.add(
      'tax_details',
      'required',
      `are required unless ${notRequiredKey} is true or the CIP id is an SSN, ITIN or EIN`,
    );
}

/** The cross-field rules of `POST /identity/identities` on a body Paxos's schema accepted (§3.1, §6). */
export function createRules(body: WireObject, ctx: RuleContext): WireIssue[] {
  const issues = new Issues();
  const person = isWireObject(body['person_details']) ? body['person_details'] : undefined;
  const institution = isWireObject(body['institution_details']) ? body['institution_details'] : undefined;
  // §3.1: the request has no type; it is a person or an institution by which details it carries.
  if (body['person_details'] !== undefined && body['institution_details'] !== undefined) {
    issues.add('institution_details', 'conflict', 'must not be given together with person_details');
  } else if (body['person_details'] === undefined && body['institution_details'] === undefined) {
    issues.add('person_details', 'required', 'one of person_details or institution_details is required');
  }
  if (person !== undefined && institution === undefined) {
    checkPerson(issues, person);
    if (body['institution_members'] !== undefined)
      issues.add('institution_members', 'forbidden', 'is only allowed for an institution');
  }
  if (institution !== undefined && person === undefined) {
    checkInstitution(issues, institution);
    const members = body['institution_members'];
    // §4.2 (SPEC26), §6.5: at least one member when creating an institution.
    if (!Array.isArray(members) || members.length === 0)
      issues.add('institution_members', 'min_items', 'must list at least one member for an institution');
    checkMembers(issues, members, 'institution_members', text(institution['institution_type']), ctx);
    // §6.5 (changelog 2025-10-27): a trust needs at least one member holding one of the trust roles.
    const trustRoles = ROLES_BY_TYPE['TRUST'] ?? [];
    const holdsTrustRole = (member: unknown) =>
      isWireObject(member) &&
      Array.isArray(member['roles']) &&
      member['roles'].some((r: unknown) => typeof r === 'string' && trustRoles.includes(r));
    if (text(institution['institution_type']) === 'TRUST' && Array.isArray(members) && !members.some(holdsTrustRole))
      issues.add('institution_members', 'required', `must include a member holding one of ${trustRoles.join(', ')}`);
  }
  checkTax(issues, body, person ?? institution, 'tax_details_not_required');
  return issues.items;
}

/**
 * The cross-field rules of `PUT /identity/identities/{id}` (§3.4): the identity keeps its type, and the identity as it
 * will be (`merged`, the current one with the delta applied) still follows the create rules. Issues of the merged
 * identity are reported at the wire path the update body would name.
 */
export function updateRules(body: WireObject, merged: WireObject, type: string): WireIssue[] {
  const issues = new Issues();
  if (type === 'PERSON' && body['institution_details'] !== undefined)
    issues.add('institution_details', 'forbidden', 'cannot be set on a PERSON identity: its type cannot change', true);
  if (type === 'INSTITUTION' && body['person_details'] !== undefined)
    issues.add('person_details', 'forbidden', 'cannot be set on an INSTITUTION identity: its type cannot change', true);
  const details = isWireObject(merged['person_details'])
    ? merged['person_details']
    : isWireObject(merged['institution_details'])
      ? merged['institution_details']
      : undefined;
  if (type === 'PERSON' && details !== undefined) checkPerson(issues, details);
  if (type === 'INSTITUTION' && details !== undefined) checkInstitution(issues, details);
  const notRequired = body['set_tax_details_not_required'] ?? merged['tax_details_not_required'];
  checkTax(issues, { ...merged, set_tax_details_not_required: notRequired }, details, 'set_tax_details_not_required');
  return issues.items;
}

/**
 * The rules of `POST /identity/institution-members` beyond its schema (§3.7): a non-empty list, for an existing
 * institution, of members as on create.
 */
export function addMembersRules(body: WireObject, institutionType: string | undefined, ctx: RuleContext): WireIssue[] {
  const issues = new Issues();
  const members = body['members'];
  if (Array.isArray(members) && members.length === 0)
    issues.add('members', 'min_items', 'must list at least one member');
  checkMembers(issues, members, 'members', institutionType, ctx);
  return issues.items;
}
