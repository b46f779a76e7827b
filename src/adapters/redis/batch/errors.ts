import { IdentityServiceError } from '../../../domain/shared/errors.js';

/**
 * An option of `redisBatch` or of one of its calls is missing or out of range, or an optional peer dependency
 * (bullmq) is not installed. `field` names the option (`encryptionKey`, `name`, `connection`, `concurrency`, …).
 * Nothing was enqueued or started. The message never echoes the value: it may be a key.
 */
export class BatchConfigurationError extends IdentityServiceError {
  readonly code = 'batch_configuration';
  /** The option at fault. */
  readonly field: string;

  /** @internal */
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/**
 * The `encryptionKey` given is not the key this batch was enqueued with (the batch records a check value of its key,
 * never the key), or a stored payload does not decrypt with it. Nothing is sent: a worker with the wrong key would
 * otherwise read garbage or fail every line. `field` is always `encryptionKey`.
 */
export class BatchEncryptionKeyError extends IdentityServiceError {
  readonly code = 'batch_encryption_key';
  /** Always `encryptionKey`. */
  readonly field = 'encryptionKey';

  /** @internal */
  constructor(problem: string) {
    super(`encryptionKey: ${problem}`);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}
