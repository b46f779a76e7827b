import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createIdentityService, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { anInstitution, aPerson, seedCommand } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { useChromium } from './chromium.js';
import { fillPeople, startConsoleHarness } from './harness.js';

/** Markup that runs if any value reaches the page as HTML rather than text. */
const MARKUP = '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:1">x</a>';

/** Runs in the page: elements no console page builds, which only parsed data could have made. */
const INJECTED = `(() => ({
  elements: document.querySelectorAll('img, iframe, a, script:not([src="/console/app.js"])').length,
  pwned: window.__pwned === undefined ? null : window.__pwned,
}))()`;

/**
 * Runs in the page of another origin: reads the console, posts to it every way a page can, listens to its feed. A
 * string, so that the test runner's transpiler cannot add helpers the page does not have.
 */
const ATTACK = (target: string, approve: string) => `(async () => {
  const target = ${JSON.stringify(target)};
  const approve = ${JSON.stringify(approve)};
  const settle = (p) => p.then((v) => (typeof v === 'string' ? 'read ' + v.length + ' chars' : 'resolved'), () => 'refused');
  const result = {};
  result['read'] = await settle(fetch(target + 'console/api/identities').then((r) => r.text()));
  result['cors json'] = await settle(fetch(approve, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
  result['no-cors text'] = await settle(fetch(approve, { method: 'POST', mode: 'no-cors', body: '{}' }));
  result['beacon'] = String(navigator.sendBeacon(approve, '{}'));
  try {
    result['json beacon'] = String(navigator.sendBeacon(approve, new Blob(['{}'], { type: 'application/json' })));
  } catch { result['json beacon'] = 'refused'; }
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = approve;
  form.enctype = 'text/plain';
  form.target = 'sink';
  const input = document.createElement('input');
  input.name = '{"x":"';
  input.value = '"}';
  form.append(input);
  document.body.append(form);
  const loaded = new Promise((resolve) => document.querySelector('iframe').addEventListener('load', resolve, { once: true }));
  form.submit();
  await loaded;
  result['form'] = 'sent';
  result['stream'] = await new Promise((resolve) => {
    const source = new EventSource(target + 'console/api/stream');
    source.addEventListener('change', () => resolve('heard a change'));
    source.addEventListener('open', () => resolve('opened'));
    source.addEventListener('error', () => { resolve(source.readyState === EventSource.CLOSED ? 'refused' : 'retrying'); source.close(); });
  });
  return result;
})()`;

/** A page of another site the developer has open: a blank document on another loopback port. */
async function startAttacker(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>elsewhere</title><iframe name="sink"></iframe>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('the emulator console in Chromium, under attack', function () {
  const browser = useChromium();
  let emulator: PaxosEmulator;
  let service: IdentityService;
  let page: Page;

  beforeEach(async () => {
    emulator = await startPaxosEmulator({ console: true, approval: 'manual' });
    service = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator) });
    page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterEach(async () => {
    await page.close();
    await emulator.close();
  });

  const openConsole = async (url = emulator.consoleUrl ?? '') => {
    await page.goto(url);
    await page.getByText('Live', { exact: true }).waitFor();
  };

  it('a page of another origin can neither read the console nor act through it, nor listen to its feed', async () => {
    const attacker = await startAttacker();
    try {
      const identity = await service.createIdentity(seedCommand());
      await page.goto(attacker.url);
      const target = emulator.consoleUrl ?? '';
      const approve = `${target}console/api/identities/${identity.id}/approve`;
      const outcome = await page.evaluate<Record<string, string>>(ATTACK(target, approve));
      expect(outcome).to.include({ read: 'refused', 'cors json': 'refused', stream: 'refused', form: 'sent' });
      // The beacons and the no-cors post were sent; the console refused them, which the page cannot see.
      expect(outcome['no-cors text']).to.equal('resolved');
      const refusals = emulator.requests.filter((r) => r.path.startsWith('/console/'));
      expect(refusals, 'the console never logs itself in the API log').to.deep.equal([]);
      expect((await service.getIdentity(identity.id)).summaryStatus).to.equal('PENDING');
    } finally {
      await new Promise((resolve) => attacker.server.close(resolve));
    }
  });

  it('shows markup a client sent (ref id, metadata, names, webhook) as text on every page', async () => {
    emulator.webhooks.add({
      name: 'hooks',
      url: `http://127.0.0.1:9/${encodeURIComponent(MARKUP)}`,
      auth: { type: 'api_key', header: 'x-api-key', value: 'key' },
    });
    const person = await service.createIdentity({
      ...seedCommand(),
      refId: MARKUP,
      metadata: { [MARKUP]: MARKUP, link: 'javascript:alert(1)' },
    });
    // An institution's name with markup is refused by the library and the emulator alike; its members are not.
    const institution = await service.createIdentity(anInstitution([person.id]));
    await service.getIdentity(`${person.id}${MARKUP}`).catch(() => undefined);
    await openConsole();
    for (const id of [person.id, institution.id]) {
      await page.getByRole('button', { name: `Open identity ${id}` }).click();
      await page.locator('#identity-detail p.mono', { hasText: id }).waitFor();
      if (id === person.id) expect(await page.locator('#identity-detail').textContent()).to.include(MARKUP);
      expect(await page.evaluate(INJECTED), id).to.deep.equal({ elements: 0, pwned: null });
    }
    for (const tab of ['Events', 'Webhook deliveries', 'Request log', 'Faults', 'Identities']) {
      await page.getByRole('button', { name: tab, exact: true }).click();
      await page.locator('section.page:not([hidden]) tbody tr').first().waitFor();
      expect(await page.evaluate(INJECTED), tab).to.deep.equal({ elements: 0, pwned: null });
    }
    expect(await page.title()).to.equal('Paxos emulator console');
  });

  it('with 10,000 identities builds the newest 200 rows, says how many there are, and finds the oldest', async () => {
    const harness = await startConsoleHarness();
    try {
      fillPeople(harness, 10_000);
      await openConsole(harness.url);
      await page.getByText('Showing the newest 200 of 10000: search to narrow the list.').waitFor();
      expect(await page.locator('#identity-rows button').count()).to.equal(200);
      const nodes = await page.evaluate<number>('document.getElementsByTagName("*").length');
      expect(nodes, 'DOM elements').to.be.below(2500);
      await page.getByLabel('Search by id, ref id, type or status').fill('ref-0');
      await page.locator('#identity-rows tr', { hasText: 'ref ref-0' }).waitFor();
      await page.waitForFunction('document.querySelectorAll("#identity-rows button").length === 1');
    } finally {
      await harness.close();
    }
  });

  it('says it needs JavaScript when JavaScript is off, and nothing misleading', async () => {
    const context = await browser().newContext({ javaScriptEnabled: false });
    try {
      const off = await context.newPage();
      await off.goto(emulator.consoleUrl ?? '');
      // Playwright's text engine skips <noscript>; a CSS locator reads what the browser rendered.
      const notice = off.locator('main > noscript > p');
      expect(await notice.isVisible()).to.equal(true);
      expect(await notice.innerText()).to.match(/^This console needs JavaScript/);
      expect(await off.getByText('Connecting…').count()).to.equal(0);
      expect(await off.getByText('No identity yet', { exact: false }).isVisible()).to.equal(false);
    } finally {
      await context.close();
    }
  });

  it('keeps the keyboard focus and the choices made when an action or the live feed re-renders the details', async () => {
    const identity = await service.createIdentity(seedCommand());
    await openConsole();
    await page.getByRole('button', { name: `Open identity ${identity.id}` }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#identity-detail h3 .badge', { hasText: 'PENDING' }).waitFor();
    const focused = () =>
      page.evaluate<string>('document.activeElement.tagName + " " + document.activeElement.textContent');
    expect(await focused(), 'opening lands on the details').to.match(/^H3 Person/);

    await page.keyboard.press('Tab');
    expect(await focused()).to.equal('BUTTON Approve');
    await page.keyboard.press('Enter');
    await page.locator('#identity-detail h3 .badge', { hasText: 'APPROVED' }).waitFor();
    expect(await focused(), 'focus stays on the button pressed').to.equal('BUTTON Approve');

    const types = page.getByLabel('Document types to require');
    await types.focus();
    await page.keyboard.press('ArrowDown');
    const chosenTypes = () =>
      page.evaluate<string[]>(
        "Array.from(document.querySelector('#identity-detail select[multiple]').selectedOptions).map((o) => o.value)",
      );
    const chosen = await chosenTypes();
    expect(chosen).to.have.length(1);
    // Anything a client does re-renders the details: the choice and the focus must survive it.
    await page.evaluate("document.querySelector('#identity-detail h3').dataset.before = 'yes'");
    const other = await service.createIdentity(aPerson().build());
    await page.getByRole('button', { name: `Open identity ${other.id}` }).waitFor();
    await page.waitForFunction("document.querySelector('#identity-detail h3').dataset.before === undefined");
    expect(await chosenTypes()).to.deep.equal(chosen);
    expect(await focused()).to.match(/^SELECT /);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('#identity-detail td', { hasText: chosen[0] }).waitFor();

    await page.getByLabel('Control type').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('set by Paxos (not overridable)').isChecked()).to.equal(true);
    // A control set by Paxos cannot be removed by the client: this one is the client's.
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const remove = page.getByRole('button', { name: /^Remove control / });
    await remove.waitFor();
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.locator('#identity-detail td', { hasText: /^deleted / }).waitFor();

    await page.getByRole('button', { name: 'Reveal person_details.cip_id' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#identity-detail').getByText('111-11-1234', { exact: true }).waitFor();
  });

  it('an unknown identity is a clear message in the page', async () => {
    await openConsole();
    await page.evaluate(
      `fetch('/console/api/identities/nope/approve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json()).then((b) => { window.__answer = b.error; })`,
    );
    await page.waitForFunction('window.__answer !== undefined');
    expect(await page.evaluate<string>('window.__answer')).to.equal('identity not found');
  });

  it('forgets the feeds the browser opened and closed: 200 EventSources leave the page’s own', async () => {
    const harness = await startConsoleHarness();
    try {
      await openConsole(harness.url);
      expect(harness.console.openStreams, 'the page’s own feed').to.equal(1);
      // Five at a time: Chromium holds at most six connections to one host.
      await page.evaluate(`(async () => {
        for (let round = 0; round < 40; round++) {
          const sources = Array.from({ length: 5 }, () => new EventSource('/console/api/stream'));
          await Promise.all(sources.map((s) => new Promise((resolve) => s.addEventListener('open', resolve, { once: true }))));
          for (const s of sources) s.close();
        }
      })()`);
      for (let i = 0; i < 100 && harness.console.openStreams > 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(harness.console.openStreams).to.equal(1);
    } finally {
      await harness.close();
    }
  });
});
