/**
 * A search document that can never be indexed as sent (retrying will not help): the handler
 * dead-letters its message with `code` as the reason, where an operator sees it.
 */
export class UnindexableDocumentError extends Error {
  constructor(
    readonly code: 'SearchDocumentEmpty' | 'SearchDocumentClientMismatch' | 'SearchDocumentSupersedesItself',
    message: string,
  ) {
    super(message);
    this.name = 'UnindexableDocumentError';
  }
}

export const isUnindexableDocument = (e: unknown): e is UnindexableDocumentError => e instanceof UnindexableDocumentError;
