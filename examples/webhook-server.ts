/**
 * A webhook endpoint in a minimal node:http handler. Paxos does not sign webhooks, so the body is only a hint: the
 * library checks its shape, fetches the real event by id, runs your handler once per event id, and reports a
 * redelivery as a duplicate. Here the emulator plays Paxos and this script plays both sides.
 *
 * Run: npx tsx --tsconfig examples/tsconfig.json examples/webhook-server.ts
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityService, createWebhookHandler, WebhookPayloadError } from 'paxos-identity';
import { startPaxosEmulator } from 'paxos-identity/testing';

const emulator = await startPaxosEmulator();
const service = createIdentityService({
  adapter: 'paxos',
  paxos: {
    environment: 'sandbox',
    baseUrl: emulator.baseUrl,
    tokenUrl: emulator.tokenUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  },
});

const approved: string[] = [];
const onWebhook = createWebhookHandler(service, {
  maxBodyBytes: 64 * 1024,
  onEvent: (event) => {
    if (event.type === 'identity.approved' && event.object.identityId !== undefined)
      approved.push(event.object.identityId);
  },
});

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    // The request itself: the handler reads at most maxBodyBytes (default 1 MiB) of it, never a whole 50 MB body.
    const outcome = await onWebhook(req);
    // Answer fast: Paxos retries anything but a 2xx.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: outcome.status }));
  } catch (error) {
    // The request of a body over the cap was destroyed: its connection closes after this answer, which may go unread.
    const status = error instanceof WebhookPayloadError ? (error.field === 'body' ? 413 : 400) : 500;
    if (!res.destroyed) res.writeHead(status).end();
  }
}

const server = createServer((req, res) => {
  void handle(req, res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/paxos-webhook`;

try {
  const identity = await service.createIdentity({
    person: {
      verifierType: 'PASSTHROUGH',
      passthroughVerifierType: 'PERSONA',
      passthroughVerifiedAt: '2025-01-15T12:00:00Z',
      firstName: 'Alan',
      lastName: 'Turing',
      dateOfBirth: '1982-06-23',
      nationality: 'USA',
      cipId: '321-54-9876',
      cipIdType: 'SSN',
      cipIdCountry: 'USA',
      address: { country: 'USA', address1: '2 Bletchley Rd', city: 'Princeton', province: 'NJ', zipCode: '08540' },
    },
  });
  await service.setSandboxStatus(identity.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
  const [event] = await service
    .listEventsPage({ type: 'identity.approved', limit: 1, order: 'DESC' })
    .then((p) => p.items);
  if (event === undefined) throw new Error('the emulator recorded no identity.approved event');

  // What Paxos would POST: metadata only, never the event itself.
  const notification = JSON.stringify({
    id: event.id,
    type: event.type,
    source: 'com.paxos',
    time: event.createdAt,
    object: 'event',
    is_test: false,
  });
  for (const attempt of ['delivery', 'redelivery']) {
    const res = await fetch(url, {
      method: 'POST',
      body: notification,
      headers: { 'content-type': 'application/json' },
    });
    console.log(`${attempt}: ${res.status} ${await res.text()}`);
  }
  const forged = await fetch(url, { method: 'POST', body: '{"id": 42}' });
  console.log(`forged body: ${forged.status}`);
  const huge = await fetch(url, { method: 'POST', body: 'x'.repeat(1024 * 1024) }).then(
    (res) => `${res.status}`,
    () => 'connection closed',
  );
  console.log(`1 MiB body: ${huge}`);
  console.log(`identities approved by the handler: ${approved.length} (${approved.join(', ')})`);
} finally {
  server.close();
  await emulator.close();
}
