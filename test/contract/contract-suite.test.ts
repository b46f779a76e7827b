import { expect } from 'chai';
import { type Identity, type IdentityGateway, type NewIdentity } from '../../src/index.js';
import { InMemoryIdentityGateway } from '../../src/testing.js';
import { describeIdentityGatewayContract } from '../../src/testing.js';

interface Case {
  readonly title: string;
  readonly body: () => Promise<void>;
}

/** Registers the contract with a collecting describe/it, so that the cases can be run and judged here. */
function collect(
  makeGateway: () => IdentityGateway,
  options: { sandboxStatus?: boolean } = {},
): { suite: string; cases: Case[] } {
  const cases: Case[] = [];
  let suite = '';
  describeIdentityGatewayContract('under test', makeGateway, {
    ...options,
    describe: (title, body) => {
      suite = title;
      body();
    },
    it: (title, body) => {
      cases.push({ title, body });
    },
  });
  return { suite, cases };
}

async function failures(cases: readonly Case[]): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) {
    try {
      await c.body();
    } catch {
      failed.push(c.title);
    }
  }
  return failed;
}

/** A gateway that forgets the uniqueness rules: the duplicate cases must catch it. */
class ForgetfulGateway implements IdentityGateway {
  private readonly real = new InMemoryIdentityGateway();
  private n = 0;

  create(identity: NewIdentity): Promise<Identity> {
    this.n += 1;
    const client = new InMemoryIdentityGateway({ clientId: `c${this.n}` });
    return client.create(identity);
  }

  get: IdentityGateway['get'] = (id, options) => this.real.get(id, options);
  setSandboxStatus: IdentityGateway['setSandboxStatus'] = (id, change, options) =>
    this.real.setSandboxStatus(id, change, options);
  listPage: IdentityGateway['listPage'] = (filter, options) => this.real.listPage(filter, options);
  update: IdentityGateway['update'] = (id, update, options) => this.real.update(id, update, options);
}

describe('describeIdentityGatewayContract', () => {
  it('registers twenty-six cases in one suite named after the gateway, twenty without the sandbox-status cases', () => {
    const all = collect(() => new InMemoryIdentityGateway());
    expect(all.suite).to.equal('IdentityGateway contract: under test');
    expect(all.cases).to.have.length(26);
    expect(collect(() => new InMemoryIdentityGateway(), { sandboxStatus: false }).cases).to.have.length(20);
  });

  it('passes for the in-memory gateway, calling the factory once', async () => {
    let made = 0;
    const { cases } = collect(() => {
      made += 1;
      return new InMemoryIdentityGateway();
    });
    expect(await failures(cases)).to.deep.equal([]);
    expect(made).to.equal(1);
  });

  it("fails for a gateway that breaks Paxos's uniqueness rules", async () => {
    const { cases } = collect(() => new ForgetfulGateway());
    const failed = await failures(cases);
    expect(failed.some((t) => t.includes('same refId'))).to.equal(true);
    expect(failed.some((t) => t.includes('same CIP triple'))).to.equal(true);
  });

  it('fails for a gateway whose listing ignores the page cursor, and one whose update ignores the delta', async () => {
    const restarting = collect(() => {
      const real = new InMemoryIdentityGateway();
      return {
        create: (i) => real.create(i),
        get: (id, o) => real.get(id, o),
        setSandboxStatus: (id, c, o) => real.setSandboxStatus(id, c, o),
        listPage: (f, o) => real.listPage({ ...f, pageCursor: undefined }, o),
        update: (id, u, o) => real.update(id, u, o),
      };
    });
    const pagingFailures = await failures(restarting.cases);
    expect(pagingFailures.some((t) => t.startsWith('lists page by page'))).to.equal(true);
    expect(pagingFailures.some((t) => t.startsWith('keeps its order across pages'))).to.equal(true);

    const ignoring = collect(() => {
      const real = new InMemoryIdentityGateway();
      return {
        create: (i) => real.create(i),
        get: (id, o) => real.get(id, o),
        setSandboxStatus: (id, c, o) => real.setSandboxStatus(id, c, o),
        listPage: (f, o) => real.listPage(f, o),
        update: (id, _u, o) => real.get(id, o),
      };
    });
    const updateFailures = await failures(ignoring.cases);
    for (const title of [
      'updates only the fields sent',
      'clears address2',
      'replaces the whole list of tax details',
      '§8.1 set_user_disabled',
      '§8.1 a never-approved identity is not DISABLED',
      'refuses to change the type',
    ]) {
      expect(
        updateFailures.some((t) => t.startsWith(title)),
        title,
      ).to.equal(true);
    }
  });

  it('fails for a gateway whose sandbox status does not move the summary', async () => {
    const { cases } = collect(() => {
      const real = new InMemoryIdentityGateway();
      return {
        create: (i) => real.create(i),
        get: (id, o) => real.get(id, o),
        setSandboxStatus: async () => {},
        listPage: (f, o) => real.listPage(f, o),
        update: (id, u, o) => real.update(id, u, o),
      };
    });
    expect(await failures(cases)).to.deep.equal([
      'filters by summary status and update time',
      '§8.1 set_user_disabled: true makes an APPROVED person DISABLED, false makes it APPROVED again',
      '§8.1 a disabled identity whose checks then pass was approved, then off-boarded: DISABLED',
      '§3.5 sanctions APPROVED alone approves an institution whose members are APPROVED',
      'sandbox status: approving id verification and sanctions makes the person APPROVED',
    ]);
  });
});
