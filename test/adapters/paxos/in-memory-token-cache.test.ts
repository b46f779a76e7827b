import { InMemoryTokenCache } from '../../../src/adapters/paxos/in-memory-token-cache.js';
import { describeTokenCacheContract } from '../../../src/testing.js';

describeTokenCacheContract('InMemoryTokenCache', (clock) => new InMemoryTokenCache({ clock }));
