import type { DocumentUpload, DocumentUploadRequest, IdentityDocument, IdentityDocuments } from '../../domain/index.js';
import type { CallOptions, DocumentGateway, ListDocumentsCallOptions } from '../../ports/index.js';
import {
  DocumentUploadResponseDto,
  ListIdentityDocumentsResponseDto,
  type DocumentDescriptionDto,
} from './dto/lifecycle.dto.js';
import type { PaxosConnection } from './connection.js';

const DOCUMENTS = '/identity/identities/{identity_id}/documents';

function documentFromWire(wire: DocumentDescriptionDto): IdentityDocument {
  return {
    fileId: wire.file_id,
    name: wire.name ?? '',
    documentTypes: wire.document_types ?? [],
    ...(wire.created_at !== undefined && { createdAt: wire.created_at }),
    ...(wire.archived_at !== undefined && { archivedAt: wire.archived_at }),
  };
}

/**
 * The {@link DocumentGateway} port over Paxos: `PUT` and `GET /identity/identities/{identity_id}/documents`. The
 * upload itself goes to the pre-signed `uploadUrl` (an object store), not through this gateway.
 */
export class PaxosDocumentGateway implements DocumentGateway {
  readonly #transport: PaxosConnection;

  constructor(transport: PaxosConnection) {
    this.#transport = transport;
  }

  /** `PUT …/documents` with `{name, document_types}`; a repeat meets the same name and answers 409. */
  async requestUpload(
    identityId: string,
    request: DocumentUploadRequest,
    options: CallOptions = {},
  ): Promise<DocumentUpload> {
    const answer = await this.#transport.send({
      method: 'PUT',
      path: `/identity/identities/${encodeURIComponent(identityId)}/documents`,
      template: DOCUMENTS,
      budget: 'identity',
      body: { name: request.name, document_types: [...request.documentTypes] },
      // Not retried: a lost answer would make the repeat a 409 for the slot the first call reserved.
      idempotent: false,
      readJson: true,
      resource: { identity: identityId },
      conflict: 'document',
      call: options,
    });
    const dto = this.#transport.decode(DocumentUploadResponseDto, answer, 'a document upload response');
    if (!/^https?:\/\//i.test(dto.upload_url))
      throw this.#transport.invalid(answer, 'a document upload response', ['upload_url: must be an http(s) URL']);
    return { fileId: dto.file_id, name: dto.name ?? request.name, uploadUrl: dto.upload_url };
  }

  /** `GET …/documents`, with `include_pending_docs=true` when `includePending`. */
  async list(identityId: string, options: ListDocumentsCallOptions = {}): Promise<IdentityDocuments> {
    const answer = await this.#transport.send({
      method: 'GET',
      path: `/identity/identities/${encodeURIComponent(identityId)}/documents`,
      template: DOCUMENTS,
      budget: 'identity',
      ...(options.includePending === true && { query: 'include_pending_docs=true' }),
      idempotent: true,
      readJson: true,
      resource: { identity: identityId },
      call: options,
    });
    const dto = this.#transport.decode(ListIdentityDocumentsResponseDto, answer, 'a document list');
    return { documents: (dto.documents ?? []).map(documentFromWire), pendingDocuments: dto.pending_documents ?? [] };
  }
}
