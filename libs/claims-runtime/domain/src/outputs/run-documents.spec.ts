import { createHash } from 'node:crypto';
import { canonicalJson } from '@leaf/contracts';
import { reconciliationEngineVersion } from '../reconcile/engine-version';
import { auditRow, runSources } from '../testing/run-sources.fixture';
import { assembleRunDocuments, runFindings, runSummary } from './run-documents';

const parse = (json: string) => JSON.parse(json) as Record<string, unknown> & { findings: Record<string, unknown>[] };

describe('assembleRunDocuments', () => {
  const sources = runSources();
  const documents = assembleRunDocuments(sources);

  it('lists the shortfall findings first, then one finding per audit row in the rows order', () => {
    expect(documents.findings.map((f) => f.findingId)).toEqual([
      'shortfall:term:awp-r30-generic',
      'fee_above_contract:CLM-FEE',
      'duplicate_fill:CLM-DUP-2',
      'paid_above_uc:CLM-UC',
    ]);
    expect(runFindings(sources)).toEqual(documents.findings);
  });

  it('adds up the figures: claims and dollars from the aggregates, owed from the findings (fee excess is guarantee shortfall)', () => {
    expect(documents.summary).toEqual({
      claimCount: 12,
      eligibleClaimCount: 10,
      excludedClaimCount: 2,
      totalAwp: '1040.00',
      totalIngredientCostPaid: '262.00',
      eligibleAwp: '1000.00',
      eligibleIngredientCostPaid: '250.00',
      guaranteeShortfall: '50.50',
      auditImpact: '30.25',
      totalOwed: '80.75',
      findingTotals: [
        { kind: 'guarantee_shortfall', category: 'guarantee', count: 1, impact: '50.00' },
        { kind: 'paid_above_uc', category: 'audit', count: 1, impact: '3.25' },
        { kind: 'fee_above_contract', category: 'guarantee', count: 1, impact: '0.50' },
        { kind: 'duplicate_fill', category: 'audit', count: 1, impact: '27.00' },
      ],
      findingOverlap: { deducted: '0.00', kept: '0.00' },
    });
  });

  it('refuses to publish when the findings do not add up to the terms shortfall', () => {
    // The aggregates say one claim is 0.50 above the fee ceiling; no audit row says which.
    const missingFeeRow = runSources({ auditRows: [auditRow('paid_above_uc', 'CLM-UC', '3.25', { channel: 'mail' })] });
    expect(() => assembleRunDocuments(missingFeeRow)).toThrow("the guarantee findings (50.00) do not add up to the terms' shortfall (50.50)");
    expect(() => runSummary(missingFeeRow.totals, runFindings(missingFeeRow))).toThrow(/do not add up/);
  });

  it('records the inputs as canonical JSON, hashed: engine, period, mapping, audit rules, watermark, guarantee versions and only name, text and params of each query', () => {
    const queries = [{ name: 'watermark', text: 'SELECT 1', params: ['client-a'], dialect: 'postgres' }];
    const withExtra = assembleRunDocuments(runSources({ queries }));
    const inputs = parse(withExtra.inputsJson);
    expect(withExtra.inputsJson).toBe(canonicalJson(inputs));
    expect(withExtra.inputsSha256).toBe(createHash('sha256').update(withExtra.inputsJson).digest('hex'));
    expect(inputs).toEqual({
      engineVersion: reconciliationEngineVersion,
      clientId: 'client-a',
      periodId: 'py2025',
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      mapping: { table: 'claims', dialect: 'postgres' },
      auditRules: { refillTooSoon: true },
      watermark: { claimRows: 14, maxClaimId: 'CLM-UC', maxFillDate: '2025-12-30' },
      guarantees: JSON.parse(JSON.stringify(sources.plan.guarantees)),
      queries: [{ name: 'watermark', text: 'SELECT 1', params: ['client-a'] }],
    });
  });

  it('writes every finding with the claim ids behind it into the evidence, tied to the inputs by their hash', () => {
    const evidence = parse(documents.evidenceJson);
    expect(documents.evidenceJson).toBe(canonicalJson(evidence));
    expect(evidence['engineVersion']).toBe(reconciliationEngineVersion);
    expect(evidence['inputsSha256']).toBe(documents.inputsSha256);
    expect(evidence['summary']).toEqual(documents.summary);
    expect(evidence['buckets']).toEqual(JSON.parse(JSON.stringify(sources.totals.buckets)));
    expect(evidence.findings.map((f) => [f['findingId'], f['claimIds']])).toEqual([
      ['shortfall:term:awp-r30-generic', ['CLM-A', 'CLM-B']],
      ['fee_above_contract:CLM-FEE', ['CLM-FEE']],
      ['duplicate_fill:CLM-DUP-2', ['CLM-DUP-2']],
      ['paid_above_uc:CLM-UC', ['CLM-UC']],
    ]);
    expect(evidence.findings[2]).toMatchObject({ detail: 'duplicate of claim CLM-DUP-1 (same member, NDC, date and pharmacy)', impact: '27.00' });
    // A shortfall nobody collected claim ids for cites none (rather than failing).
    const none = parse(assembleRunDocuments(runSources({ claimIdsByFinding: new Map() })).evidenceJson);
    expect(none.findings[0]?.['claimIds']).toEqual([]);
  });

  it('is a function of its sources: the same sources give the same bytes, another watermark another inputs hash and evidence', () => {
    const again = assembleRunDocuments(runSources());
    expect(again).toEqual(documents);
    const later = assembleRunDocuments(runSources({ watermark: { claimRows: 15, maxClaimId: 'CLM-Z', maxFillDate: '2025-12-31' } }));
    expect(later.findings).toEqual(documents.findings);
    expect(later.inputsSha256).not.toBe(documents.inputsSha256);
    expect(later.evidenceJson).not.toBe(documents.evidenceJson);
  });
});
