/**
 * `paxos-identity/testing`: what you need to test an application that onboards people to Paxos, without Paxos.
 *
 * - {@link startPaxosEmulator}: a local HTTP server that speaks Paxos's v2 Identity API wire format (OAuth2, scopes,
 *   Problems, 409 duplicates, sandbox status), with fault injection and a request log.
 * - {@link describeIdentityGatewayContract} and the other contract suites: the mocha suites every gateway and store
 *   of this library passes (the in-memory fakes, the Paxos adapter against the emulator and the sandbox); run them on yours.
 * - {@link createTestKit}: the in-memory fake in one call, the service and the fake's controls (sandbox status,
 *   document uploads, events, time) together.
 * - The fakes: the in-memory gateways and the simulated Paxos they share.
 *
 * @packageDocumentation
 */
export {
  PaxosEmulator,
  startPaxosEmulator,
  FaultInjector,
  DEFAULT_CLIENT_SCOPES,
  TOKEN_TTL_SECONDS,
  PAXOS_RATE_LIMITS,
  ISSUE_CODES,
  type PaxosEmulatorOptions,
  type RequestLogEntry,
  type EmulatorFault,
  type EmulatorFaultKind,
  type FaultMatch,
  type FaultOptions,
  type InjectedFault,
  type EmulatorCredentials,
  type RateLimitOptions,
  type ApprovalBehaviour,
  type Problem,
  type Judgement,
  type JudgementListener,
  type RecordedJudgement,
  type WireIssue,
  type IssueCode,
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
} from './testing/emulator/index.js';
export {
  describeIdentityGatewayContract,
  type IdentityGatewayContractOptions,
  type DescribeFunction,
  type ItFunction,
} from './testing/contracts/identity-gateway.js';
export {
  describeIdentityLifecycleContract,
  type LifecycleGateways,
  type LifecycleContractOptions,
  type EnhancedDueDiligenceControls,
} from './testing/contracts/lifecycle.js';
export * from './testing/contracts/webhook-delivery-record.js';
export {
  describeAccountGatewayContract,
  type AccountContractGateways,
  type AccountContractOptions,
} from './testing/contracts/account-gateway.js';
export {
  describeIdentityControlContract,
  type ControlContractGateways,
  type ControlContractOptions,
} from './testing/contracts/identity-control.js';
export {
  describeRateLimiterContract,
  type RateLimiterContractSettings,
  type RateLimiterContractOptions,
} from './testing/contracts/rate-limiter.js';
export {
  describeTokenCacheContract,
  type TokenCacheContractOptions,
  type TokenCacheContractClock,
} from './testing/contracts/token-cache.js';

export { createTestKit, TestClock, type TestKit, type TestKitGateways, type TestKitOptions } from './testing/kit.js';

// The fakes: the in-memory gateways, and the simulated Paxos they share with the emulator.
export {
  InMemoryIdentityGateway,
  type InMemoryIdentityGatewayOptions,
} from './adapters/in-memory/in-memory-identity-gateway.js';
export { InMemoryMemberGateway, type InMemorySharedState } from './adapters/in-memory/in-memory-member-gateway.js';
export { InMemoryDocumentGateway } from './adapters/in-memory/in-memory-document-gateway.js';
export { InMemoryEventGateway } from './adapters/in-memory/in-memory-event-gateway.js';
export { InMemoryAccountGateway } from './adapters/in-memory/in-memory-account-gateway.js';
export {
  InMemoryIdentityControlGateway,
  InMemoryKycRefreshGateway,
} from './adapters/in-memory/in-memory-control-gateway.js';
export type { ControlDraft } from './adapters/in-memory/simulation/simulated-controls.js';
export {
  SimulatedAccounts,
  type AccountDraft,
  type SimulatedAccountsContext,
} from './adapters/in-memory/simulation/simulated-accounts.js';
export {
  PaxosSimulator,
  deriveSummaryStatus,
  type PaxosSimulatorOptions,
  type IdentityDraft,
} from './adapters/in-memory/simulation/paxos-simulator.js';
export type { UploadRefusal } from './adapters/in-memory/simulation/simulated-documents.js';
export type { StatusContext } from './adapters/in-memory/simulation/status-model.js';
