/** The JSON Schema of the estate format, generated from the same zod schema that validates. */
import { z } from 'zod';
import { estateSchema } from './schema.ts';

export function estateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(estateSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://virtplan.dev/schema/estate-v1.json',
    title: 'virtplan estate, version 1',
  };
}
