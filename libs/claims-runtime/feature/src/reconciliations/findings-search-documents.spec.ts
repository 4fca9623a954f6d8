import { searchDocumentV1, type Finding, type ReconciliationSummary } from '@leaf/contracts';
import { findingsSearchDocument } from './findings-search-documents';

const summary = {
  claimCount: 1200,
  guaranteeShortfall: '900.00',
  auditImpact: '35.50',
  totalOwed: '935.50',
  findingTotals: [{ kind: 'duplicate_fill', category: 'audit', count: 2, impact: '35.50' }],
} as unknown as ReconciliationSummary;

const finding = (findingId: string, impact: string, detail: string): Finding =>
  ({
    findingId,
    kind: 'duplicate_fill',
    claimId: 'c-1',
    guaranteeId: null,
    channel: 'retail30',
    drugType: 'brand',
    impact,
    detail,
    claimCount: 1,
    evidence: [],
  }) as Finding;

describe('findings search document', () => {
  const run = {
    runId: 'run-1',
    clientId: 'northfield-tech',
    clientName: 'Northfield Tech',
    periodId: '2025',
    summary,
    findings: [finding('f-small', '0.50', 'small one'), finding('f-big', '35.00', 'duplicate of claim c-0')],
  };

  it('is a valid search document: the summary chunk, then the largest finding first, each with its locator', () => {
    const doc = searchDocumentV1.parse(findingsSearchDocument(run));
    expect(doc.source).toBe('claims-finding');
    expect(doc.objectId).toBe('run-1');
    expect(doc.chunks?.map((c) => c.locator)).toEqual(['summary', 'finding:f-big', 'finding:f-small']);
    expect(doc.chunks?.[0]?.text).toContain('total owed 935.50');
  });

  it('keeps one id per client and period, so a rerun replaces the earlier run in the index, and hashes the content', () => {
    const a = findingsSearchDocument(run);
    const b = findingsSearchDocument({ ...run, runId: 'run-2' });
    expect(b.documentId).toBe(a.documentId);
    expect(b.sha256).toBe(a.sha256);
    expect(findingsSearchDocument({ ...run, findings: [] }).sha256).not.toBe(a.sha256);
  });
});
