// A CommonJS host loads the ESM package through Node's require(esm) (Node >= 20.19).
const assert = require('node:assert/strict');
const lib = require('paxos-identity');
const testing = require('paxos-identity/testing');
const container = require('paxos-identity/container');
const gateways = require('paxos-identity/gateways');
// Loads without ioredis installed: the entry takes a client the host built and imports only ioredis's types.
const redis = require('paxos-identity/redis');
assert.equal(typeof lib.createIdentityService, 'function');
assert.equal(typeof testing.startPaxosEmulator, 'function');
assert.equal(typeof container.identityCoreModule, 'object');
assert.equal(typeof gateways.PaxosConnection, 'function');
assert.equal(typeof redis.RedisRateLimiter, 'function');
assert.equal(typeof redis.redisCoordination, 'function');
// The root entry stays small: the factory, the service, the identity types, the errors and Sensitive.
assert.ok(Object.keys(lib).length <= 40, `the root entry exports ${Object.keys(lib).length} values`);
assert.equal(lib.TOKENS, undefined);
const service = lib.createIdentityService({ adapter: 'in-memory' });
assert.throws(() => lib.NewIdentity.create({ person: {} }), lib.IdentityValidationError);
service
  .createIdentity({
    person: {
      firstName: 'Grace',
      lastName: 'Hopper',
      dateOfBirth: '1906-12-09',
      nationality: 'USA',
      cipId: '123-45-6789',
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      address: { country: 'USA', address1: '1 Navy Way', city: 'Arlington', province: 'VA' },
    },
  })
  .then((identity) => console.log(`CommonJS consumer: created ${identity.summaryStatus} via require()`));
