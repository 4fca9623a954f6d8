import type { Finding } from '@leaf/contracts';
import { reconciliationEngineVersion } from '../reconcile/engine-version';
import { groupBuckets } from '../report/bucket-groups';
import type { NotGuaranteedCell } from '../report/reconciliation-report';
import { finding as fixtureFinding, runSources } from '../testing/run-sources.fixture';
import { assembleRunDocuments } from './run-documents';
import { asOfWatermark, assembleRunReport, largestFindings, topFindingCount } from './run-report';

const finding = (id: string, impact: string) => fixtureFinding('paid_above_uc', impact, id);

describe('largestFindings', () => {
  it('orders by impact to the cent, largest first, ties by finding id, and keeps the top 25', () => {
    const many = Array.from({ length: 30 }, (_, i) => finding(`f${String(i).padStart(2, '0')}`, `${i}.00`));
    const top = largestFindings([finding('b', '10.00'), finding('a', '10.00'), finding('c', '9.99'), finding('d', '100.00')]);
    expect(top.map((f) => f.findingId)).toEqual(['d:100.00', 'a:10.00', 'b:10.00', 'c:9.99']);
    const cut = largestFindings(many);
    expect(cut).toHaveLength(topFindingCount);
    expect(cut.map((f) => f.impact)).toEqual(Array.from({ length: 25 }, (_, i) => `${29 - i}.00`));
    // The findings themselves keep their order (the workbook lists them as they are).
    expect(many[0]?.findingId).toBe('f00:0.00');
  });
});

describe('asOfWatermark', () => {
  it('cites the claim count, last fill date and last claim id, a dash where the source had none', () => {
    expect(asOfWatermark({ claimRows: 14, maxFillDate: '2025-12-30', maxClaimId: 'CLM-9' })).toBe('claims=14;maxFill=2025-12-30;maxId=CLM-9');
    expect(asOfWatermark({ claimRows: 0, maxFillDate: null, maxClaimId: null })).toBe('claims=0;maxFill=-;maxId=-');
  });
});

describe('assembleRunReport', () => {
  const sources = runSources();
  const documents = assembleRunDocuments(sources);
  const notGuaranteed: NotGuaranteedCell[] = [
    { metric: 'awp_discount', channel: 'mail', drugType: 'brand', claimCount: 3, excludedClaimCount: 0, awp: '90.00', ingredientCostPaid: '70.00' },
  ];
  const report = assembleRunReport({
    subject: { clientId: 'client-a', clientName: 'Client A', periodId: 'py2025', periodStart: '2025-01-01', periodEnd: '2025-12-31', pbmName: 'PBM' },
    sourceRunId: 'rec_first',
    documents,
    evidenceSha256: 'e'.repeat(64),
    watermark: sources.watermark,
    buckets: sources.totals.buckets,
    guarantees: sources.plan.guarantees,
    notGuaranteed,
  });

  it('names the run that first computed these inputs, and carries the figures the documents hold', () => {
    expect(report).toMatchObject({
      runId: 'rec_first',
      clientName: 'Client A',
      pbmName: 'PBM',
      inputsSha256: documents.inputsSha256,
      codeVersion: reconciliationEngineVersion,
      asOf: 'claims=14;maxFill=2025-12-30;maxId=CLM-UC',
      summary: documents.summary,
      findingTotals: documents.summary.findingTotals,
      notGuaranteed,
    });
    expect(report.bucketGroups).toEqual(groupBuckets(sources.totals.buckets));
    expect(report.topFindings.map((f) => f.findingId)).toEqual([
      'shortfall:term:awp-r30-generic',
      'duplicate_fill:CLM-DUP-2',
      'paid_above_uc:CLM-UC',
      'fee_above_contract:CLM-FEE',
    ]);
  });

  it('streams every finding in the documents order, as often as a renderer asks', async () => {
    for (let pass = 0; pass < 2; pass++) {
      const streamed: Finding[] = [];
      for await (const f of report.findings()) streamed.push(f);
      expect(streamed).toEqual(documents.findings);
    }
  });

  it('cites the inputs, the findings evidence, then each guarantee version at its source', () => {
    expect(report.evidence).toEqual([
      { name: 'run-inputs.json', sha256: documents.inputsSha256, reference: 'mapping, watermark, guarantee versions, queries and parameters' },
      { name: 'findings-evidence.json', sha256: 'e'.repeat(64), reference: 'every finding with the claim ids behind it' },
      { name: 'awp-r30-generic v1', sha256: 'awp-r30-generic-sha', reference: 'contract-packet packet-awp-r30-generic page 3' },
      { name: 'fee-every-channel v1', sha256: 'fee-every-channel-sha', reference: 'contract-packet packet-fee-every-channel page 3' },
    ]);
  });
});
