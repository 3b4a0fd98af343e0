import { createClient, type TypedDocument } from '@virtplan/client';
import { parse } from 'graphql';

const client = createClient({
  url: 'http://localhost:4000/graphql',
  apiKey: process.env.VIRTPLAN_API_KEY ?? '',
});

// Typed by hand here for brevity; graphql-codegen or gql.tada can type it from
// @virtplan/client/schema.graphql instead.
const Revision = parse(
  'query Revision($id: ID!) { estate(id: $id) { revision } }',
) as unknown as TypedDocument<{ estate: { revision: number } | null }, { id: string }>;

export async function revisionOf(estateId: string): Promise<number | undefined> {
  const { estate } = await client.request(Revision, { id: estateId });
  return estate?.revision;
}
