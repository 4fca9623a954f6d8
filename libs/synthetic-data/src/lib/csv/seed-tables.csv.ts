import { claimColumns, type Claim, type Client, type ContractGuarantee, type ContractPeriod } from '@leaf/contracts';
import { csvBoolean, csvLine, csvNullableText, csvText } from './csv-field.encoder';

/**
 * One seeded table as CSV: its columns in the table's order (defaulted audit columns such as
 * `created_at` left to the database, so files stay byte-identical run to run) and a row encoder.
 */
export interface SeedTableCsv<T> {
  readonly table: 'clients' | 'contract_periods' | 'contract_guarantees' | 'claims';
  readonly columns: readonly string[];
  encode(row: T): string;
}

export const clientsCsv: SeedTableCsv<Client> = {
  table: 'clients',
  columns: ['client_id', 'name', 'segment', 'member_count'],
  encode: (c) => csvLine([csvText(c.clientId), csvText(c.name), csvText(c.segment), `${c.memberCount}`]),
};

export const contractPeriodsCsv: SeedTableCsv<ContractPeriod> = {
  table: 'contract_periods',
  columns: ['period_id', 'client_id', 'pbm_name', 'start_date', 'end_date'],
  encode: (p) => csvLine([csvText(p.periodId), csvText(p.clientId), csvText(p.pbmName), p.startDate, p.endDate]),
};

/** Exclusions are stored comma-separated (`uc_priced,compound,340b`), an empty list as ''. */
export const contractGuaranteesCsv: SeedTableCsv<ContractGuarantee> = {
  table: 'contract_guarantees',
  columns: [
    'guarantee_id',
    'version',
    'client_id',
    'period_id',
    'metric',
    'channel',
    'drug_type',
    'guaranteed_value',
    'method',
    'exclusions',
    'evidence_source',
    'evidence_object_id',
    'evidence_sha256',
    'evidence_locator',
  ],
  encode: (g) =>
    csvLine([
      csvText(g.guaranteeId),
      `${g.version}`,
      csvText(g.clientId),
      csvText(g.periodId),
      g.metric,
      csvNullableText(g.channel),
      csvNullableText(g.drugType),
      g.guaranteedValue,
      g.method,
      csvText(g.exclusions.join(',')),
      g.evidence.sourceSystem,
      csvText(g.evidence.objectId),
      csvNullableText(g.evidence.sha256),
      csvText(g.evidence.locator),
    ]),
};

/** One line per claim in `claimColumns` order, spelled out because it runs for every claim. */
export const claimsCsv: SeedTableCsv<Claim> = {
  table: 'claims',
  columns: claimColumns.map(([, column]) => column),
  encode: (c) =>
    `${csvText(c.claimId)},${csvText(c.clientId)},${csvText(c.memberId)},${c.pharmacyNpi},${c.fillDate},${c.ndc},` +
    `${csvText(c.drugName)},${c.drugType},${c.channel},${c.daysSupply},${c.quantity},${c.awp},${c.ingredientCostPaid},` +
    `${c.dispensingFeePaid},${c.usualAndCustomary},${csvBoolean(c.isCompound)},${csvBoolean(c.is340b)},` +
    `${csvBoolean(c.isReversal)},${csvNullableText(c.reversesClaimId)},${csvBoolean(c.isUcPriced)},` +
    `${c.basisOfReimbursement},${c.monyCode},${c.dawCode},${c.gpi},${c.pharmacyNetworkStatus},${c.pharmacyType},` +
    `${c.adjudicationDate},${c.pharmacyIngredientCostPaid},${c.patientPayAmount}\n`,
};

export function csvHeader(table: Pick<SeedTableCsv<unknown>, 'columns'>): string {
  return csvLine(table.columns.map(csvText));
}
