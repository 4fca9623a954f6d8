import { moduleOf, objectIdOf, searchDocumentV1 } from './search-document';
import { searchQuerySchema } from './search.api';
import { topicCatalogue } from '../messaging/topology';

const sha = 'a'.repeat(64);

describe('the search-document contract', () => {
  it('accepts the body contract-packets publishes today and derives module and object id from it', () => {
    const body = {
      documentId: 'contract-packet:pkt-1',
      clientId: 'northfield-tech',
      source: 'contract-packet' as const,
      title: 'Rate schedule.xlsx',
      text: 'Metric\tChannel',
      sha256: sha,
      locator: 'p1',
    };
    const doc = searchDocumentV1.parse(body);
    expect(moduleOf(doc)).toBe('contracts');
    expect(objectIdOf(doc)).toBe('contract-packet:pkt-1');
  });

  it('is the one schema of every search-document topic', () => {
    expect(topicCatalogue['contracts.search-documents.v1']).toBe(searchDocumentV1);
    expect(topicCatalogue['salesforce.search-documents.v1']).toBe(searchDocumentV1);
    expect(topicCatalogue['claims.search-documents.v1']).toBe(searchDocumentV1);
  });

  it('refuses what cannot be indexed safely: an unknown source, a bad hash, a client id that is no client id, an empty chunk', () => {
    const base = { documentId: 'd', clientId: 'acme', source: 'salesforce', title: 't', text: 'x', sha256: sha, locator: 'l' };
    expect(searchDocumentV1.safeParse({ ...base, source: 'email' }).success).toBe(false);
    expect(searchDocumentV1.safeParse({ ...base, sha256: 'abc' }).success).toBe(false);
    expect(searchDocumentV1.safeParse({ ...base, clientId: '../Acme' }).success).toBe(false);
    expect(searchDocumentV1.safeParse({ ...base, chunks: [{ locator: 'p1', text: '' }] }).success).toBe(false);
    expect(
      searchDocumentV1.safeParse({
        ...base,
        action: 'delete',
        supersedes: ['d-old'],
        minRole: 'analyst',
        module: 'requests',
        updatedAt: '2026-12-03T10:00:00Z',
      }).success,
    ).toBe(true);
  });

  it('bounds the search query', () => {
    expect(searchQuerySchema.parse({ q: ' discount ' })).toEqual({ q: 'discount', limit: 10 });
    expect(searchQuerySchema.safeParse({ q: '   ' }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: 'x', limit: '51' }).success).toBe(false);
    expect(searchQuerySchema.safeParse({ q: 'x', module: 'email' }).success).toBe(false);
  });
});
