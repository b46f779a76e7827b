/**
 * True when a decoded wire value is there. The DTO types mark an absent field optional, but Paxos's JSON may also
 * carry `null` for it (class-validator's `@IsOptional` lets `null` through), and both mean "absent".
 */
export function isPresent<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}
