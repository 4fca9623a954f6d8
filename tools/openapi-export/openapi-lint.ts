import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { z } from 'zod';

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  summary?: string;
  parameters?: Json[];
  requestBody?: { content?: Record<string, Json> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
};
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`.replace(/:(\w+)/g, '{$1}');

/**
 * `METHOD /path` (as the document spells it) of every controller handler that reads a request
 * body (`@Body()`), from Nest's own route metadata: the document cannot tell what it does not say.
 */
export function routesReadingBody(app: INestApplication): string[] {
  const routes: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, unknown>;
        if (!Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY))) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        routes.push(`${method} ${joinPath(prefix, Reflect.getMetadata(PATH_METADATA, handler) as string)}`);
      }
    }
  }
  return routes.sort();
}

function exampleFinding(where: string, schema: unknown, example: unknown): string[] {
  if (example === undefined || schema === undefined) return [];
  const parsed = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(example);
  return parsed.success ? [] : [`${where}: the example does not validate against its schema (${parsed.error.issues.map((i) => i.message).join('; ')})`];
}

/**
 * What makes the document a contract a client (and APIM) can rely on, as findings (empty when
 * the document passes): every operation named and summarised, every path parameter declared, a
 * requestBody wherever the handler reads one, at least one 4xx application/problem+json answer,
 * and every example valid against the schema beside it.
 */
export function lintOpenApi(document: OpenApiDocument, bodyRoutes: readonly string[]): string[] {
  const findings: string[] = [];
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const at = `${method.toUpperCase()} ${path}`;
      if (!operation.operationId) findings.push(`${at}: no operationId`);
      else if (operationIds.has(operation.operationId)) findings.push(`${at}: operationId ${operation.operationId} is used twice`);
      else operationIds.add(operation.operationId);
      if (!operation.summary?.trim()) findings.push(`${at}: no summary`);
      const parameters = operation.parameters ?? [];
      const declared = parameters.filter((p) => p['in'] === 'path');
      for (const name of inPath) {
        const parameter = declared.find((p) => p['name'] === name);
        if (!parameter) findings.push(`${at}: path parameter ${name} is not declared`);
        else if (parameter['required'] !== true) findings.push(`${at}: path parameter ${name} is not required`);
      }
      for (const p of declared)
        if (!inPath.includes(String(p['name']))) findings.push(`${at}: declares path parameter ${String(p['name'])} the path does not have`);
      if (bodyRoutes.includes(at) && !operation.requestBody) findings.push(`${at}: the handler reads a body but the operation has no requestBody`);
      const problems = Object.entries(operation.responses ?? {}).filter(([status, r]) => /^4\d\d$/.test(status) && r.content?.['application/problem+json']);
      if (problems.length === 0) findings.push(`${at}: no 4xx application/problem+json response`);
      for (const p of parameters) findings.push(...exampleFinding(`${at} parameter ${String(p['name'])}`, p['schema'], p['example']));
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {}))
        findings.push(...exampleFinding(`${at} requestBody ${type}`, media['schema'], media['example']));
    }
  }
  return findings;
}
