import {
  IdentityValidationError,
  type DocumentUpload,
  type DocumentUploadRequest,
  type IdentityDocuments,
  type PaxosEvent,
  type Violation,
} from '../../domain/index.js';
import type { CallOptions, DocumentGateway, ListDocumentsCallOptions } from '../../ports/index.js';
import type { UploadRefusal } from './simulation/simulated-documents.js';
import type { PaxosSimulator } from './simulation/paxos-simulator.js';
import type { InMemorySharedState } from './in-memory-member-gateway.js';
import { answeredWith } from './simulation/paxos-status.js';
import { settle } from './settle.js';

const MEMORY_URL = /^memory:\/\/documents\/([^/?#]+)\?token=([^&#]+)$/;

const REFUSALS: Readonly<Record<UploadRefusal, { status: number; message: string }>> = {
  'unknown-file': { status: 403, message: 'is not an upload URL this fake handed out' },
  'too-large': { status: 413, message: 'must be smaller than 100 MB' },
  'unsupported-type': { status: 400, message: 'must be a PDF, JPG or PNG file' },
};

/**
 * The in-memory {@link DocumentGateway}. Its upload URLs are `memory://documents/{fileId}?token=…`, which the global
 * `fetch` refuses: hand the bytes to {@link InMemoryDocumentGateway.upload} where your code would PUT them, or PUT
 * them with the `fetch` of a test kit (`createTestKit` in `paxos-identity/testing`), which calls it.
 *
 * @example
 * ```ts
 * const { uploadUrl } = await documents.requestUpload(id, { name: 'id.png', documentTypes: ['IDENTITY_VERIFICATION'] });
 * await documents.upload(uploadUrl, pngBytes, 'image/png');
 * ```
 */
export class InMemoryDocumentGateway implements DocumentGateway {
  private readonly simulator: PaxosSimulator;
  private readonly clientId: string;

  constructor(state: InMemorySharedState) {
    this.simulator = state.simulator;
    this.clientId = state.clientId ?? 'in-memory';
  }

  requestUpload(identityId: string, request: DocumentUploadRequest, options?: CallOptions): Promise<DocumentUpload> {
    return settle(() => {
      return this.simulator.requestDocumentUpload(
        this.clientId,
        identityId,
        request,
        (fileId, token) => `memory://documents/${fileId}?token=${token}`,
      );
    }, options);
  }

  list(identityId: string, options?: ListDocumentsCallOptions): Promise<IdentityDocuments> {
    return settle(() => {
      return this.simulator.listDocuments(this.clientId, identityId, options?.includePending ?? false);
    }, options);
  }

  /**
   * What a PUT of the bytes to the upload URL does: stores the file (PDF, JPG or PNG, under 100 MB) and clears the
   * pending document types it covers.
   *
   * @throws {IdentityValidationError} with path `file` (status 400, 403 or 413, as the object store would answer):
   * also status 400 when `bytes` is not a `Uint8Array`.
   */
  upload(uploadUrl: string, bytes: Uint8Array, contentType?: string): Promise<void> {
    return settle(() => {
      // A string or an ArrayBuffer would otherwise be refused as "not a PDF", which sends a test looking at its file.
      const given: unknown = bytes;
      if (!(given instanceof Uint8Array)) {
        const got = given === null ? 'null' : typeof given === 'object' ? 'an object' : `a ${typeof given}`;
        const violation: Violation = {
          path: 'file',
          code: 'type',
          message: `file: must be the file's bytes as a Uint8Array (a Buffer is one), got ${got}`,
        };
        throw answeredWith(new IdentityValidationError([violation]), 400);
      }
      const [, fileId, token] = typeof uploadUrl === 'string' ? (MEMORY_URL.exec(uploadUrl) ?? []) : [];
      const refusal =
        fileId === undefined || token === undefined
          ? 'unknown-file'
          : this.simulator.uploadDocument(fileId, token, bytes, contentType);
      if (refusal === undefined) return;
      const { status, message } = REFUSALS[refusal];
      const violation: Violation = {
        path: 'file',
        code: refusal === 'unknown-file' ? 'not_found' : refusal === 'too-large' ? 'range' : 'format',
        message: `file: ${message}`,
      };
      throw answeredWith(new IdentityValidationError([violation]), status);
    });
  }

  /** Sandbox control: Paxos asks the identity for these document types and emits `identity.documents_required`. */
  requireDocuments(identityId: string, documentTypes: readonly string[]): Promise<PaxosEvent> {
    return settle(() => {
      return this.simulator.requireDocuments(this.clientId, identityId, documentTypes);
    });
  }
}
