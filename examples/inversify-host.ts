/**
 * Embedding paxos-identity in a host application's own inversify container.
 *
 * The host loads the library's ContainerModules next to its own bindings and injects the IdentityService into its
 * classes by token. Here the Paxos adapter points at a local emulator, so the example runs without credentials.
 *
 * Run: npx tsx --tsconfig examples/tsconfig.json examples/inversify-host.ts
 */
import 'reflect-metadata';
import { Container, inject, injectable } from 'inversify';
import { type Clock, type IdentityService } from 'paxos-identity';
import { identityCoreModule, paxosGatewayModule, TOKENS } from 'paxos-identity/container';
import { startPaxosEmulator } from 'paxos-identity/testing';

/** A host service that onboards its users; it depends only on the library's IdentityService. */
@injectable()
class SignupService {
  constructor(@inject(TOKENS.IdentityService) private readonly identities: IdentityService) {}

  async onboard(userId: string): Promise<string> {
    const identity = await this.identities.createIdentity({
      refId: `user-${userId}`,
      person: {
        verifierType: 'PASSTHROUGH',
        passthroughVerifierType: 'ONFIDO',
        passthroughVerifiedAt: '2024-05-01T10:00:00Z',
        firstName: 'Ada',
        lastName: 'Lovelace',
        dateOfBirth: '1990-12-10',
        nationality: 'USA',
        cipId: '123-45-6789',
        cipIdType: 'SSN',
        cipIdCountry: 'USA',
        address: { country: 'USA', address1: '12 Main St', city: 'Boston', province: 'MA', zipCode: '02101' },
      },
    });
    return `${identity.id} (${identity.summaryStatus})`;
  }
}

const emulator = await startPaxosEmulator();
try {
  const container = new Container();
  container.load(
    identityCoreModule,
    paxosGatewayModule({
      environment: 'sandbox',
      baseUrl: emulator.baseUrl,
      tokenUrl: emulator.tokenUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    }),
  );
  // The host's clock drives "not in the future" rules: rebind any library token like your own.
  container.rebind<Clock>(TOKENS.Clock).toConstantValue({ now: () => new Date() });
  container.bind(SignupService).toSelf().inSingletonScope();

  const signup = container.get(SignupService);
  console.log(`onboarded user 42 as identity ${await signup.onboard('42')}`);
  console.log(`onboarded user 42 again (a retry): ${await signup.onboard('42')}`);
} finally {
  await emulator.close();
}
