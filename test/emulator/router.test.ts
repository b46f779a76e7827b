import { expect } from 'chai';
import { Router, type Route } from '../../src/testing/emulator/router.js';

const route = (method: Route['method'], path: string): Route => ({
  method,
  path,
  rateLimit: 'none',
  body: 'none',
  handle: () => ({ status: 200, body: { method, path } }),
});

describe('emulator router', () => {
  const router = new Router([
    route('POST', '/v2/identity/identities'),
    route('GET', '/v2/identity/identities'),
    route('GET', '/v2/identity/identities/{id}'),
    route('PUT', '/v2/identity/identities/{id}'),
    route('PUT', '/v2/identity/identities/{id}/sandbox-status'),
    route('GET', '/v2/identity/identities/special'),
  ]);

  it('matches templates and hands out decoded parameters', () => {
    const match = router.match('PUT', '/v2/identity/identities/a%2Db/sandbox-status');
    expect(match.kind).to.equal('found');
    if (match.kind === 'found') {
      expect(match.route.path).to.equal('/v2/identity/identities/{id}/sandbox-status');
      expect(match.params).to.deep.equal({ id: 'a-b' });
    }
  });

  it('prefers a literal segment to a parameter', () => {
    const match = router.match('GET', '/v2/identity/identities/special');
    expect(match.kind === 'found' && match.route.path).to.equal('/v2/identity/identities/special');
  });

  it('tells a wrong method (with the allowed ones) from an unknown path', () => {
    expect(router.match('DELETE', '/v2/identity/identities/x')).to.deep.equal({
      kind: 'wrong-method',
      allowed: ['GET', 'PUT'],
    });
    expect(router.match('GET', '/v2/identity/nothing')).to.deep.equal({ kind: 'not-found' });
    expect(router.match('GET', '/v2/identity/identities/%E0%A4%A')).to.deep.equal({ kind: 'not-found' });
  });

  it('names the template of a path for the request log', () => {
    expect(router.templateOf('/v2/identity/identities/123')).to.equal('/v2/identity/identities/{id}');
    expect(router.templateOf('/elsewhere')).to.equal(undefined);
  });
});
