import { expect } from 'chai';
import { requestTarget, Router, type Route } from '../../src/testing/emulator/router.js';

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

  it('resolves a request as match and templateOf do, in one pass', () => {
    const paths = [
      '/v2/identity/identities',
      '/v2/identity/identities/',
      '/v2/identity/identities/123',
      '/v2/identity/identities/special',
      '/v2/identity/identities/a%2Db/sandbox-status',
      '/v2/identity/%69dentities/x',
      '/v2/identity/identities/%E0%A4%A',
      '/v2//identity/identities',
      '/v2/identity/nothing',
      '/',
      '',
    ];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        expect(router.resolve(method, path), `${method} ${path}`).to.deep.equal({
          match: router.match(method, path),
          template: router.templateOf(path),
        });
      }
    }
  });

  it('splits a request target into the path and query that URL parsing gives', () => {
    const targets = [
      '/v2/identity/identities',
      '/v2/identity/identities?limit=10&order=DESC',
      '/v2/identity/identities/abc-123_~x/sandbox-status',
      '/v2/identity/identities?',
      '/v2/identity/identities/?a=1+2&b=%20c&b=d.e,f:g',
      '/v2/identity/identities?a=%E0%A4%A',
      '/v2/identity/identities?a=b#frag',
      '/v2/identity/identities/../accounts',
      '/v2/identity/./identities',
      '/v2/identity/identities/%61',
      '/v2//identity',
      '//evil/v2/identity',
      '/v2/identity/a b',
      '/v2\\identity',
      '/v2/identity/identities?a="<x>"',
      '/',
      '',
      '*',
    ];
    for (const target of targets) {
      const url = new URL(target, 'http://emulator');
      const { path, query } = requestTarget(target);
      expect(path, target).to.equal(url.pathname);
      expect([...query], target).to.deep.equal([...url.searchParams]);
    }
  });
});
