/* eslint-disable @typescript-eslint/no-deprecated -- the SeenStore adapter must keep passing the contract */
import { type SeenStore } from '../../src/index.js';
import { InMemorySeenStore, InMemoryWebhookDeliveryRecord } from '../../src/gateways.js';
import { describeWebhookDeliveryRecordContract } from '../../src/testing.js';

/** A store over the network: every answer arrives `ms` later, as from Redis or a database. */
function remoteSeenStore(ms: number): SeenStore {
  const store = new InMemorySeenStore();
  const later = <T>(value: () => T) =>
    new Promise<T>((resolve) =>
      setTimeout(() => {
        resolve(value());
      }, ms),
    );
  return {
    has: (id) => later(() => store.has(id)),
    add: (id) =>
      later(() => {
        store.add(id);
      }),
  };
}

describeWebhookDeliveryRecordContract(
  'InMemoryWebhookDeliveryRecord',
  ({ clock }) => new InMemoryWebhookDeliveryRecord({ clock }),
);

describeWebhookDeliveryRecordContract(
  'InMemoryWebhookDeliveryRecord over an InMemorySeenStore',
  ({ clock }) => new InMemoryWebhookDeliveryRecord({ clock, seenStore: new InMemorySeenStore() }),
);

describeWebhookDeliveryRecordContract(
  'InMemoryWebhookDeliveryRecord over a SeenStore that answers 3 ms later',
  ({ clock }) => new InMemoryWebhookDeliveryRecord({ clock, seenStore: remoteSeenStore(3) }),
);
