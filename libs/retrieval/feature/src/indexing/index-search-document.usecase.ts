import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { moduleOf, objectIdOf, type SearchDocumentV1 } from '@leaf/contracts';
import { SEARCH_INDEX, SearchDocumentsRegistry, type IndexChunk, type RegisteredDocument, type SearchIndex } from '@leaf/retrieval/data-access';
import { chunkDocument, roleRank, type EmbeddingFunction } from '@leaf/retrieval/domain';
import { EMBEDDING } from '../retrieval.tokens';
import { UnindexableDocumentError } from './unindexable-document.error';

export type IndexOutcome = 'indexed' | 'unchanged' | 'stale' | 'deleted' | 'absent' | 'superseded';

/** Chunks and their embeddings, computed before the transaction (an embedding call can be slow). */
export interface PreparedChunks {
  readonly sha256: string;
  readonly chunks: IndexChunk[];
}

/**
 * Applies one search document to the registry and the index, in the caller's transaction:
 *
 * * idempotent on the content hash: the same hash (and the same scope) changes nothing;
 * * a `delete` removes the document's chunks; a document naming others in `supersedes` makes
 *   them drop out (status `superseded`, chunks removed); a document already superseded stays
 *   out when it is re-sent;
 * * an older `updatedAt` never overwrites a newer version;
 * * a document id seen before under another client is refused (dead-lettered): a document never
 *   moves between clients.
 */
@Injectable()
export class IndexSearchDocument {
  constructor(
    private readonly registry: SearchDocumentsRegistry,
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(EMBEDDING) private readonly embedding: EmbeddingFunction,
  ) {}

  /** Chunks and embeds the document's text (the title is embedded with each chunk). */
  async prepare(doc: SearchDocumentV1): Promise<PreparedChunks> {
    const chunks = chunkDocument(doc);
    const vectors = chunks.length ? await this.embedding.embed(chunks.map((c) => `${doc.title}\n${c.text}`)) : [];
    return { sha256: doc.sha256, chunks: chunks.map((c, seq) => ({ seq, locator: c.locator, text: c.text, embedding: vectors[seq] ?? null })) };
  }

  async apply(doc: SearchDocumentV1, m: EntityManager, prepared?: PreparedChunks): Promise<IndexOutcome> {
    const existing = await this.registry.find(m, doc.documentId);
    if (existing && existing.clientId !== doc.clientId) {
      throw new UnindexableDocumentError(
        'SearchDocumentClientMismatch',
        `document ${doc.documentId} belongs to another client; a document never moves between clients`,
      );
    }
    if (doc.supersedes?.includes(doc.documentId))
      throw new UnindexableDocumentError('SearchDocumentSupersedesItself', `document ${doc.documentId} names itself in supersedes`);
    if (existing?.sourceUpdatedAt && doc.updatedAt && Date.parse(doc.updatedAt) < Date.parse(existing.sourceUpdatedAt)) return 'stale';

    if ((doc.action ?? 'upsert') === 'delete') {
      if (!existing) return 'absent';
      await this.index.remove([doc.documentId], m);
      await this.registry.save(m, { ...existing, status: 'deleted', sourceUpdatedAt: doc.updatedAt ?? existing.sourceUpdatedAt });
      return 'deleted';
    }

    const record = this.record(doc, existing);
    const outcome = await this.upsert(doc, record, existing, m, prepared);
    await this.supersede(doc, m);
    return outcome;
  }

  private async upsert(
    doc: SearchDocumentV1,
    record: RegisteredDocument,
    existing: RegisteredDocument | null,
    m: EntityManager,
    prepared?: PreparedChunks,
  ): Promise<IndexOutcome> {
    if (existing?.status === 'superseded') {
      // Kept out of the index: what replaced it stays the answer. The body is kept for the record.
      await this.registry.save(m, { ...record, status: 'superseded', supersededBy: existing.supersededBy });
      return 'superseded';
    }
    if (existing?.status === 'indexed' && sameVersion(existing, record)) return 'unchanged';
    const chunks = prepared && prepared.sha256 === doc.sha256 ? prepared : await this.prepare(doc);
    if (!chunks.chunks.length)
      throw new UnindexableDocumentError('SearchDocumentEmpty', `document ${doc.documentId} has no text to index; send action "delete" to remove a document`);
    await this.registry.save(m, record);
    await this.index.replace(
      {
        documentId: doc.documentId,
        module: record.module,
        clientId: doc.clientId,
        source: doc.source,
        objectId: record.objectId,
        title: doc.title,
        sha256: doc.sha256,
        minRole: record.minRole,
        embeddingModel: this.embedding.name,
        chunks: chunks.chunks,
      },
      m,
    );
    return 'indexed';
  }

  private async supersede(doc: SearchDocumentV1, m: EntityManager): Promise<void> {
    // Only documents of the same client: a publisher cannot reach into another client's index.
    const dropped = await this.registry.supersede(m, doc.clientId, doc.supersedes ?? [], doc.documentId);
    if (dropped.length) await this.index.remove(dropped, m);
  }

  private record(doc: SearchDocumentV1, existing: RegisteredDocument | null): RegisteredDocument {
    return {
      documentId: doc.documentId,
      module: moduleOf(doc),
      clientId: doc.clientId,
      source: doc.source,
      objectId: objectIdOf(doc),
      kind: doc.kind ?? null,
      title: doc.title,
      sha256: doc.sha256,
      locator: doc.locator,
      minRole: doc.minRole ? roleRank(doc.minRole) : 0,
      status: 'indexed',
      supersededBy: null,
      sourceUpdatedAt: doc.updatedAt ?? existing?.sourceUpdatedAt ?? null,
      body: JSON.stringify(doc),
    };
  }
}

/** Same content and the same place in the index: nothing to redo. */
function sameVersion(a: RegisteredDocument, b: RegisteredDocument): boolean {
  return a.sha256 === b.sha256 && a.module === b.module && a.minRole === b.minRole && a.title === b.title && a.objectId === b.objectId;
}
