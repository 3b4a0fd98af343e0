import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './types/common.ts';
import './types/estate.ts';
import './types/estate-fields.ts';
import './types/application.ts';
import './types/audit.ts';
import './types/policies.ts';
import './types/plan.ts';
import './types/dr.ts';
import './types/results.ts';
import './types/inputs.ts';
import './types/query.ts';
import './types/mutation.ts';
import './types/runs.ts';

let schema: GraphQLSchema | undefined;

/** The GraphQL schema (built once per process). */
export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false });
  return schema;
}

/** The schema as SDL, sorted, as committed in `schema.graphql`. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}
