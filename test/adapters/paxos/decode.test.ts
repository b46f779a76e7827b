import { expect } from 'chai';
import fc from 'fast-check';
import {
  decode,
  fastDecode,
  IdentityDto,
  ProblemDto,
  referenceDecode,
  TokenResponseDto,
} from '../../../src/adapters/paxos/dto/index.js';
import { wireIdentity } from './support.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A Paxos identity using every field the DTOs know, nested lists included. */
function richIdentity(): Record<string, Json> {
  return {
    ...(wireIdentity('rich-1') as Record<string, Json>),
    status: 'PENDING',
    metadata: { a: 'b', constructor: 'c', prototype: 'd' },
    user_disabled: false,
    admin_disabled: true,
    is_merchant: false,
    tax_details_not_required: false,
    summary_tin_verification_status: 'TIN_VERIFICATION_PENDING',
    last_kyc_refresh_date: '2025-01-01T00:00:00Z',
    institution_details: {
      name: 'Example LLC',
      business_address: { country: 'USA', address1: '2 Example Ave', city: 'New York', province: 'NY' },
      incorporation_address: {
        country: 'USA',
        address1: '2 Example Ave',
        address2: '',
        city: 'Dover',
        province: 'DE',
        zip_code: '19901',
      },
      institution_type: 'LLC',
      cip_id: '12-3456789',
      govt_registration_date: '2021-04-14T00:00:00Z',
      document_verification_status: 'PENDING',
    },
    institution_members: [
      {
        id: 'm-1',
        identity_id: 'p-1',
        roles: ['BENEFICIAL_OWNER'],
        ownership: '60',
        position: 'CEO',
        name: 'John Doe',
        summary_status: 'APPROVED',
      },
      { identity_id: 'p-2', roles: [] },
    ],
    customer_due_diligence: {
      aliases: ['J'],
      estimated_net_worth: 'NET_WORTH_0_TO_100K',
      has_nominee_shareholders: true,
      customer_regions: ['EUROPE', 'ASIA'],
      created_at: '2022-02-15T05:46:50Z',
    },
    status_details: { active_controls: [], requirements: [] },
    unknown_field: { x: [1, 2] },
  };
}

/** Every path to a property of `value`, objects and arrays alike. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [
    [...prefix, key],
    ...pathsOf((value as Record<string, Json>)[key] as Json, [...prefix, key]),
  ]);
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

type Mutation = {
  readonly at: number;
  readonly action: 'delete' | 'set' | 'add' | 'proto';
  readonly value: Json;
  readonly key: string;
};

function mutate(base: Json, mutations: readonly Mutation[]): Json {
  const root = clone(base);
  for (const m of mutations) {
    const paths = pathsOf(root);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length]!;
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, root) as
      Record<string, Json> | Json[];
    const last = path[path.length - 1]!;
    const target = (parent as Record<string, Json>)[last] as Json;
    if (m.action === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else Reflect.deleteProperty(parent, last);
    } else if (m.action === 'set') {
      (parent as Record<string, Json>)[last] = clone(m.value);
    } else if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      // An own `__proto__` or any other key, as JSON.parse creates them.
      Object.defineProperty(target, m.action === 'proto' ? '__proto__' : m.key, {
        value: clone(m.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return root;
}

const values: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, '', 'x', 'PENDING', 0, 1.5, true, false, [], {}, ['a'], [1], [{}], { a: 'b' }, { a: 1 }, [
    null,
  ]),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  action: fc.constantFrom<Mutation['action']>('delete', 'set', 'set', 'add', 'proto'),
  value: values,
  key: fc.constantFrom('id', 'constructor', 'prototype', 'first_name', 'x', 'roles', 'toString'),
});

describe('wire DTO decoding', () => {
  it('takes the fast path for a valid identity, and decodes it as class-validator does', () => {
    const plain = richIdentity();
    const fast = fastDecode(IdentityDto, plain);
    const reference = referenceDecode(IdentityDto, plain);

    expect(fast).to.be.instanceOf(IdentityDto);
    expect(reference.ok).to.equal(true);
    expect(fast).to.deep.equal(reference.ok && reference.value);
    expect(fast).not.to.have.property('unknown_field');
    expect(fast?.status_details).to.deep.equal({ active_controls: [], requirements: [] });
  });

  it('never accepts on the fast path what the reference rejects, nor decodes it differently (property)', () => {
    const base = richIdentity();
    let fastAccepted = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const plain = mutate(base, mutations);
        const fast = fastDecode(IdentityDto, plain);
        const reference = referenceDecode(IdentityDto, plain);
        if (fast !== undefined) {
          fastAccepted += 1;
          expect(reference.ok, JSON.stringify(plain)).to.equal(true);
          expect(fast).to.deep.equal(reference.ok && reference.value);
        }
        const decoded = decode(IdentityDto, plain);
        expect(decoded.ok).to.equal(reference.ok);
        if (!decoded.ok && !reference.ok) expect(decoded.issues).to.deep.equal(reference.issues);
      }),
      { numRuns: 1500, seed: 20260315 },
    );
    // The mutations must leave enough valid identities for the comparison to mean something.
    expect(fastAccepted).to.be.greaterThan(150);
  });

  it('decodes token responses and Problems as the reference does', () => {
    const token = { access_token: 't', expires_in: 3599, token_type: 'bearer' };
    expect(fastDecode(TokenResponseDto, token))
      .to.be.instanceOf(TokenResponseDto)
      .and.deep.equal((referenceDecode(TokenResponseDto, token) as { value: unknown }).value);
    expect(fastDecode(TokenResponseDto, { access_token: 't', expires_in: '3599' })).to.equal(undefined);
    expect(decode(TokenResponseDto, { access_token: 't', expires_in: '3599' })).to.deep.equal({
      ok: false,
      issues: ['expires_in: isNumber'],
    });
    const plain = { type: 'about:blank', status: 409, detail: 'd', meta: { existing: { id: 'x', constructor: 'y' } } };
    const reference = referenceDecode(ProblemDto, plain);
    expect(reference.ok && reference.value.meta).to.deep.equal({ existing: { id: 'x', constructor: 'y' } });
    expect(fastDecode(ProblemDto, plain)).to.deep.equal(reference.ok && reference.value);
  });

  it('survives hostile shapes class-transformer would choke on, and keeps metadata keys but __proto__', () => {
    const metadata = JSON.parse('{"constructor":"c","prototype":"p","__proto__":"x","ok":"fine"}') as Json;
    const reference = referenceDecode(IdentityDto, { id: 'x', metadata });
    expect(reference.ok && reference.value.metadata).to.deep.equal({ constructor: 'c', prototype: 'p', ok: 'fine' });
    expect(decode(IdentityDto, { id: 'x', metadata })).to.deep.equal(reference);
    expect(
      decode(IdentityDto, { id: 'x', person_details: { passthrough_verification_fields: [{ constructor: 'c' }] } }),
    ).to.have.property('ok', false);
    expect(decode(IdentityDto, { id: 'x', metadata: { a: { constructor: 'c' } } })).to.deep.equal({
      ok: false,
      issues: ['metadata: isStringMap'],
    });
  });

  it('names the fields of an invalid body, never their values', () => {
    const decoded = decode(IdentityDto, { id: '', person_details: { cip_id: 123456789, address: 'somewhere' } });
    expect(decoded).to.deep.equal({
      ok: false,
      issues: [
        'id: isNotEmpty',
        'person_details.address: isObject, nestedValidation',
        'person_details.cip_id: isString',
      ],
    });
    expect(decode(IdentityDto, [])).to.deep.equal({ ok: false, issues: ['body: must be a JSON object'] });
  });
});
