/**
 * Refreshes docs/console.png, the README's picture of the emulator console: an emulator with a few identities onboarded
 * through the library (one approved with a webhook delivered, one held by a control, an institution waiting for its
 * documents), shown in Debian's headless Chromium at 1280×800. Personal data stays masked, as the console shows it.
 *
 *   npx tsx scripts/console-screenshot.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createIdentityService } from '../src/index.js';
import { startPaxosEmulator } from '../src/testing.js';
import { anInstitution, aPerson } from '../test/support/builders.js';
import { paxosOptionsFor } from '../test/support/paxos.js';
import { chromiumMissing, launchChromium } from '../test/console/chromium.js';

const OUT = fileURLToPath(new URL('../docs/console.png', import.meta.url));

const missing = chromiumMissing();
if (missing !== undefined) {
  console.error(`cannot take the screenshot: ${missing}`);
  process.exit(1);
}

const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200).end());
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const emulator = await startPaxosEmulator({
  console: true,
  approval: 'manual',
  webhooks: [
    {
      name: 'backend',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paxos/webhooks`,
      auth: { type: 'api_key', header: 'x-api-key', value: 'local' },
    },
  ],
});
const browser = await launchChromium();
try {
  const service = createIdentityService({ adapter: 'paxos', paxos: paxosOptionsFor(emulator) });
  const held = await service.createIdentity(aPerson().withCommand({ refId: 'customer-1041' }).build());
  await service.setSandboxStatus(held.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  await service.createControl({ identityId: held.id, type: 'SELL_ONLY', reasonCode: 'END_USER_REQUEST' });
  const llc = await service.createIdentity(anInstitution([held.id]));
  emulator.requireDocuments(llc.id, ['ORGANIZATIONAL_DOCUMENTS']);
  const person = await service.createIdentity(aPerson().withCommand({ refId: 'customer-1042' }).build());
  await service.setSandboxStatus(person.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  await service.createAccount({ identityId: person.id, description: 'Brokerage account', createProfile: true });
  await service.createIdentity(aPerson().withCommand({ refId: 'customer-1043' }).build());
  await emulator.webhooks.settled();

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(emulator.consoleUrl ?? '');
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByRole('button', { name: `Open identity ${person.id}` }).click();
  await page.locator('#identity-detail').getByText('Brokerage account').waitFor();
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await emulator.close();
  await new Promise((resolve) => receiver.close(resolve));
}
