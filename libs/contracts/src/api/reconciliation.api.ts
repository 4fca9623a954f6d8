import { z } from 'zod';
import { sha256Schema } from '../hashing/sha256';
import { channelSchema, drugTypeSchema } from '../pbm/channel';
import { clientIdSchema } from '../pbm/client';
import { evidenceRefSchema, guaranteeMetricSchema } from '../pbm/contract-guarantee';
import { isoDateSchema, moneySchema, rateSchema } from '../pbm/money';

const sha256 = sha256Schema;
export const runIdSchema = z.string().regex(/^rec_[a-z0-9]{26}$/, 'run id must look like rec_<26 characters>');

/** POST /v1/clients/{clientId}/reconciliations — 202 with the run; the work continues in the background. */
export const startReconciliationSchema = z
  .object({
    periodId: z.string().min(1).max(64),
  })
  .strict();
export type StartReconciliation = z.infer<typeof startReconciliationSchema>;

export const reconciliationRunParamsSchema = z.object({ clientId: clientIdSchema, runId: runIdSchema });

export const reconciliationStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export const reconciliationStatusSchema = z.enum(reconciliationStatuses);

/**
 * A failed run's error code when the instance executing it stopped before it finished (a crash,
 * a stall past its lease): its inputs were not at fault, so a new run may succeed. Every other
 * error code of a failed run is final for those inputs.
 */
export const reconciliationInterruptedCode = 'INTERRUPTED';

export const artifactNames = ['findings-evidence.json', 'reconciliation.xlsx', 'reconciliation.pdf', 'run-inputs.json'] as const;
export const artifactNameSchema = z.enum(artifactNames);
export type ArtifactName = z.infer<typeof artifactNameSchema>;

/** A stored output: content-addressed in the lake; `href` is the API path that downloads it. */
export const runArtifactSchema = z.object({
  name: artifactNameSchema,
  sha256,
  bytes: z.number().int().nonnegative(),
  contentType: z.string(),
  href: z.string(),
});
export type RunArtifact = z.infer<typeof runArtifactSchema>;

/**
 * Dollars a per-claim finding recovers that an aggregate term also measured. By default they are
 * deducted from the bucket before its shortfall is computed (the bucket's figures are net of
 * them); where the contract keeps them in, they stay and are disclosed here, counted twice by the
 * contract's own rule.
 */
export const findingOverlapRules = ['deducted', 'kept'] as const;
export const bucketMovedSchema = z.object({
  rule: z.enum(findingOverlapRules),
  /** Claims of the bucket that carry a per-claim finding. */
  claimCount: z.number().int(),
  /** Of those, duplicate fills and refills too soon, taken out whole (deducted only). */
  removedClaims: z.number().int(),
  awp: moneySchema,
  ingredientCostPaid: moneySchema,
  dispensingFeePaid: moneySchema,
});
export type BucketMoved = z.infer<typeof bucketMovedSchema>;

/** One guarantee bucket's outcome: what was promised, what was delivered, and the money between. */
export const reconciliationBucketSchema = z.object({
  guaranteeId: z.string(),
  guaranteeVersion: z.number().int(),
  /** The dates this version governed within the period (an amended term has a bucket per version); null for older runs. */
  effectiveFrom: isoDateSchema.nullable().default(null),
  effectiveTo: isoDateSchema.nullable().default(null),
  metric: guaranteeMetricSchema,
  channel: channelSchema.nullable(),
  drugType: drugTypeSchema.nullable(),
  claimCount: z.number().int(),
  awp: moneySchema,
  ingredientCostPaid: moneySchema,
  dispensingFeePaid: moneySchema,
  guaranteedValue: rateSchema,
  /** Effective discount (fraction) for awp_discount, average fee for dispensing_fee; null with no claims or zero AWP. */
  effectiveValue: rateSchema.nullable(),
  /** Dollars the PBM owes (positive) or delivered above the guarantee (negative), before offsets. */
  variance: moneySchema,
  shortfall: moneySchema,
  evidence: evidenceRefSchema,
  /** Why a figure is informational (e.g. rebates, which the claims alone cannot settle). */
  note: z.string().nullable(),
  /** The finding dollars taken out of (or kept in) this aggregate term; null for terms owed claim by claim or not owed at all. */
  moved: bucketMovedSchema.nullable().default(null),
});
export type ReconciliationBucket = z.infer<typeof reconciliationBucketSchema>;

/** What a group of buckets adds up to; only over buckets no claim belongs to two of. */
export const bucketTotalSchema = z.object({
  claimCount: z.number().int(),
  awp: moneySchema,
  ingredientCostPaid: moneySchema,
  dispensingFeePaid: moneySchema,
  /** Net of surpluses and shortfalls, before offsets. */
  variance: moneySchema,
  /** The buckets' own shortfalls, before offsets (what is owed after them is the guarantee shortfall). */
  shortfall: moneySchema,
});
export type BucketTotal = z.infer<typeof bucketTotalSchema>;

/**
 * The buckets of one metric. Buckets of different metrics measure the same claims, so nothing is
 * totalled across metrics; within a metric a total is given only when the buckets partition the
 * claims they cover (no claim in two of them), otherwise `noTotal` says which two overlap.
 */
export const bucketGroupSchema = z.object({
  metric: guaranteeMetricSchema,
  guaranteeIds: z.array(z.string()),
  total: bucketTotalSchema.nullable(),
  noTotal: z.string().nullable(),
});
export type BucketGroup = z.infer<typeof bucketGroupSchema>;

export const findingKinds = [
  'guarantee_shortfall',
  'paid_above_uc',
  'ingredient_above_awp',
  'fee_above_contract',
  'duplicate_fill',
  'short_days_supply_90',
  /** The claim's brand/generic indicator differs from the contract's MONY + DAW definition, and it cost more than the re-derived type's discount allows (issue 19). */
  'brand_generic_reclass',
  /** Filled before 75% of the member's previous fill of the same GPI (any pharmacy, any NDC) had elapsed: the claim is recoverable (issue 19). */
  'refill_too_soon',
  /** A days supply above its channel's plan maximum (34 days at retail and specialty, 102 in 90-day channels): the ingredient cost of the days beyond it is recoverable (issue 19). */
  'implausible_days_supply',
  /** A multi-source brand dispensed DAW 2 (the member asked for the brand) where the member paid less than the brand's cost above its generic's: the plan absorbed the penalty (issue 19). */
  'daw_penalty',
] as const;
export const findingKindSchema = z.enum(findingKinds);
export type FindingKind = z.infer<typeof findingKindSchema>;

/**
 * The two things a client is owed for: the contract's guarantees (aggregate terms after offsets and
 * per-claim ceilings such as the dispensing fee cap) and claim-level audit findings. Every finding
 * kind belongs to exactly one, so a dollar is never filed under both.
 */
export const owedCategories = ['guarantee', 'audit'] as const;
export const owedCategorySchema = z.enum(owedCategories);
export type OwedCategory = z.infer<typeof owedCategorySchema>;

/** The findings of one kind: how many, what they add up to, and which owed figure they make. */
export const findingKindTotalSchema = z.object({
  kind: findingKindSchema,
  category: owedCategorySchema,
  count: z.number().int(),
  impact: moneySchema,
});
export type FindingKindTotal = z.infer<typeof findingKindTotalSchema>;

export const reconciliationSummarySchema = z.object({
  claimCount: z.number().int(),
  eligibleClaimCount: z.number().int(),
  excludedClaimCount: z.number().int(),
  /** Over every net claim (neither a reversal nor reversed), eligible or not. */
  totalAwp: moneySchema,
  totalIngredientCostPaid: moneySchema,
  /** Over the eligible claims only (no exclusion flag); null for runs recorded before these existed. */
  eligibleAwp: moneySchema.nullable().default(null),
  eligibleIngredientCostPaid: moneySchema.nullable().default(null),
  /** The guarantee category: aggregate shortfalls after the offsets the contract allows, plus per-claim fee excess. */
  guaranteeShortfall: moneySchema,
  /** The audit category: the per-claim audit findings' dollar impact. */
  auditImpact: moneySchema,
  /** guaranteeShortfall + auditImpact: what the findings add up to. */
  totalOwed: moneySchema,
  /**
   * Finding dollars deducted from aggregate terms before their shortfall, and finding dollars that
   * terms keeping them (by contract) still measure: the overlap counted twice, disclosed.
   */
  findingOverlap: z.object({ deducted: moneySchema, kept: moneySchema }).default({ deducted: '0.00', kept: '0.00' }),
  /** The findings by kind, each in its category; each category's impacts add up to its figure above. */
  findingTotals: z.array(findingKindTotalSchema).default([]),
});
export type ReconciliationSummary = z.infer<typeof reconciliationSummarySchema>;

/** The promotion that replaced a succeeded run's terms, and the new versions. */
export const runSupersededBySchema = z.object({
  at: z.iso.datetime(),
  packetId: z.string(),
  packetSha256: sha256,
  guarantees: z.array(z.object({ guaranteeId: z.string(), version: z.number().int() })),
});
export type RunSupersededBy = z.infer<typeof runSupersededBySchema>;

export const reconciliationRunSchema = z.object({
  runId: runIdSchema,
  clientId: clientIdSchema,
  periodId: z.string(),
  status: reconciliationStatusSchema,
  /** 0..1, reported as the stages complete. */
  progress: z.number().min(0).max(1),
  stage: z.string(),
  requestedBy: z.string(),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
  /** sha256 of the recorded inputs: two runs with the same inputs hash have byte-identical artifacts. */
  inputsSha256: sha256.nullable(),
  summary: reconciliationSummarySchema.nullable(),
  buckets: z.array(reconciliationBucketSchema),
  /** The buckets by metric, with a total only where it means something (see bucketGroupSchema). */
  bucketGroups: z.array(bucketGroupSchema).default([]),
  artifacts: z.array(runArtifactSchema),
  /**
   * Set when contract terms the run was computed with were promoted again after it started: its
   * figures stand for the older terms; start a new run for the current ones.
   */
  supersededBy: runSupersededBySchema.nullable().default(null),
});
export type ReconciliationRun = z.infer<typeof reconciliationRunSchema>;

/** GET …/reconciliations/{runId}/findings?cursor=&limit=&kind= */
export const findingsQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  kind: findingKindSchema.optional(),
});
export type FindingsQuery = z.infer<typeof findingsQuerySchema>;

export const findingSchema = z.object({
  findingId: z.string(),
  kind: findingKindSchema,
  /** The claim behind a per-claim finding; null for a bucket shortfall. */
  claimId: z.string().nullable(),
  guaranteeId: z.string().nullable(),
  channel: channelSchema.nullable(),
  drugType: drugTypeSchema.nullable(),
  impact: moneySchema,
  detail: z.string(),
  /** The claims behind the figure (count) and the contract term it was measured against. */
  claimCount: z.number().int(),
  evidence: z.array(evidenceRefSchema),
});
export type Finding = z.infer<typeof findingSchema>;

export const findingPageSchema = z.object({
  items: z.array(findingSchema),
  nextCursor: z.string().nullable(),
});
export type FindingPage = z.infer<typeof findingPageSchema>;

/** GET /v1/clients/{clientId}/reconciliations?periodId=&status=&cursor=&limit= (newest first). */
export const runListQuerySchema = z.object({
  periodId: z.string().min(1).max(64).optional(),
  status: reconciliationStatusSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type RunListQuery = z.infer<typeof runListQuerySchema>;

/** A run as a list shows it: its state and what it found owed, without buckets or artifacts. */
export const runListItemSchema = reconciliationRunSchema
  .pick({
    runId: true,
    clientId: true,
    periodId: true,
    status: true,
    progress: true,
    stage: true,
    requestedBy: true,
    createdAt: true,
    completedAt: true,
    error: true,
    inputsSha256: true,
    supersededBy: true,
  })
  .extend({ totalOwed: moneySchema.nullable() });
export type RunListItem = z.infer<typeof runListItemSchema>;

export const runListSchema = z.object({
  items: z.array(runListItemSchema),
  nextCursor: z.string().nullable(),
});
export type RunList = z.infer<typeof runListSchema>;

/** GET …/reconciliations/{runId}/diff?against={otherRunId}&cursor=&limit= */
export const runDiffQuerySchema = z.object({
  against: runIdSchema,
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type RunDiffQuery = z.infer<typeof runDiffQuerySchema>;

const figureChange = z.object({ base: moneySchema, other: moneySchema, delta: moneySchema });

/** The term version a bucket was measured against in one run. */
const bucketSideSchema = z.object({
  guaranteeVersion: z.number().int(),
  guaranteedValue: rateSchema,
  evidence: evidenceRefSchema,
  claimCount: z.number().int(),
  effectiveValue: rateSchema.nullable(),
  shortfall: moneySchema,
});

/**
 * How one succeeded run differs from another of the same client: the owed figures, every bucket
 * that was added, removed or changed (with the term versions behind each side), and the findings
 * that appear in only one or changed impact, paged.
 */
export const runDiffSchema = z.object({
  base: z.object({ runId: runIdSchema, periodId: z.string(), inputsSha256: sha256.nullable() }),
  other: z.object({ runId: runIdSchema, periodId: z.string(), inputsSha256: sha256.nullable() }),
  /** Same inputs hash: the runs are replays of each other and nothing below differs. */
  sameInputs: z.boolean(),
  summary: z.object({ guaranteeShortfall: figureChange, auditImpact: figureChange, totalOwed: figureChange }),
  buckets: z.array(
    z.object({
      key: z.string(),
      guaranteeId: z.string(),
      metric: guaranteeMetricSchema,
      change: z.enum(['added', 'removed', 'changed']),
      /** The bucket fields that differ. */
      fields: z.array(z.string()),
      base: bucketSideSchema.nullable(),
      other: bucketSideSchema.nullable(),
    }),
  ),
  findings: z.object({
    items: z.array(
      z.object({
        findingId: z.string(),
        kind: findingKindSchema,
        claimId: z.string().nullable(),
        change: z.enum(['added', 'removed', 'changed']),
        baseImpact: moneySchema.nullable(),
        otherImpact: moneySchema.nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
});
export type RunDiff = z.infer<typeof runDiffSchema>;

/** `event: progress` of GET …/reconciliations/{runId}/events, then one `event: end`. */
export const runProgressEventSchema = z.object({
  runId: runIdSchema,
  status: reconciliationStatusSchema,
  progress: z.number().min(0).max(1),
  stage: z.string(),
});
export type RunProgressEvent = z.infer<typeof runProgressEventSchema>;
