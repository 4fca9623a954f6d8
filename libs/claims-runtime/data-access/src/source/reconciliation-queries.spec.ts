import { Parser } from 'node-sql-parser';
import { planReconciliation, type PlannedGuarantee } from '@leaf/claims-runtime/domain';
import type { ContractGuarantee } from '@leaf/contracts';
import { canonicalClaimsMapping, claimsSourceMappingSchema, sourceClaimFields, type ClaimsSourceMapping } from './claims-source-mapping';
import { assertReadOnlySql } from './read-only-sql';
import { isClaimsSourceError } from './claims-source.error';
import { auditFindingsQuery, auditRulesFor, bucketAggregateQuery, termClaimIdsQuery, watermarkQuery, type SourceQuery } from './reconciliation-queries';

const period = {
  clientId: 'acme',
  periodId: 'acme-py2025',
  startDate: '2025-01-01',
  endDate: '2025-12-31',
};
const term = (id: string, g: Partial<ContractGuarantee>): PlannedGuarantee => ({
  guaranteeId: id,
  clientId: period.clientId,
  periodId: period.periodId,
  version: 1,
  metric: 'awp_discount',
  channel: 'retail30',
  drugType: 'brand',
  guaranteedValue: '0.185',
  method: 'aggregate',
  exclusions: ['uc_priced', 'compound', '340b'],
  evidence: {
    sourceSystem: 'contract-packet',
    objectId: 'pkt-1',
    sha256: null,
    locator: 'Rates!C7',
  },
  offsetGroup: null,
  findingOverlap: 'deduct',
  ...g,
});
const plan = planReconciliation({
  clientId: period.clientId,
  periodId: period.periodId,
  periodStart: period.startDate,
  periodEnd: period.endDate,
  guarantees: [
    term('awp-r30-b', {}),
    term('awp-mail-g', {
      channel: 'mail',
      drugType: 'generic',
      guaranteedValue: '0.87',
    }),
    term('fee-r30', {
      metric: 'dispensing_fee',
      drugType: null,
      guaranteedValue: '1.25',
      method: 'per_claim',
      exclusions: ['uc_priced', 'compound'],
    }),
    term('fee-mail', {
      metric: 'dispensing_fee',
      channel: 'mail',
      drugType: null,
      guaranteedValue: '0',
      method: 'per_claim',
      exclusions: ['uc_priced', 'compound'],
    }),
    term('rebate-sp', {
      metric: 'rebate_per_brand_claim',
      channel: 'specialty',
      guaranteedValue: '1500',
      exclusions: ['340b', 'compound'],
    }),
  ],
});

/** A production-style SQL Server mapping: its own schema, table, column names and codes. */
const mssqlMapping: ClaimsSourceMapping = claimsSourceMappingSchema.parse({
  dialect: 'mssql',
  schema: 'rx',
  table: 'ClaimDetail',
  columns: {
    claimId: 'ClaimNbr',
    clientId: 'GroupId',
    memberId: 'MemberId',
    pharmacyNpi: 'PharmacyNPI',
    fillDate: 'DateFilled',
    ndc: 'NDC11',
    drugType: 'BrandGenericInd',
    channel: 'ChannelCd',
    daysSupply: 'DaysSupply',
    awp: 'AWPAmt',
    ingredientCostPaid: 'IngredCostPaid',
    dispensingFeePaid: 'DispFeePaid',
    usualAndCustomary: 'UCAmt',
    isCompound: 'CompoundFlag',
    is340b: 'Flag340B',
    isReversal: 'ReversalFlag',
    reversesClaimId: 'OrigClaimNbr',
    isUcPriced: 'UCPricedFlag',
  },
  channelCodes: {
    retail30: 'R30',
    retail90: 'R90',
    mail: 'MO',
    specialty: 'SP',
  },
  drugTypeCodes: { brand: 'B', generic: 'G' },
});

/** The same source with the optional PBM audit detail mapped (its own names and codes). */
const mssqlAuditMapping: ClaimsSourceMapping = claimsSourceMappingSchema.parse({
  ...mssqlMapping,
  columns: {
    ...mssqlMapping.columns,
    monyCode: 'MultiSourceCd',
    dawCode: 'DAWCd',
    gpi: 'GPI14',
    quantity: 'QtyDispensed',
    basisOfReimbursement: 'BasisReimbCd',
    pharmacyNetworkStatus: 'NetworkInd',
    pharmacyType: 'PharmTypeCd',
    adjudicationDate: 'AdjudDate',
    pharmacyIngredientCostPaid: 'PharmIngredPaid',
    patientPayAmount: 'PatientPayAmt',
  },
  basisCodes: {
    awp: '03',
    mac: '06',
    wac: '13',
    nadac: '20',
    uc: '04',
    submitted: '01',
  },
  networkStatusCodes: { in_network: 'P', out_of_network: 'O' },
});

const queriesFor = (mapping: ClaimsSourceMapping): SourceQuery[] => [
  watermarkQuery(mapping, period.clientId),
  bucketAggregateQuery(mapping, plan),
  auditFindingsQuery(mapping, plan),
  ...plan.guarantees.map((g) => termClaimIdsQuery(mapping, plan, g)),
];

const parser = new Parser();
const statementTypes = (sql: string, database: 'transactsql' | 'postgresql') => {
  const ast = parser.astify(sql, { database });
  return (Array.isArray(ast) ? ast : [ast]).map((s) => s.type);
};

describe('claims source queries', () => {
  it('are valid T-SQL for the SQL Server mapping: one SELECT each, @N parameters, bracketed identifiers, codes as parameters', () => {
    for (const q of queriesFor(mssqlMapping)) {
      expect(statementTypes(q.text, 'transactsql')).toEqual(['select']);
      expect(q.text).toContain('[rx].[ClaimDetail]');
      expect(q.text).not.toMatch(/\$\d/);
      expect(q.text).not.toContain("'R30'");
      const markers = [...q.text.matchAll(/@(\d+)/g)].map((m) => Number(m[1]));
      expect(Math.max(...markers) + 1).toBe(q.params.length);
    }
    expect(bucketAggregateQuery(mssqlMapping, plan).params).toEqual(expect.arrayContaining(['R30', period.clientId]));
  });

  it('run the MONY/DAW reclassification and the refill-too-soon check by GPI only where the mapping maps their fields: valid T-SQL with the definition, discounts and refill share as parameters; a malformed optional field is refused', () => {
    expect(auditRulesFor(mssqlMapping)).toEqual({
      runs: [],
      skipped: [
        { rule: 'brand_generic_reclass', missing: ['monyCode', 'dawCode'] },
        { rule: 'refill_too_soon', missing: ['gpi'] },
        { rule: 'daw_penalty', missing: ['monyCode', 'dawCode', 'patientPayAmount'] },
      ],
    });
    expect(auditFindingsQuery(mssqlMapping, plan).text).not.toContain('refill_too_soon');
    expect(auditFindingsQuery(mssqlMapping, plan).text).not.toContain('daw_penalty');
    // The days-supply ceiling needs no optional field: it runs on every mapping, the maxima as parameters.
    expect(auditFindingsQuery(mssqlMapping, plan).text).toContain("'implausible_days_supply'");
    expect(auditFindingsQuery(mssqlMapping, plan).params).toEqual(expect.arrayContaining([34, 102]));
    expect(auditFindingsQuery(mssqlMapping, plan).text).not.toContain('brand_generic_reclass');
    expect(auditRulesFor(mssqlAuditMapping).runs).toEqual(['brand_generic_reclass', 'refill_too_soon', 'daw_penalty']);
    // Without the member's pay there is no DAW penalty to compare with; the reclassification still runs.
    const { patientPayAmount: _unmapped, ...noPatientPay } = mssqlAuditMapping.columns;
    expect(auditRulesFor(claimsSourceMappingSchema.parse({ ...mssqlAuditMapping, columns: noPatientPay }))).toEqual({
      runs: ['brand_generic_reclass', 'refill_too_soon'],
      skipped: [{ rule: 'daw_penalty', missing: ['patientPayAmount'] }],
    });
    for (const q of queriesFor(mssqlAuditMapping)) {
      expect(statementTypes(q.text, 'transactsql')).toEqual(['select']);
      const markers = [...q.text.matchAll(/@(\d+)/g)].map((m) => Number(m[1]));
      expect(Math.max(...markers) + 1).toBe(q.params.length);
      // Every parameter is used: PostgreSQL cannot type one the text never mentions.
      expect(new Set(markers).size).toBe(q.params.length);
    }
    const audit = auditFindingsQuery(mssqlAuditMapping, plan);
    expect(audit.text).toContain("'brand_generic_reclass'");
    expect(audit.text).toContain('[MultiSourceCd]');
    expect(audit.text).not.toContain("'Y'");
    expect(audit.params).toEqual(expect.arrayContaining(['Y', 'B', 'G', 5, 75, 'M', 'O', 2]));
    // The DAW penalty reads the member's pay and holds the brand to its channel's generic discount.
    expect(audit.text).toContain("'daw_penalty'");
    expect(audit.text).toContain('c.[PatientPayAmt] AS patient_pay');
    // SQL Server counts the days since the member's previous fill of the GPI with DATEDIFF.
    expect(audit.text).toContain("'refill_too_soon'");
    expect(audit.text).toMatch(/DATEDIFF\(day, LAG\(c\.\[DateFilled\]\) OVER \(PARTITION BY c\.\[MemberId\], c\.\[GPI14\]/);
    expect(statementTypes(auditFindingsQuery(canonicalClaimsMapping, plan).text, 'postgresql')).toEqual(['select']);
    // A mapping may leave an optional field out, never half-map or misname it.
    expect(
      claimsSourceMappingSchema.safeParse({
        ...mssqlAuditMapping,
        columns: { ...mssqlAuditMapping.columns, gpi: 'GPI 14' },
      }).success,
    ).toBe(false);
    expect(
      claimsSourceMappingSchema.safeParse({
        ...mssqlAuditMapping,
        columns: { ...mssqlAuditMapping.columns, gpi: 'NDC11' },
      }).success,
    ).toBe(false);
    expect(
      claimsSourceMappingSchema.safeParse({
        ...mssqlAuditMapping,
        basisCodes: { awp: '03' },
      }).success,
    ).toBe(false);
  });

  it('are valid PostgreSQL for the canonical mapping', () => {
    for (const q of queriesFor(canonicalClaimsMapping)) expect(statementTypes(q.text, 'postgresql')).toEqual(['select']);
  });

  it("sums the fee excess once against each claim's ceiling when no claim is under two fee terms, once per term otherwise", () => {
    expect(plan.sharedFeeCeiling).toBe(true);
    const shared = bucketAggregateQuery(canonicalClaimsMapping, plan).text;
    expect(shared).toContain('AS fxn,');
    expect(shared).not.toContain('fxn_0');
    // A term for every channel overlaps the retail30 one: each needs its own sums.
    const overlapping = planReconciliation({
      clientId: period.clientId,
      periodId: period.periodId,
      periodStart: period.startDate,
      periodEnd: period.endDate,
      guarantees: [
        ...plan.guarantees,
        term('fee-all', {
          metric: 'dispensing_fee',
          channel: null,
          drugType: null,
          guaranteedValue: '2',
          method: 'per_claim',
          exclusions: ['uc_priced', 'compound'],
        }),
      ],
    });
    expect(overlapping.sharedFeeCeiling).toBe(false);
    for (const [mapping, database] of [
      [canonicalClaimsMapping, 'postgresql'],
      [mssqlMapping, 'transactsql'],
    ] as const) {
      const q = bucketAggregateQuery(mapping, overlapping);
      expect(q.text).toContain('fxn_2');
      expect(statementTypes(q.text, database)).toEqual(['select']);
    }
    // In PostgreSQL the sums are FILTERed; SQL Server has no FILTER, so they are CASE sums.
    expect(shared).toContain('FILTER (WHERE');
    expect(bucketAggregateQuery(mssqlMapping, plan).text).not.toContain('FILTER');
  });

  it('cannot be made to write: hostile-looking but valid identifiers stay quoted, anything else is rejected by the mapping', () => {
    const hostile = claimsSourceMappingSchema.parse({
      ...mssqlMapping,
      table: 'delete_me',
      columns: {
        ...mssqlMapping.columns,
        claimId: 'update',
        memberId: 'DROP_TABLE',
        ndc: 'insert_into',
      },
    });
    for (const q of queriesFor(hostile)) {
      expect(() => assertReadOnlySql(q.text)).not.toThrow();
      expect(statementTypes(q.text, 'transactsql')).toEqual(['select']);
    }
    for (const bad of ['claims; DROP TABLE claims', 'x]--', 'a b', "c' OR '1'='1", '']) {
      expect(claimsSourceMappingSchema.safeParse({ ...mssqlMapping, table: bad }).success).toBe(false);
      expect(
        claimsSourceMappingSchema.safeParse({
          ...mssqlMapping,
          columns: { ...mssqlMapping.columns, awp: bad },
        }).success,
      ).toBe(false);
    }
  });

  it('rejects a mapping that maps two fields to one column, misses a field or has unknown keys', () => {
    expect(
      claimsSourceMappingSchema.safeParse({
        ...mssqlMapping,
        columns: { ...mssqlMapping.columns, awp: 'UCAmt' },
      }).success,
    ).toBe(false);
    const { awp: _awp, ...missing } = mssqlMapping.columns;
    expect(claimsSourceMappingSchema.safeParse({ ...mssqlMapping, columns: missing }).success).toBe(false);
    expect(claimsSourceMappingSchema.safeParse({ ...mssqlMapping, sql: 'SELECT 1' }).success).toBe(false);
    expect(sourceClaimFields).toHaveLength(Object.keys(mssqlMapping.columns).length);
  });

  it('refuses to send anything but a single SELECT', () => {
    for (const sql of [
      'DELETE FROM claims',
      'SELECT 1; DELETE FROM claims',
      'UPDATE claims SET awp = 0',
      'SELECT * INTO copy FROM claims',
      'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
      'SELECT 1 -- ; DROP TABLE claims',
      'EXEC sp_who',
      'MERGE claims USING x ON 1 = 1 WHEN MATCHED THEN DELETE',
    ]) {
      let error: unknown;
      try {
        assertReadOnlySql(sql);
      } catch (e) {
        error = e;
      }
      expect(isClaimsSourceError(error, 'CLAIMS_SOURCE_WRITE_REFUSED')).toBe(true);
    }
    expect(() => assertReadOnlySql(`SELECT "update", [delete] FROM "insert" WHERE x = 'DROP TABLE y'`)).not.toThrow();
  });
});
