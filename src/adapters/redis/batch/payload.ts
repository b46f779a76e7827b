import { createHash, createHmac } from 'node:crypto';
import type { CreateIdentityCommand } from '../../../domain/index.js';
import { deriveKey, keyBytes, open, seal } from '../encryption.js';
import { BatchConfigurationError, BatchEncryptionKeyError } from './errors.js';

/** What a job holds: its line and `refId` in clear (the user's references), the whole command sealed. */
export interface BatchJobData {
  /** Format of the job, so that a later version can read older batches. */
  readonly v: 1;
  readonly line: number;
  readonly refId: string;
  /** base64 of AES-256-GCM `iv | tag | ciphertext` of the command's JSON, bound to the batch and the job id. */
  readonly sealed: string;
  /** Transient failures of calls that may have reached Paxos, so that a line failing for ever ends. */
  readonly tries?: number;
}

/** The keys derived from the user's one key: the payloads' and the check value's. */
export interface BatchKeys {
  readonly payload: Buffer;
  readonly check: Buffer;
}

/** @throws {BatchConfigurationError} (`field: 'encryptionKey'`) when the key is not 32 bytes. */
export function batchKeys(key: Buffer | string): BatchKeys {
  let master: Buffer;
  try {
    master = keyBytes(key);
  } catch {
    throw new BatchConfigurationError('encryptionKey', 'must be 32 bytes (a Buffer, or its base64 or base64url)');
  }
  return {
    payload: deriveKey(master, 'paxos-identity batch payload'),
    check: deriveKey(master, 'paxos-identity batch key check'),
  };
}

/**
 * The id of a line's job: a hash of the batch name and the `refId`, so that enqueuing the same line again finds the
 * same job. BullMQ refuses ids with `:` and reads digits-only ids as its own counter: the `r-` prefix and hex avoid
 * both.
 */
export function jobIdOf(name: string, refId: string): string {
  return `r-${createHash('sha256').update(`${name}\0${refId}`).digest('hex').slice(0, 40)}`;
}

/** What a batch stores to tell its key from another: an HMAC with a derived key, never the key. */
export function keyCheckOf(keys: BatchKeys, name: string): string {
  return createHmac('sha256', keys.check).update(`paxos-identity batch ${name}`).digest('base64url');
}

/** A payload copied to another job or batch must not open there. */
function aadOf(name: string, jobId: string): string {
  return `paxos-identity batch\0${name}\0${jobId}`;
}

export function sealCommand(keys: BatchKeys, name: string, jobId: string, command: CreateIdentityCommand): string {
  return seal(keys.payload, aadOf(name, jobId), JSON.stringify(command)).toString('base64');
}

/** @throws {BatchEncryptionKeyError} when the payload does not open with this key (another key, tampering). */
export function openCommand(keys: BatchKeys, name: string, jobId: string, sealed: string): CreateIdentityCommand {
  const plain = open(keys.payload, aadOf(name, jobId), Buffer.from(sealed, 'base64'));
  if (plain === undefined) throw new BatchEncryptionKeyError('the payload of a line does not decrypt with this key');
  try {
    return JSON.parse(plain) as CreateIdentityCommand;
  } catch {
    throw new BatchEncryptionKeyError('the payload of a line decrypts to no command');
  }
}
