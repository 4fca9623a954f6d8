import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { SearchDocumentV1 } from '@leaf/contracts';
import { BusContext, idempotentHandler } from '@leaf/messaging';
import { DATA_SOURCE } from '@leaf/persistence';
import { SearchDocumentsRegistry } from '@leaf/retrieval/data-access';
import type { DataSource } from 'typeorm';
import { IndexSearchDocument, type PreparedChunks } from './index-search-document.usecase';
import { isUnindexableDocument } from './unindexable-document.error';

/**
 * Every `<domain>.search-documents.v1` topic, on retrieval's own subscription. The payload
 * arrives checked against the one search-document contract. Chunks and embeddings are computed
 * first (unless the registry already holds this hash), then the inbox record, the registry and
 * the index change in one transaction, so a redelivery changes nothing. A document that can never
 * be indexed as sent is dead-lettered with the reason; anything else is retried.
 */
@Controller()
export class SearchDocumentsHandlers {
  private readonly log = new Logger('SearchDocuments');

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly indexing: IndexSearchDocument,
    private readonly registry: SearchDocumentsRegistry,
  ) {}

  @EventPattern('contracts.search-documents.v1')
  contracts(@Payload() doc: SearchDocumentV1, @Ctx() ctx: BusContext): Promise<void> {
    return this.handle(doc, ctx);
  }

  @EventPattern('salesforce.search-documents.v1')
  salesforce(@Payload() doc: SearchDocumentV1, @Ctx() ctx: BusContext): Promise<void> {
    return this.handle(doc, ctx);
  }

  @EventPattern('claims.search-documents.v1')
  claims(@Payload() doc: SearchDocumentV1, @Ctx() ctx: BusContext): Promise<void> {
    return this.handle(doc, ctx);
  }

  private async handle(doc: SearchDocumentV1, ctx: BusContext): Promise<void> {
    const settlement = ctx.getSettlement();
    try {
      const prepared = await this.prepareUnlessKnown(doc);
      await idempotentHandler(this.ds, 'retrieval', async (message, manager) => {
        const outcome = await this.indexing.apply(doc, manager, prepared);
        this.log.log({
          msg: 'search document applied',
          documentId: doc.documentId,
          clientId: doc.clientId,
          source: doc.source,
          messageId: message.messageId,
          outcome,
        });
      })(ctx.getMessage(), settlement);
    } catch (error) {
      if (!isUnindexableDocument(error)) throw error;
      this.log.warn({ msg: 'search document dead-lettered', documentId: doc.documentId, clientId: doc.clientId, reason: error.code });
      await settlement.deadLetter({ reason: error.code, description: error.message });
    }
  }

  private async prepareUnlessKnown(doc: SearchDocumentV1): Promise<PreparedChunks | undefined> {
    if ((doc.action ?? 'upsert') === 'delete') return undefined;
    const known = await this.registry.transaction((m) => this.registry.find(m, doc.documentId));
    if (known && known.sha256 === doc.sha256 && known.status !== 'deleted') return undefined;
    return this.indexing.prepare(doc);
  }
}
