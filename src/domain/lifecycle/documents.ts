import { IdentityValidationError } from '../shared/errors.js';
import { keys, readArray, readBoolean, readEnum, readObject, readString } from '../shared/guard.js';
import { ViolationList } from '../shared/violations.js';
import { DOCUMENT_TYPES, type DocumentType, type Open } from '../identity/enums.js';

/** Longest file name Paxos accepts (its 400 says "must provide a file name, up to 260 characters"). */
export const MAX_DOCUMENT_NAME_LENGTH = 260;

/** Largest file Paxos accepts: "less than 100 MB". */
export const MAX_DOCUMENT_BYTES = 100 * 1000 * 1000;

/**
 * A request for an upload slot: the file name and what the document proves.
 *
 * @example
 * ```ts
 * await service.requestDocumentUpload(identity.id, { name: 'articles.pdf', documentTypes: ['ORGANIZATIONAL_DOCUMENTS'] });
 * ```
 */
export interface DocumentUploadRequest {
  /** The file name, 1–260 characters, unique per identity. */
  name: string;
  documentTypes: DocumentType[];
}

/** Where to send the bytes: PUT the file (PDF, JPG or PNG, under 100 MB) to `uploadUrl`, a pre-signed URL. */
export interface DocumentUpload {
  readonly fileId: string;
  readonly name: string;
  readonly uploadUrl: string;
}

/** A document of an identity as Paxos lists it. Types are open: Paxos adds document types without notice. */
export interface IdentityDocument {
  readonly fileId: string;
  readonly name: string;
  readonly documentTypes: readonly Open<DocumentType>[];
  readonly createdAt?: string;
  readonly archivedAt?: string;
}

/** The documents of an identity and, when asked for, the mandatory types still missing. */
export interface IdentityDocuments {
  readonly documents: readonly IdentityDocument[];
  /** Document types Paxos still requires; empty unless `includePending` was asked for. */
  readonly pendingDocuments: readonly Open<DocumentType>[];
}

/** Options of a document listing. */
export interface ListDocumentsOptions {
  /** Also list the mandatory document types still missing (`include_pending_docs=true`). Default false. */
  includePending?: boolean;
}

const UPLOAD_FIELDS = keys('name', 'documentTypes');
// The per-call options ride along with the list options: they are checked where the call is sent.
const LIST_FIELDS = keys('includePending', 'signal', 'timeoutMs', 'maxRetries', 'headers', 'onResponse');

/**
 * Checks an upload request: a name of 1–260 characters without control characters or path separators, and at least
 * one known document type (types are checked on the way out; unknown ones are accepted on the way in).
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseDocumentUploadRequest(value: unknown): DocumentUploadRequest {
  const v = new ViolationList();
  const f = readObject(v, '', value, UPLOAD_FIELDS, true);
  let name: string | undefined;
  let documentTypes: DocumentType[] | undefined;
  if (f !== undefined) {
    name = readString(v, 'name', f.get('name'), { required: true, max: MAX_DOCUMENT_NAME_LENGTH });
    if (name !== undefined && /[\\/]/.test(name)) {
      v.add('name', 'pattern', 'must be a file name, without "/" or "\\"');
      name = undefined;
    }
    documentTypes = readArray(
      v,
      'documentTypes',
      f.get('documentTypes'),
      { required: true, minItems: 1, maxItems: DOCUMENT_TYPES.length },
      (path, item) => readEnum(v, path, item, DOCUMENT_TYPES, true),
    );
  }
  if (!v.isEmpty || name === undefined || documentTypes === undefined)
    throw new IdentityValidationError(v.items, { subject: 'document upload' });
  return { name, documentTypes: [...new Set(documentTypes)] };
}

/**
 * Checks the options of a document listing.
 *
 * @throws {IdentityValidationError} naming every bad field.
 */
export function parseListDocumentsOptions(value: unknown): ListDocumentsOptions {
  if (value === undefined) return {};
  const v = new ViolationList();
  const f = readObject(v, '', value, LIST_FIELDS, false);
  const includePending = f === undefined ? undefined : readBoolean(v, 'includePending', f.get('includePending'));
  if (!v.isEmpty) throw new IdentityValidationError(v.items, { subject: 'document list options' });
  return includePending === undefined ? {} : { includePending };
}

/**
 * The file kind Paxos accepts, from the first bytes: `pdf`, `jpg` or `png`; undefined for anything else.
 *
 * @example
 * ```ts
 * sniffDocumentKind(new TextEncoder().encode('%PDF-1.7')); // 'pdf'
 * ```
 */
export function sniffDocumentKind(bytes: Uint8Array): 'pdf' | 'jpg' | 'png' | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  return undefined;
}
