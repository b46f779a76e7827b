export { RedisTokenCache, type RedisTokenCacheOptions } from './redis-token-cache.js';
export { RedisWebhookDeliveryRecord, type RedisWebhookDeliveryRecordOptions } from './redis-webhook-delivery-record.js';
export { RedisStoreUnavailableError, type RedisClient } from './redis-commands.js';
