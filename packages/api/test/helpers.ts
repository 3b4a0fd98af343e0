import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DatabaseOptions } from '../src/db/client.ts';

export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples');
export const readExample = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

export interface GqlResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected field by field
  readonly body: any;
}

/** POSTs a GraphQL request the way a client does. */
export async function gql(
  url: string,
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

/** Where a suite's database lives; `fresh()` gives options for a brand-new empty database. */
export interface TestDatabase {
  readonly name: string;
  readonly options: () => DatabaseOptions;
  readonly dispose: () => Promise<void>;
}

/** A fresh database on the Postgres of DATABASE_URL (dropped at the end). */
export async function freshPostgres(baseUrl: string): Promise<TestDatabase> {
  const name = `vp_api_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    options: () => ({ databaseUrl: url.toString() }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
