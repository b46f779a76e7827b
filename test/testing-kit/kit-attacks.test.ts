import { expect } from 'chai';
import { IdentityNotFoundError, IdentityValidationError, type SandboxStatusChange } from '../../src/index.js';
import { createTestKit, type TestKit } from '../../src/testing.js';
import { seedCommand } from '../support/builders.js';
import { PDF, rejectionOf } from './support.js';

/** The paths of an `IdentityValidationError`, failing when `error` is anything else. */
function pathsOf(error: unknown): string[] {
  expect(error).to.be.instanceOf(IdentityValidationError);
  return (error as IdentityValidationError).violations.map((v) => v.path);
}

describe('createTestKit under attack: the global fetch, several kits, and careless calls', () => {
  const real = globalThis.fetch;
  const kits: TestKit[] = [];
  function kit(): TestKit {
    const made = createTestKit({ now: '2026-03-01T12:00:00Z' });
    kits.push(made);
    return made;
  }
  afterEach(() => {
    for (const made of kits.splice(0)) made.dispose();
    globalThis.fetch = real;
  });

  const identityOf = new Map<TestKit, Promise<string>>();
  /** An upload URL of the kit's one identity (made on first use: the seed's CIP id may exist once per kit). */
  async function uploadUrlOf(on: TestKit, name = 'a.pdf'): Promise<string> {
    if (!identityOf.has(on))
      identityOf.set(
        on,
        on.service.createIdentity(seedCommand()).then((made) => made.id),
      );
    const id = await identityOf.get(on)!;
    return (await on.service.requestDocumentUpload(id, { name, documentTypes: ['PROOF_OF_FUNDS'] })).uploadUrl;
  }

  it('intercepting twice, disposing twice or disposing without intercepting leaves the real fetch', () => {
    const a = kit();
    a.interceptFetch();
    a.interceptFetch();
    expect(globalThis.fetch).to.equal(a.fetch);
    a.dispose();
    expect(globalThis.fetch, 'one dispose ends a doubled interception').to.equal(real);
    a.dispose();
    expect(globalThis.fetch).to.equal(real);
    kit().dispose();
    expect(globalThis.fetch).to.equal(real);
  });

  it('a kit made while another intercepts gives the real fetch back, whichever is disposed first', () => {
    const a = kit();
    a.interceptFetch();
    const b = kit();
    a.dispose();
    b.interceptFetch();
    b.dispose();
    expect(globalThis.fetch, 'not the disposed kit').to.equal(real);

    a.interceptFetch();
    const c = kit();
    c.interceptFetch();
    a.dispose();
    expect(globalThis.fetch, 'c still intercepts').to.equal(c.fetch);
    c.dispose();
    expect(globalThis.fetch).to.equal(real);
  });

  it('disposing the later kit hands the global fetch back to the earlier one, which still PUTs its uploads', async () => {
    const a = kit();
    const b = kit();
    const url = await uploadUrlOf(a);
    a.interceptFetch();
    b.interceptFetch();
    expect((await fetch(url, { method: 'PUT', body: PDF })).status, "b knows none of a's files").to.equal(403);
    b.dispose();
    expect(globalThis.fetch).to.equal(a.fetch);
    expect((await fetch(url, { method: 'PUT', body: PDF })).status).to.equal(200);
    a.dispose();
    expect(globalThis.fetch).to.equal(real);
  });

  it('leaves a fetch installed after its interception to whoever installed it', () => {
    const a = kit();
    a.interceptFetch();
    const stub: typeof fetch = () => Promise.resolve(new Response('stub'));
    globalThis.fetch = stub;
    a.dispose();
    expect(globalThis.fetch).to.equal(stub);
  });

  it('hands other URLs to the fetch beneath the kits, never round from one kit to another', async () => {
    const seen: string[] = [];
    const stub: typeof fetch = (input) => {
      seen.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(new Response('beneath'));
    };
    globalThis.fetch = stub;
    const a = kit();
    const b = kit();
    a.interceptFetch();
    b.interceptFetch();
    expect(await (await fetch('http://127.0.0.1:9/x')).text()).to.equal('beneath');
    expect(await (await a.fetch('http://127.0.0.1:9/y')).text()).to.equal('beneath');
    expect(seen).to.deep.equal(['http://127.0.0.1:9/x', 'http://127.0.0.1:9/y']);
    b.dispose();
    a.dispose();
    expect(globalThis.fetch).to.equal(stub);
  });

  it('keeps two kits apart: identities, upload URLs and clocks', async () => {
    const a = kit();
    const b = createTestKit({ now: '2030-01-01T00:00:00Z' });
    const url = await uploadUrlOf(a, 'mine.pdf');
    const id = await identityOf.get(a)!;
    expect(await rejectionOf(b.approve(id))).to.be.instanceOf(IdentityNotFoundError);
    expect((await b.fetch(url, { method: 'PUT', body: PDF })).status).to.equal(403);
    a.clock.advance(60_000);
    expect(b.clock.now().toISOString()).to.equal('2030-01-01T00:00:00.000Z');
    expect((await b.service.createIdentity(seedCommand())).createdAt).to.match(/^2030-01-01T00:00:00/);
  });

  it('refuses a forged token, the token of another file, an oversize body and a body that is no document', async () => {
    const a = kit();
    const first = await uploadUrlOf(a, 'one.pdf');
    const second = await uploadUrlOf(a, 'two.pdf');
    const put = (url: string, body: Uint8Array | string, type?: string) =>
      a.fetch(url, { method: 'PUT', body, ...(type !== undefined && { headers: { 'content-type': type } }) });
    expect((await put(first.replace(/token=.*$/, 'token=forged'), PDF)).status).to.equal(403);
    const otherToken = new URL(second).searchParams.get('token') ?? '';
    expect((await put(first.replace(/token=.*$/, `token=${otherToken}`), PDF)).status).to.equal(403);
    expect((await put(`${first}&extra=1`, PDF)).status).to.equal(403);
    const big = new Uint8Array(100 * 1024 * 1024);
    big.set(PDF);
    const oversize = await put(first, big);
    expect(oversize.status).to.equal(413);
    expect(await oversize.text()).to.include('file: must be smaller than 100 MB');
    const text = await put(first, 'hello', 'text/plain');
    expect(text.status).to.equal(400);
    expect(await text.text()).to.include('file: must be a PDF, JPG or PNG file');
    expect((await put(first, PDF, 'text/html')).status, 'the bytes say PDF whatever the header says').to.equal(200);
  });

  it('lets an upload URL be PUT again, as a pre-signed object-store URL is, replacing the file rather than adding one', async () => {
    const a = kit();
    const identity = await a.service.createIdentity(seedCommand());
    await a.requireDocuments(identity.id, ['PROOF_OF_FUNDS']);
    const { uploadUrl } = await a.service.requestDocumentUpload(identity.id, {
      name: 'funds.pdf',
      documentTypes: ['PROOF_OF_FUNDS'],
    });
    expect((await a.fetch(uploadUrl, { method: 'PUT', body: PDF })).status).to.equal(200);
    expect((await a.fetch(uploadUrl, { method: 'PUT', body: PDF })).status).to.equal(200);
    const listed = await a.service.listDocuments(identity.id, { includePending: true });
    expect(listed.documents.map((d) => d.name)).to.deep.equal(['funds.pdf']);
    expect(listed.pendingDocuments).to.deep.equal([]);
  });

  it('kit.upload of something that is not bytes names the file and the type it got', async () => {
    const a = kit();
    const url = await uploadUrlOf(a);
    const error = await rejectionOf(a.upload(url, 'not bytes' as unknown as Uint8Array));
    expect(pathsOf(error)).to.deep.equal(['file']);
    expect((error as IdentityValidationError).violations[0]?.message).to.equal(
      "file: must be the file's bytes as a Uint8Array (a Buffer is one), got a string",
    );
    expect((error as { status?: unknown }).status).to.equal(400);
    expect(pathsOf(await rejectionOf(a.upload(42 as unknown as string, PDF)))).to.deep.equal(['file']);
  });

  it('approve, deny, setSandboxStatus and requireDocuments name a bad argument with a typed error', async () => {
    const a = kit();
    const identity = await a.service.createIdentity(seedCommand());
    expect(await rejectionOf(a.approve('no-such-identity'))).to.be.instanceOf(IdentityNotFoundError);
    expect(pathsOf(await rejectionOf(a.deny('')))).to.deep.equal(['identityId']);
    expect(pathsOf(await rejectionOf(a.approve('../escape')))).to.deep.equal(['identityId']);
    expect(
      pathsOf(await rejectionOf(a.setSandboxStatus(identity.id, null as unknown as SandboxStatusChange))),
    ).to.deep.equal(['change']);
    const bogus = await rejectionOf(
      a.setSandboxStatus(identity.id, { idVerification: 'APPROVD' } as unknown as SandboxStatusChange),
    );
    expect(pathsOf(bogus)).to.deep.equal(['change.idVerification']);
    expect((bogus as IdentityValidationError).message).to.include('change.idVerification: must be one of');
    expect(
      pathsOf(await rejectionOf(a.requireDocuments(identity.id, 'PROOF_OF_FUNDS' as unknown as string[]))),
    ).to.deep.equal(['documentTypes']);
    expect(pathsOf(await rejectionOf(a.requireDocuments(identity.id, [])))).to.deep.equal(['documentTypes']);
    expect(
      pathsOf(await rejectionOf(a.requireDocuments(identity.id, ['PROOF_OF_FUNDS', 7 as unknown as string]))),
    ).to.deep.equal(['documentTypes[1]']);
    expect((await a.service.getIdentity(identity.id)).summaryStatus, 'nothing was changed').to.equal('PENDING');
    const listed = await a.service.listDocuments(identity.id, { includePending: true });
    expect(listed.pendingDocuments).to.deep.equal([]);
    const asked = await a.requireDocuments(identity.id, ['PROOF_OF_FUNDS', 'A_TYPE_PAXOS_ADDS_LATER']);
    expect(asked.type).to.equal('identity.documents_required');
    expect((await a.service.listDocuments(identity.id, { includePending: true })).pendingDocuments).to.have.members([
      'PROOF_OF_FUNDS',
      'A_TYPE_PAXOS_ADDS_LATER',
    ]);
  });
});
