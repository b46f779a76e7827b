import type { DocumentUpload, DocumentUploadRequest, IdentityDocuments } from '../domain/index.js';
import type { CallOptions } from './identity-gateway.js';

/** Options of {@link DocumentGateway.list}. */
export interface ListDocumentsCallOptions extends CallOptions {
  /** Also list the mandatory document types still missing. */
  readonly includePending?: boolean;
}

/** The driven port to an identity's documents (`PUT` and `GET /identity/identities/{id}/documents`). */
export interface DocumentGateway {
  /**
   * Reserves an upload slot and resolves to the pre-signed URL to PUT the bytes to. Rejects with
   * DocumentAlreadyExistsError for a name the identity already has, IdentityNotFoundError for an unknown identity.
   */
  requestUpload(identityId: string, request: DocumentUploadRequest, options?: CallOptions): Promise<DocumentUpload>;
  /** The identity's documents, and the pending mandatory types when asked. */
  list(identityId: string, options?: ListDocumentsCallOptions): Promise<IdentityDocuments>;
}
