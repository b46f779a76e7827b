/**
 * `npm start`: the onboarding of the seed's John Doe through the whole stack over real HTTP, with no network and no
 * credentials. Paxos's create body → wire mapper → create use case → Paxos adapter (ky, OAuth2) → a local emulator
 * of Paxos on 127.0.0.1, which delivers its webhook notifications to a local endpoint running the library's handler.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createViolationsToWire, identityToJson, readCreateIdentityRequest } from '../gateways.js';
import {
  createIdentityService,
  createWebhookHandler,
  IdentityAlreadyExistsError,
  IdentityValidationError,
  type CreateIdentityCommand,
} from '../index.js';
import { startPaxosEmulator } from '../testing.js';

/** The body of the seed page's curl, as a client sends it to `POST /v2/identity/identities`. */
const seedBody = {
  person_details: {
    verifier_type: 'PASSTHROUGH',
    passthrough_verifier_type: 'JUMIO',
    passthrough_verified_at: '2021-06-16T09:28:14Z',
    first_name: 'John',
    last_name: 'Doe',
    date_of_birth: '1980-01-01',
    phone_number: '+1 555 678 1234',
    email: 'example@somemail.org',
    cip_id: '111-11-1234',
    cip_id_type: 'SSN',
    cip_id_country: 'USA',
    nationality: 'USA',
    address: { country: 'USA', address1: '1 Example St', city: 'New York', province: 'NY', zip_code: '10001' },
    metadata: { custom_property1: 'custom value 1', custom_property2: 'custom value 2' },
  },
  ref_id: '33ece656-eef1-43b5-a851-b6b9099089a5',
};

function section(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
}

function commandOf(body: unknown): CreateIdentityCommand {
  const check = readCreateIdentityRequest(body);
  if (!check.ok) throw new IdentityValidationError(check.violations);
  return check.command;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  // The webhook endpoint a backend exposes: checks its API key, hands the body to the library's handler (which
  // fetches the event from Paxos and runs `onEvent` once per event id), answers 2xx, or 5xx so that Paxos retries.
  const apiKey = randomBytes(16).toString('hex');
  const received: string[] = [];
  let onWebhook: ((body: unknown) => Promise<unknown>) | undefined;
  const endpoint = createServer((request, response) => {
    void (async () => {
      if (request.headers['x-api-key'] !== apiKey || onWebhook === undefined) {
        response.writeHead(401).end();
        return;
      }
      try {
        await onWebhook(JSON.parse(await bodyOf(request)));
        response.writeHead(200).end();
      } catch {
        response.writeHead(500).end();
      }
    })();
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const endpointUrl = `http://127.0.0.1:${String((endpoint.address() as AddressInfo).port)}/paxos/webhooks`;
  const emulator = await startPaxosEmulator({
    // Each step below moves the statuses itself, through sandbox-status, instead of the sandbox's auto-approval.
    approval: 'manual',
    console: true,
    webhooks: [{ url: endpointUrl, auth: { type: 'api_key', header: 'x-api-key', value: apiKey } }],
  });
  try {
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
    onWebhook = createWebhookHandler(service, {
      onEvent: (event) => {
        received.push(`${event.type} ${event.object.identityId}`);
      },
    });
    console.log(`Paxos emulator on ${emulator.baseUrl} (token URL ${emulator.tokenUrl})`);
    console.log(`Its console on ${emulator.consoleUrl ?? ''} while the demo runs (or: npx paxos-identity emulator)`);
    console.log(`Webhook endpoint on ${endpointUrl} (API-key header), registered with the emulator`);

    section(
      '1. Create the seed identity: POST /v2/identity/identities, the response as Paxos sends it (personal data masked)',
    );
    const identity = await service.createIdentity(commandOf(seedBody));
    // identityToJson masks personal values: even a demo's output ends up in terminals, screenshots and CI logs.
    console.log(JSON.stringify(identityToJson(identity), null, 2));
    console.log(
      `-> ${identity.type} ${identity.id} is ${identity.summaryStatus}; tax details derived from the SSN: ${identity.taxDetails.length}`,
    );

    section('2. Replay the same ref_id (a retry after a lost response)');
    const replay = await service.createIdentity(commandOf(seedBody));
    console.log(
      `-> Paxos answered 409 duplicate ref_id; the same identity comes back: ${replay.id === identity.id} (${replay.id})`,
    );

    section('3. The same ref_id for somebody else is refused');
    try {
      await service.createIdentity(
        commandOf({ ...seedBody, person_details: { ...seedBody.person_details, cip_id: '222-22-2222' } }),
      );
      throw new Error('expected a refusal');
    } catch (error) {
      if (!(error instanceof IdentityAlreadyExistsError)) throw error;
      console.log(`-> ${error.name}: conflict=${error.conflict}, existingId=${error.existingId}`);
    }

    section('4. An invalid identity is rejected before anything is sent');
    const before = emulator.requests.length;
    try {
      await service.createIdentity(
        commandOf({
          person_details: {
            ...seedBody.person_details,
            first_name: 'Jöhn',
            date_of_birth: '1980-02-30',
            nationality: 'XYZ',
            cip_id_type: 'PASSPORT',
            address: { country: 'USA', address1: '1 Example St', city: '', province: 'NY' },
          },
          tax_details_not_required: true,
        }),
      );
      throw new Error('expected a rejection');
    } catch (error) {
      if (!(error instanceof IdentityValidationError)) throw error;
      console.log(
        `-> ${error.name}: ${error.violations.length} violations; requests sent: ${emulator.requests.length - before}`,
      );
      for (const v of createViolationsToWire(error.violations))
        console.log(`   ${v.path.padEnd(34)} ${v.code.padEnd(10)} ${v.message}`);
    }

    section('5. Sandbox: PUT …/sandbox-status passes the checks, and the summary status follows');
    await service.setSandboxStatus(identity.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const approved = await service.getIdentity(identity.id);
    console.log(`-> ${approved.id} is ${approved.summaryStatus}`);

    section('6. Open a brokerage account for the approved person, with a profile for its balances');
    const account = await service.createAccount({
      identityId: identity.id,
      description: 'Brokerage account',
      createProfile: true,
    });
    console.log(`-> account ${account.id} for ${account.identityId}, profile ${account.profileId ?? '(none)'}`);

    section('7. An institution with two members: APPROVED once its own checks and both members are');
    const member = (cipId: string, firstName: string) =>
      service.createIdentity(
        commandOf({
          person_details: { ...seedBody.person_details, cip_id: cipId, first_name: firstName },
          ref_id: crypto.randomUUID(),
        }),
      );
    const owner = await member('333-33-3333', 'Ann');
    const officer = await member('444-44-4444', 'Bob');
    const llc = await service.createIdentity({
      institution: {
        name: 'Example Holdings LLC',
        businessAddress: {
          country: 'USA',
          address1: '2 Example Ave',
          city: 'New York',
          province: 'NY',
          zipCode: '10002',
        },
        incorporationAddress: {
          country: 'USA',
          address1: '2 Example Ave',
          city: 'Dover',
          province: 'DE',
          zipCode: '19901',
        },
        institutionType: 'LLC',
        institutionSubType: 'INVESTMENT',
        cipId: '12-3456789',
        cipIdType: 'EIN',
        cipIdCountry: 'USA',
        govtRegistrationDate: '2021-04-14T00:00:00Z',
        regulationStatus: 'NON_REGULATED',
        tradingType: 'PRIVATE',
        businessDescription: 'Holding company',
      },
      institutionMembers: [{ identityId: owner.id, roles: ['BENEFICIAL_OWNER'], ownership: '100' }],
    });
    await service.addInstitutionMembers(llc.id, [
      { identityId: officer.id, roles: ['MANAGEMENT_CONTROL_PERSON'], position: 'CEO' },
    ]);
    await service.setSandboxStatus(llc.id, { sanctionsVerification: 'APPROVED', documentVerification: 'APPROVED' });
    console.log(
      `-> checks passed, members pending: the institution is ${(await service.getIdentity(llc.id)).summaryStatus}`,
    );
    for (const person of [owner, officer])
      await service.setSandboxStatus(person.id, { idVerification: 'APPROVED', sanctionsVerification: 'APPROVED' });
    const done = await service.waitForStatus(llc.id, ['APPROVED', 'DENIED'], { timeoutMs: 10_000 });
    console.log(`-> both members approved: the institution is ${done.summaryStatus}`);
    for await (const event of service.listEvents({ type: 'identity.approved' })) {
      console.log(
        `   event ${event.type} ${event.object.identityId} ${event.object.oldSummaryStatus} -> ${event.object.newSummaryStatus}`,
      );
    }

    section('8. Listing, two at a time, and an update that sends only the delta');
    let pages = 0;
    for await (const listed of service.listIdentities({ limit: 2, order: 'ASC' })) {
      if (pages++ === 0)
        console.log('   (GET /identity/identities?limit=2&order=ASC, then page_cursor=… until the last page)');
      console.log(`   ${listed.type.padEnd(12)} ${listed.id} ${listed.summaryStatus}`);
    }
    const updated = await service.updateIdentity(identity.id, { person: { lastName: 'Smith' }, setUserDisabled: true });
    console.log(
      `-> PUT with {person_details: {last_name}, set_user_disabled}: ${updated.person?.firstName} ${updated.person?.lastName} is ${updated.summaryStatus}`,
    );

    section('9. Webhooks: the emulator POSTed each event to the endpoint, which handled it once');
    await emulator.webhooks.settled();
    for (const line of received) console.log(`   ${line}`);
    console.log(
      `-> ${String(received.length)} events handled, ${String(emulator.webhooks.undelivered().length)} undelivered`,
    );

    section("10. What went over the wire (the emulator's request log: no bodies)");
    for (const r of emulator.requests)
      console.log(`   ${r.method.padEnd(5)} ${(r.route ?? r.path).padEnd(45)} ${r.status ?? '-'}`);
  } finally {
    await emulator.close();
    await new Promise<void>((resolve) => {
      endpoint.close(() => {
        resolve();
      });
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
