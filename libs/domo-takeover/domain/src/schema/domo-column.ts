import { z } from 'zod';

/** The column types Domo's Platform API reports in a dataset schema. */
export const domoColumnTypes = ['STRING', 'LONG', 'DOUBLE', 'DECIMAL', 'DATE', 'DATETIME'] as const;
export const domoColumnTypeSchema = z.enum(domoColumnTypes);
export type DomoColumnType = z.infer<typeof domoColumnTypeSchema>;

/** One column as Domo describes it (`schema.columns[]` of `GET /v1/datasets/{id}`). */
export const domoColumnSchema = z.object({ name: z.string().min(1).max(200), type: domoColumnTypeSchema });
export type DomoColumn = z.infer<typeof domoColumnSchema>;

export interface DeclaredColumn extends DomoColumn {
  readonly nullable: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$/;
const DECIMAL = /^-?\d{1,18}(\.\d{1,6})?$/;

/**
 * The zod types a dataset's row schema is declared with. Each carries its Domo type as metadata,
 * so the declared columns (names, types, nullability) are read from the one zod schema: the
 * schema that types a row is the schema drift is measured against. Decimals stay strings: a
 * dollar is never a binary float on its way to PostgreSQL NUMERIC.
 */
export const domo = {
  string: (max = 200) => z.string().max(max).meta({ domoType: 'STRING' }),
  long: () => z.number().int().refine(Number.isSafeInteger, 'outside the safe integer range').meta({ domoType: 'LONG' }),
  double: () => z.number().meta({ domoType: 'DOUBLE' }),
  decimal: () => z.string().regex(DECIMAL, 'decimal with at most 6 places').meta({ domoType: 'DECIMAL' }),
  date: () => z.string().regex(DATE, 'date as YYYY-MM-DD').meta({ domoType: 'DATE' }),
  datetime: () => z.string().regex(DATETIME, 'ISO date-time').meta({ domoType: 'DATETIME' }),
};

export type DatasetRowSchema = z.ZodObject<Record<string, z.ZodType>>;

/** Reads the declared columns (in declaration order) off a row schema built with `domo.*`. */
export function declaredColumns(schema: DatasetRowSchema): DeclaredColumn[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const nullable = field instanceof z.ZodNullable;
    const inner = nullable ? (field as z.ZodNullable<z.ZodType>).unwrap() : field;
    const type = domoColumnTypeSchema.safeParse(inner.meta()?.['domoType']);
    if (!type.success) throw new Error(`column ${name} is not declared with a domo.* type`);
    return { name, type: type.data, nullable };
  });
}
