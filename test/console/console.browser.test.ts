import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createIdentityService, type IdentityService } from '../../src/index.js';
import { startPaxosEmulator, type PaxosEmulator } from '../../src/testing.js';
import { seedCommand, uniqueSsn } from '../support/builders.js';
import { paxosOptionsFor } from '../support/paxos.js';
import { useChromium } from './chromium.js';

const DATE_OF_BIRTH = '1980-01-01';

/** A webhook endpoint that acknowledges every notification and keeps the event types it was told of. */
async function startReceiver(apiKey: string): Promise<{ server: Server; url: string; types: string[] }> {
  const types: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers['x-api-key'] !== apiKey) {
        response.writeHead(401).end();
        return;
      }
      types.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string }).type);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, types };
}

/** Reads the console's live feed as raw text, for as long as the test runs. */
function tapStream(url: string): { text: () => string; close: () => void } {
  let text = '';
  let response: IncomingMessage | undefined;
  const request = get(`${url}console/api/stream`, (res) => {
    response = res;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
  });
  request.on('error', () => undefined);
  return {
    text: () => text,
    close: () => {
      response?.destroy();
      request.destroy();
    },
  };
}

describe('the emulator console in Chromium', function () {
  const browser = useChromium();
  let emulator: PaxosEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let service: IdentityService;
  let page: Page;

  beforeEach(async () => {
    const apiKey = randomBytes(8).toString('hex');
    receiver = await startReceiver(apiKey);
    emulator = await startPaxosEmulator({
      console: true,
      approval: 'manual',
      webhooks: [{ name: 'backend', url: receiver.url, auth: { type: 'api_key', header: 'x-api-key', value: apiKey } }],
    });
    service = createIdentityService({
      adapter: 'paxos',
      paxos: { ...paxosOptionsFor(emulator), retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 } },
    });
    page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(emulator.consoleUrl ?? '');
    await page.getByText('Live', { exact: true }).waitFor();
  });

  afterEach(async () => {
    await page.close();
    await emulator.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  const openIdentity = async (id: string) => {
    await page.getByRole('button', { name: `Open identity ${id}` }).click();
    await page.locator('#identity-detail').getByText(id, { exact: false }).first().waitFor();
  };

  it('shows the seed identity created through the library within a second, without a reload', async () => {
    const identity = await service.createIdentity(seedCommand());
    await page.getByRole('button', { name: `Open identity ${identity.id}` }).waitFor({ timeout: 1000 });
    const row = page.locator(`tr[data-id="${identity.id}"]`);
    expect(await row.locator('td').nth(1).textContent()).to.equal('PERSON');
    expect(await row.locator('.badge').textContent()).to.equal('PENDING');
  });

  it('"Approve" makes the identity APPROVED for the library, and its webhook is delivered', async () => {
    const identity = await service.createIdentity(seedCommand());
    await openIdentity(identity.id);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.locator('#identity-detail h3 .badge', { hasText: 'APPROVED' }).waitFor();

    expect((await service.getIdentity(identity.id)).summaryStatus).to.equal('APPROVED');
    await emulator.webhooks.settled();
    expect(receiver.types).to.include('identity.approved');

    await page.getByRole('button', { name: 'Webhook deliveries' }).click();
    const attempt = page.locator('#attempt-rows tr', { hasText: 'identity.approved' }).first();
    await attempt.getByText('delivered 200').waitFor();
  });

  it('a fault armed from the page hits the next API call, and the request log shows it', async () => {
    const identity = await service.createIdentity(seedCommand());
    await page.getByRole('button', { name: 'Faults' }).click();
    await page.getByLabel('Kind').selectOption('status');
    await page.getByLabel('Status', { exact: true }).fill('403');
    await page.getByLabel('Method').selectOption('GET');
    await page.getByRole('button', { name: 'Inject fault' }).click();
    await page.locator('#fault-rows', { hasText: 'status 403' }).waitFor();
    expect(emulator.faults.pending).to.have.length(1);

    const refused = await service.getIdentity(identity.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(Error);
    const last = emulator.requests.at(-1);
    expect(last).to.include({ method: 'GET', status: 403, fault: 'status' });
    expect(emulator.faults.pending).to.have.length(0);

    await page.getByRole('button', { name: 'Request log' }).click();
    const logged = page.locator('#request-rows tr').first();
    await logged.getByText('403', { exact: true }).waitFor();
    expect(await logged.locator('td').nth(3).textContent()).to.equal('status');
    // The next call is not hit again: the fault was used up.
    expect((await service.getIdentity(identity.id)).id).to.equal(identity.id);
  });

  it('keeps the SSN and date of birth out of the page and its live feed until one is revealed', async () => {
    const stream = tapStream(emulator.consoleUrl ?? '');
    try {
      const ssn = uniqueSsn();
      const command = seedCommand();
      const identity = await service.createIdentity({ ...command, person: { ...command.person!, cipId: ssn } });
      await openIdentity(identity.id);
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.locator('#identity-detail h3 .badge', { hasText: 'APPROVED' }).waitFor();
      for (const tab of ['Events', 'Webhook deliveries', 'Request log', 'Identities']) {
        await page.getByRole('button', { name: tab, exact: true }).click();
        const html = await page.content();
        expect(html, tab).not.to.include(ssn);
        expect(html, tab).not.to.include(DATE_OF_BIRTH);
      }
      await openIdentity(identity.id);
      expect(await page.content()).not.to.include(ssn);

      await page.getByRole('button', { name: 'Reveal person_details.cip_id' }).click();
      await page.locator('#identity-detail').getByText(ssn, { exact: true }).waitFor();
      const revealed = await page.content();
      expect(revealed).to.include(ssn);
      expect(revealed, 'only the field asked for').not.to.include(DATE_OF_BIRTH);

      expect(stream.text()).to.include('event: change');
      expect(stream.text()).not.to.include(ssn);
      expect(stream.text()).not.to.include(DATE_OF_BIRTH);
    } finally {
      stream.close();
    }
  });

  it('shows what a client sent as text, never as markup', async () => {
    const markup = '<img src=x onerror="document.title=1">';
    const identity = await service.createIdentity({ ...seedCommand(), metadata: { note: markup } });
    await openIdentity(identity.id);
    await page.locator('#identity-detail').getByText(markup, { exact: true }).waitFor();
    expect(await page.locator('#identity-detail img').count()).to.equal(0);
    expect(await page.title()).to.equal('Paxos emulator console');
  });

  it('is usable by keyboard: Tab reaches "Approve", Enter and Space press buttons; every control has a name', async () => {
    const identity = await service.createIdentity(seedCommand());
    await openIdentity(identity.id);
    await page.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.textContent === 'Approve'");
    }
    expect(reached, 'Tab reaches Approve').to.equal(true);
    const ring = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    expect(ring, 'focus is visible').to.equal('solid');
    await page.keyboard.press('Enter');
    await page.locator('#identity-detail h3 .badge', { hasText: 'APPROVED' }).waitFor();
    await page.getByRole('button', { name: 'Disable', exact: true }).focus();
    await page.keyboard.press('Space');
    await page.locator('#identity-detail h3 .badge', { hasText: 'DISABLED' }).waitFor();

    const unnamed = await page.evaluate<string[]>(UNNAMED_CONTROLS);
    expect(unnamed).to.deep.equal([]);
  });

  it('has text contrast of at least 4.5:1 on every page', async () => {
    const identity = await service.createIdentity(seedCommand());
    await openIdentity(identity.id);
    const lowContrast: string[] = [];
    for (const tab of ['Identities', 'Events', 'Webhook deliveries', 'Request log', 'Faults']) {
      await page.getByRole('button', { name: tab, exact: true }).click();
      lowContrast.push(...(await page.evaluate<string[]>(CONTRAST_FAILURES)));
    }
    expect(lowContrast).to.deep.equal([]);
  });
});

/** Runs in the page: every button without an accessible name, and every field without a label. */
const UNNAMED_CONTROLS = `(() => {
  const bad = [];
  for (const button of document.querySelectorAll('button')) {
    const name = (button.getAttribute('aria-label') ?? button.textContent ?? '').trim();
    if (name === '') bad.push(button.outerHTML);
  }
  for (const control of document.querySelectorAll('input, select')) {
    if ((control.labels?.length ?? 0) === 0 && !control.getAttribute('aria-label')) bad.push(control.outerHTML);
  }
  return bad;
})()`;

/**
 * Runs in the page: every visible element with its own text whose colour on its background is below 4.5:1 (WCAG's
 * relative luminance). A string, so that the test runner's transpiler cannot add helpers the page does not have.
 */
const CONTRAST_FAILURES = `(() => {
  const rgb = (color) => {
    const parts = (/rgba?\\(([^)]+)\\)/.exec(color)?.[1] ?? '0 0 0').split(/[ ,/]+/).filter(Boolean).map(Number);
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
  };
  const channel = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let e = element; e !== null; e = e.parentElement) {
      const color = rgb(getComputedStyle(e).backgroundColor);
      if (color[3] > 0) return color;
    }
    return [255, 255, 255, 1];
  };
  const failures = [];
  for (const element of document.querySelectorAll('body *')) {
    const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
    if (!own || element.offsetParent === null) continue;
    const fg = luminance(rgb(getComputedStyle(element).color));
    const bg = luminance(background(element));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) failures.push(element.tagName + ' "' + element.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return failures;
})()`;
