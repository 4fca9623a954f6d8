import { channels, drugTypes } from '@leaf/contracts';
import { z } from 'zod';
import { domo } from '../schema/domo-column';
import { defineDataset, type DatasetDefinition } from './dataset-definition';

/**
 * Domo's copy of the claims (the input its dataflows start from). Flaw-prone columns are
 * nullable at the type level: a null there is a gate's business, not a typing error.
 */
export const claimsExtractDataset = defineDataset({
  name: 'claims_extract',
  domoName: 'PBM Claims Extract',
  description: 'Adjudicated claims as Domo received them from the PBM feed.',
  schema: z.object({
    claim_id: domo.string(40),
    client_id: domo.string(32),
    fill_date: domo.date(),
    channel: domo.string(16).nullable(),
    drug_type: domo.string(8).nullable(),
    awp: domo.decimal(),
    ingredient_cost_paid: domo.decimal(),
    is_reversal: domo.long(),
  }),
  key: ['claim_id'],
  silverTable: 'domo_silver_claims_extract',
  asOfColumn: 'fill_date',
  gates: [
    { id: 'claim_id.unique', kind: 'unique', columns: ['claim_id'], severity: 'error' },
    { id: 'channel.not_null', kind: 'not_null', column: 'channel', severity: 'warn', mostly: 0.999 },
    { id: 'channel.accepted', kind: 'accepted_values', column: 'channel', values: [...channels], severity: 'error' },
    { id: 'drug_type.accepted', kind: 'accepted_values', column: 'drug_type', values: [...drugTypes], severity: 'error' },
    { id: 'ingredient_cost_paid.range', kind: 'range', column: 'ingredient_cost_paid', min: -250_000, max: 250_000, severity: 'warn' },
    { id: 'client_id.references_clients', kind: 'referential', column: 'client_id', references: { table: 'clients', column: 'client_id' }, severity: 'error' },
    {
      id: 'claim_id.references_claims',
      kind: 'referential',
      column: 'claim_id',
      references: { table: 'claims', column: 'claim_id' },
      severity: 'warn',
      mostly: 0.99,
    },
    { id: 'fill_date.freshness', kind: 'freshness', column: 'fill_date', maxAgeDays: 3, severity: 'warn' },
    { id: 'rows.change', kind: 'row_count_change', maxChangeRatio: 0.25, severity: 'warn' },
  ],
});

/** The output Domo's "Savings by client" card shows: the golden numbers the backend must match. */
export const savingsByClientMonthDataset = defineDataset({
  name: 'savings_by_client_month',
  domoName: 'Savings by Client Month',
  description: 'Savings off AWP by client, fill month, channel and brand/generic, as published by the Domo dataflow.',
  schema: z.object({
    client_id: domo.string(32),
    month: domo.date(),
    channel: domo.string(16),
    drug_type: domo.string(8),
    claim_count: domo.long(),
    awp_total: domo.decimal(),
    paid_total: domo.decimal(),
    savings: domo.decimal(),
  }),
  key: ['client_id', 'month', 'channel', 'drug_type'],
  silverTable: 'domo_silver_savings_by_client_month',
  asOfColumn: 'month',
  gates: [
    { id: 'key.unique', kind: 'unique', columns: ['client_id', 'month', 'channel', 'drug_type'], severity: 'error' },
    { id: 'channel.accepted', kind: 'accepted_values', column: 'channel', values: [...channels], severity: 'error' },
    { id: 'drug_type.accepted', kind: 'accepted_values', column: 'drug_type', values: [...drugTypes], severity: 'error' },
    { id: 'client_id.references_clients', kind: 'referential', column: 'client_id', references: { table: 'clients', column: 'client_id' }, severity: 'error' },
    { id: 'claim_count.range', kind: 'range', column: 'claim_count', min: 0, severity: 'warn' },
    { id: 'rows.change', kind: 'row_count_change', maxChangeRatio: 0.25, severity: 'warn' },
  ],
});

export const domoDatasets: readonly DatasetDefinition[] = [claimsExtractDataset, savingsByClientMonthDataset];
export const domoDatasetNames = domoDatasets.map((d) => d.name);

export function datasetByName(name: string): DatasetDefinition | undefined {
  return domoDatasets.find((d) => d.name === name);
}

export function datasetByDomoName(domoName: string): DatasetDefinition | undefined {
  return domoDatasets.find((d) => d.domoName === domoName);
}
