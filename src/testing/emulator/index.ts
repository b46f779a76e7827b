export { PaxosEmulator, startPaxosEmulator, type PaxosEmulatorOptions, type RequestLogEntry } from './server.js';
export {
  FaultInjector,
  type EmulatorFault,
  type EmulatorFaultKind,
  type FaultMatch,
  type FaultOptions,
  type InjectedFault,
} from './faults.js';
export { DEFAULT_CLIENT_SCOPES, TOKEN_TTL_SECONDS, type EmulatorCredentials } from './oauth.js';
export { PAXOS_RATE_LIMITS, type RateLimitOptions } from './rate-limit.js';
export type { ApprovalBehaviour } from './identity-routes.js';
export type { Problem } from './problems.js';
export type { Judgement, JudgementListener, RecordedJudgement } from './judge.js';
export { ISSUE_CODES, type WireIssue, type IssueCode } from './schemas.js';
export { writeIdentity } from './wire.js';
export {
  PAXOS_WEBHOOK_RETRY,
  webhookRetryDelay,
  type EmulatorWebhook,
  type EmulatorWebhookAuth,
  type EmulatorWebhookDeliveryOptions,
  type EmulatorWebhookInfo,
  type EmulatorWebhooks,
  type UndeliveredWebhook,
  type WebhookAttempt,
  type WebhookAttemptError,
  type WebhookRetrySchedule,
} from './webhook-delivery.js';
