import { clientIdSchema, runIdSchema, searchModuleSchema } from '@leaf/contracts';
import { z } from 'zod';
import { unlimited } from '../ledger/task-lease';
import { defineTaskKind, type TaskKindDefinition } from './task-kind';

const periodId = z.string().min(1).max(64);

export const claimsReconcileKind = defineTaskKind({
  kind: 'claims.reconcile',
  description: 'Reconcile a client period against its contract guarantees in claims-runtime; the workbook and PDF become task artifacts.',
  // salesforceRequestId: the IT request this reconciliation answers; salesforce-mirror records the lineage.
  parameters: z
    .object({
      clientId: clientIdSchema,
      periodId,
      salesforceRequestId: z
        .string()
        .regex(/^[a-zA-Z0-9]{18}$/)
        .optional(),
    })
    .strict(),
  references: { periodId: 'contract-period' },
  requestRole: 'analyst',
  mutates: false,
  deterministic: true,
  timeoutMs: 15 * 60_000,
  maxAttempts: 3,
  lane: 'long',
  // The workbook and PDF are built and hashed in the workspace before they reach the lake.
  workspaceGi: 4,
  concurrency: { perKind: 4, perClient: 1 },
});

export const contractsSyncKind = defineTaskKind({
  kind: 'contracts.sync',
  description: 'Sync the contract packets of a client from OneDrive through contract-packets (rewrites the extracted guarantees).',
  parameters: z.object({ clientId: clientIdSchema }).strict(),
  requestRole: 'operator',
  mutates: true,
  deterministic: false,
  timeoutMs: 10 * 60_000,
  maxAttempts: 3,
  lane: 'long',
  workspaceGi: 2,
  concurrency: { perKind: 2, perClient: 1 },
});

export const reportNarrativeKind = defineTaskKind({
  kind: 'report.narrative',
  description: 'Draft the narrative of a reconciliation run: model-drafted behind number guardrails, else the deterministic template.',
  parameters: z.object({ clientId: clientIdSchema, runId: runIdSchema }).strict(),
  references: { runId: 'reconciliation-run' },
  requestRole: 'analyst',
  mutates: false,
  // The template path is; a model draft is not (replay reports the difference).
  deterministic: true,
  timeoutMs: 2 * 60_000,
  maxAttempts: 3,
  lane: 'short',
  concurrency: { perKind: 8, perClient: 2 },
});

/**
 * Syncs the Salesforce IT-request mirror (read-only against the org): incremental from the
 * watermarks, or a full Bulk API 2.0 reload; completeness checked, lineage, bundles and search
 * documents refreshed. The mirror is org-wide, so one runs at a time.
 */
export const salesforceSyncKind = defineTaskKind({
  kind: 'salesforce.sync',
  description: 'Sync the Salesforce IT-request mirror (incremental, or full through Bulk API 2.0), check completeness and publish what changed.',
  parameters: z.object({ clientId: clientIdSchema, full: z.boolean().default(false) }).strict(),
  requestRole: 'operator',
  // It writes only the mirror of a read-only source: nothing an operator must approve.
  mutates: false,
  deterministic: false,
  timeoutMs: 30 * 60_000,
  maxAttempts: 3,
  lane: 'long',
  concurrency: { perKind: 1, perClient: 1 },
});

/**
 * Rebuilds a client's search index (chunks and embeddings) from retrieval's document registry:
 * after a change of chunking rules or of embedding model, or into a fresh Azure AI Search index.
 */
export const retrievalReindexKind = defineTaskKind({
  kind: 'retrieval.reindex',
  description: "Rebuild a client's search index (chunks and embeddings) from retrieval's document registry.",
  parameters: z.object({ clientId: clientIdSchema, module: searchModuleSchema.optional() }).strict(),
  requestRole: 'operator',
  // It rewrites only a derived index, rebuilt from the registry: nothing an operator must approve.
  mutates: false,
  deterministic: true,
  timeoutMs: 30 * 60_000,
  maxAttempts: 3,
  lane: 'long',
  concurrency: { perKind: 1, perClient: 1 },
});

/**
 * The Domo takeover's rounds. Domo's datasets span every client, so the task's client is only the
 * requester's scope for the ledger; one round of each at a time.
 */
export const domoIngestKind = defineTaskKind({
  kind: 'domo.ingest',
  description: 'Ingest the Domo exports into bronze and silver through domo-takeover, run the flaw gates and promote what passes.',
  parameters: z.object({}).strict(),
  requestRole: 'operator',
  // It writes only the takeover's own copies of a read-only source: nothing an operator must approve.
  mutates: false,
  deterministic: true,
  timeoutMs: 60 * 60_000,
  maxAttempts: 3,
  lane: 'long',
  concurrency: { perKind: 1, perClient: 1 },
});

export const domoCompareKind = defineTaskKind({
  kind: 'domo.compare',
  description: "Compare Domo's promoted savings output with the backend's curated model; every difference gets a reason code and the packet goes to the lake.",
  parameters: z.object({}).strict(),
  requestRole: 'operator',
  mutates: false,
  deterministic: true,
  timeoutMs: 30 * 60_000,
  maxAttempts: 3,
  lane: 'long',
  concurrency: { perKind: 1, perClient: 1 },
});

/** A task that does nothing but write one small artifact: smoke checks, the chaos spec and the bench. */
export const platformNoopKind = defineTaskKind({
  kind: 'platform.noop',
  description: 'Does nothing but record one small artifact (smoke checks, benchmarks).',
  parameters: z.object({ sleepMs: z.number().int().min(0).max(60_000).default(0), note: z.string().max(200).default('') }).strict(),
  requestRole: 'operator',
  mutates: false,
  deterministic: true,
  timeoutMs: 2 * 60_000,
  maxAttempts: 5,
  lane: 'short',
  concurrency: { perKind: unlimited, perClient: unlimited },
});

export const builtInTaskKinds: readonly TaskKindDefinition[] = [
  claimsReconcileKind,
  contractsSyncKind,
  reportNarrativeKind,
  platformNoopKind,
  salesforceSyncKind,
  retrievalReindexKind,
  domoIngestKind,
  domoCompareKind,
];
