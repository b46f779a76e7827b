import {
  MAX_DOCUMENT_BYTES,
  sniffDocumentKind,
  type DocumentUploadRequest,
  type IdentityDocument,
} from '../../../domain/index.js';

/** A document slot of an identity: created by an upload request, filled when the bytes arrive. */
export interface DocumentRecord {
  readonly fileId: string;
  readonly identityId: string;
  readonly name: string;
  readonly documentTypes: readonly string[];
  readonly createdAt: string;
  /** The secret part of the pre-signed upload URL. */
  readonly uploadToken: string;
  uploaded: boolean;
}

/** Why an upload of bytes was refused. */
export type UploadRefusal = 'unknown-file' | 'too-large' | 'unsupported-type';

const CONTENT_TYPES: Readonly<Record<string, 'pdf' | 'jpg' | 'png'>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
};

/** One API user's documents and the document types Paxos asked each identity for. */
export class SimulatedDocuments {
  private readonly byIdentity = new Map<string, DocumentRecord[]>();
  private readonly required = new Map<string, Set<string>>();

  has(identityId: string, name: string): boolean {
    return (this.byIdentity.get(identityId) ?? []).some((d) => d.name === name);
  }

  add(record: DocumentRecord): void {
    let list = this.byIdentity.get(record.identityId);
    if (list === undefined) this.byIdentity.set(record.identityId, (list = []));
    list.push(record);
  }

  /** Adds `types` to what the identity must still provide. */
  require(identityId: string, types: readonly string[]): void {
    let set = this.required.get(identityId);
    if (set === undefined) this.required.set(identityId, (set = new Set()));
    for (const type of types) set.add(type);
  }

  /** True while a document type Paxos asked the identity for has no uploaded file (§8.6). */
  hasPending(identityId: string): boolean {
    return this.list(identityId, true).pendingDocuments.length > 0;
  }

  list(identityId: string, includePending: boolean): { documents: IdentityDocument[]; pendingDocuments: string[] } {
    const records = this.byIdentity.get(identityId) ?? [];
    const documents = records.map((d) => ({
      fileId: d.fileId,
      name: d.name,
      documentTypes: [...d.documentTypes],
      createdAt: d.createdAt,
    }));
    if (!includePending) return { documents, pendingDocuments: [] };
    const provided = new Set(records.filter((d) => d.uploaded).flatMap((d) => d.documentTypes));
    return { documents, pendingDocuments: [...(this.required.get(identityId) ?? [])].filter((t) => !provided.has(t)) };
  }
}

/**
 * Checks the bytes PUT to an upload URL as Paxos does: PDF, JPG or PNG (by magic bytes, else by content type) and
 * under 100 MB. Resolves to undefined when they are accepted.
 */
export function checkUploadBytes(
  bytes: Uint8Array,
  contentType: string | undefined,
  maxBytes = MAX_DOCUMENT_BYTES,
): UploadRefusal | undefined {
  if (bytes.length >= maxBytes) return 'too-large';
  const [mediaType] = contentType?.split(';') ?? [];
  const declared = mediaType === undefined ? undefined : CONTENT_TYPES[mediaType.trim().toLowerCase()];
  const kind = sniffDocumentKind(bytes) ?? declared;
  return kind === undefined ? 'unsupported-type' : undefined;
}

/** The request, with a record ready to store. */
export function newDocumentRecord(
  identityId: string,
  request: DocumentUploadRequest,
  fileId: string,
  uploadToken: string,
  createdAt: string,
): DocumentRecord {
  return {
    fileId,
    identityId,
    name: request.name,
    documentTypes: [...request.documentTypes],
    createdAt,
    uploadToken,
    uploaded: false,
  };
}
