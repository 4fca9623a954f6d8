import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** The OpenAPI description is generated from the same zod contracts that validate the traffic. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest as SchemaObject;
}
