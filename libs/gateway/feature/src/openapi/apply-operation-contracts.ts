import type { OpenAPIObject } from '@nestjs/swagger';
import { idempotencyKeyPattern, problemSchema } from '@leaf/contracts';
import type { z } from 'zod';
import { openApiSchema } from './openapi-schema';
import { operationContracts, parameterExamples, type OperationContract, type ProblemStatus } from './operation-contracts';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required: boolean; description?: string; schema: Record<string, unknown>; example?: unknown };

export const problemSchemaRef = '#/components/schemas/Problem';

const problemDescriptions: Record<ProblemStatus, string> = {
  400: 'a path parameter, query parameter, header or body breaks its contract (`errors` names each)',
  401: 'no valid token (missing, expired, or from an issuer the gateway does not trust)',
  403: 'the token lacks the role this operation needs',
  404: 'no such resource, or one outside the clients the token grants',
  409: 'the Idempotency-Key was used with another body or is still in progress, or the resource is not in a state that allows this',
  413: 'the request body is larger than the gateway accepts',
  415: 'the request body is not application/json',
  429: 'a rate limit (caller, route class or client budget) is spent; retry after `Retry-After` seconds',
};

const idempotencyKey: Parameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'The same key and body give back the first answer (`Idempotent-Replayed: true`) and run nothing; another body is a 409. Keys are per caller and route.',
  schema: { type: 'string', pattern: idempotencyKeyPattern },
  example: '0b9d6c7e-5f1a-4e39-9a51-3c2b7d8e1f60',
};

function parameters(schema: z.ZodObject | undefined, place: 'path' | 'query'): Parameter[] {
  if (!schema) return [];
  const json = openApiSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const example = parameterExamples[name];
    const valid = example !== undefined && schema.shape[name]?.safeParse(example).success;
    return { name, in: place, required: place === 'path' || (json.required ?? []).includes(name), schema: property, ...(valid ? { example } : {}) };
  });
}

function problemResponses(contract: OperationContract): Operation['responses'] {
  const content = { 'application/problem+json': { schema: { $ref: problemSchemaRef } } };
  return Object.fromEntries(
    contract.problems.map((status) => {
      const description = status === 403 && contract.forbidden ? `${problemDescriptions[403]}; ${contract.forbidden}` : problemDescriptions[status];
      const headers =
        status === 429 ? { 'Retry-After': { description: 'seconds until the limit allows the request', schema: { type: 'integer' } } } : undefined;
      return [String(status), { description, content, ...(headers ? { headers } : {}) }];
    }),
  );
}

function apply(operation: Operation, contract: OperationContract, method: string): void {
  operation.operationId = contract.operationId;
  operation.summary = contract.summary;
  const accepted = [...parameters(contract.path, 'path'), ...parameters(contract.query, 'query')] as Operation['parameters'] & object;
  // Headers the controller documents itself (Last-Event-ID, …) stay; Idempotency-Key is written here for every POST.
  const ownHeaders = (operation.parameters ?? []).filter((p) => 'in' in p && p.in === 'header' && p.name.toLowerCase() !== 'idempotency-key');
  operation.parameters = [...accepted, ...ownHeaders, ...(method === 'post' ? [idempotencyKey] : [])] as Operation['parameters'];
  if (contract.body) {
    operation.requestBody = {
      required: contract.body.required,
      content: { 'application/json': { schema: openApiSchema(contract.body.schema, 'input'), example: contract.body.example } },
    };
  }
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
  const kept = Object.fromEntries(Object.entries(operation.responses).filter(([status]) => !status.startsWith('2')));
  const described = contract.response
    ? { description: contract.response.description, content: { 'application/json': { schema: openApiSchema(contract.response.schema) } } }
    : (success?.[1] ?? { description: 'done' });
  operation.responses = { [String(contract.status)]: described, ...kept, ...problemResponses(contract) };
}

/**
 * Writes what the controllers cannot say through Nest's decorators (their ZodPipes are invisible
 * to it) from the operation table: names, parameters, Idempotency-Key, bodies, the success status
 * the route really answers and its problem+json responses with the shared problem schema.
 */
export function applyOperationContracts(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: openApiSchema(problemSchema) } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      const contract = operationContracts[`${method.toUpperCase()} ${path}`];
      if (operation && contract) apply(operation, contract, method);
    }
  }
  return document;
}
