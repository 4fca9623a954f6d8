import {
  domoComparisonParamsSchema,
  domoDifferenceQuerySchema,
  domoExportListQuerySchema,
  domoExportParamsSchema,
  domoPacketParamsSchema,
  domoPageQuerySchema,
  domoSignOffRequestSchema,
} from '@leaf/contracts';
import type { OperationContract } from './operation-contracts';

const orgWide = "Domo's datasets span every client: an operator of every client";

/**
 * The Domo takeover's operations (domo-takeover). Domo's datasets hold every client's rows, so
 * the reads answer only callers scoped to every client (404 to anyone else) and starting work
 * needs an operator of every client (403).
 */
export const domoOperationContracts: Readonly<Record<string, OperationContract>> = {
  'GET /v1/domo/datasets': {
    operationId: 'listDomoDatasets',
    summary: 'The Domo datasets the takeover declares: schema, key, flaw gates and the export promoted to silver (callers of every client)',
    status: 200,
    problems: [401, 404, 429],
  },
  'GET /v1/domo/exports': {
    operationId: 'listDomoExports',
    summary: 'Domo exports brought into bronze and silver, newest first, with status (promoted, blocked, rejected) and schema drift',
    status: 200,
    query: domoExportListQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/domo/exports/{exportId}': {
    operationId: 'getDomoExport',
    summary: 'One Domo export: sha256 of its bronze bytes, rows, silver rows, status, reason and schema drift',
    status: 200,
    path: domoExportParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/domo/exports/{exportId}/gate-failures': {
    operationId: 'listDomoGateFailures',
    summary: 'The flaw gates of an export that warned or failed, with the failing rows counted and sampled',
    status: 200,
    path: domoExportParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/domo/ingest': {
    operationId: 'ingestDomo',
    summary: 'Run one ingest round over the Domo source: bronze, silver, gates and promotion (operators of every client)',
    status: 200,
    problems: [401, 403, 409, 429],
    forbidden: orgWide,
  },
  'GET /v1/domo/comparisons': {
    operationId: 'listDomoComparisons',
    summary: "Golden comparisons of Domo's output against the curated model, newest first, with differences by reason and sign-off",
    status: 200,
    query: domoPageQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/domo/comparisons': {
    operationId: 'compareDomo',
    summary: "Compare Domo's promoted output with the curated model key by key and record the packet (operators of every client; 201)",
    status: 201,
    problems: [401, 403, 409, 429],
    forbidden: orgWide,
  },
  'GET /v1/domo/comparisons/{comparisonId}': {
    operationId: 'getDomoComparison',
    summary: 'One golden comparison: keys compared and matched, differences and material ones by reason, packet hashes, sign-off',
    status: 200,
    path: domoComparisonParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/domo/comparisons/{comparisonId}/differences': {
    operationId: 'listDomoDifferences',
    summary: 'One page of the differences of a comparison, filtered by reason code and materiality, with the total',
    status: 200,
    path: domoComparisonParamsSchema,
    query: domoDifferenceQuerySchema,
    problems: [400, 401, 404, 429],
  },
  'GET /v1/domo/comparisons/{comparisonId}/artifacts/{name}': {
    operationId: 'getDomoComparisonPacket',
    summary: 'Download a file of the comparison packet (packet.json, packet.xlsx or packet.pdf); ETag is its sha256',
    status: 200,
    path: domoPacketParamsSchema,
    problems: [400, 401, 404, 429],
  },
  'POST /v1/domo/comparisons/{comparisonId}/sign-off': {
    operationId: 'signOffDomoComparison',
    summary: 'Sign a comparison off, approved or rejected (operators; a note is needed to approve material unexplained differences)',
    status: 200,
    path: domoComparisonParamsSchema,
    body: { schema: domoSignOffRequestSchema, required: true, example: { decision: 'approved', note: 'differences explained by the planted flaws' } },
    problems: [400, 401, 403, 404, 409, 413, 415, 429],
  },
};
