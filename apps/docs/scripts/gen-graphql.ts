import {
  buildSchema,
  type GraphQLArgument,
  GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputField,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  type GraphQLNamedType,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  type GraphQLType,
  GraphQLUnionType,
  getNamedType,
  isListType,
  isNonNullType,
} from 'graphql';
import { code, generatedNote, paragraphs, table, text } from './lib/markdown.ts';

/** A page of the GraphQL reference: its path under reference/graphql/ and its Markdown. */
export interface GeneratedPage {
  readonly file: string;
  readonly title: string;
  readonly markdown: string;
}

type Kind = 'objects' | 'interfaces' | 'unions' | 'enums' | 'inputs' | 'scalars';

const KIND_TITLES: Record<Kind, string> = {
  objects: 'Object types',
  interfaces: 'Interfaces',
  unions: 'Unions',
  enums: 'Enums',
  inputs: 'Input types',
  scalars: 'Scalars',
};

function kindOf(type: GraphQLNamedType): Kind {
  if (type instanceof GraphQLObjectType) return 'objects';
  if (type instanceof GraphQLInterfaceType) return 'interfaces';
  if (type instanceof GraphQLUnionType) return 'unions';
  if (type instanceof GraphQLEnumType) return 'enums';
  if (type instanceof GraphQLInputObjectType) return 'inputs';
  if (type instanceof GraphQLScalarType) return 'scalars';
  throw new Error(`unknown GraphQL type kind for ${String(type)}`);
}

/** The anchor of a named type on its kind's page. */
export function typeAnchor(name: string): string {
  return `type-${name.toLowerCase()}`;
}

/** Renders `[Foo!]!` with the named type linked to its page (links are relative to the page). */
function typeRef(type: GraphQLType, from: string): string {
  if (isNonNullType(type)) return `${typeRef(type.ofType, from)}!`;
  if (isListType(type)) return `\\[${typeRef(type.ofType, from)}\\]`;
  const named = getNamedType(type);
  const page = kindOf(named);
  const href = page === from ? `#${typeAnchor(named.name)}` : `./${page}.md#${typeAnchor(named.name)}`;
  return `[\`${named.name}\`](${href})`;
}

function description(value: string | null | undefined): string {
  return value && value.trim().length > 0 ? paragraphs(value) : '<em>No description.</em>';
}

function deprecation(reason: string | null | undefined): string {
  return reason ? ` <Badge type="warning" text="deprecated" /> ${text(reason)}` : '';
}

function defaultValue(arg: GraphQLArgument | GraphQLInputField): string {
  const node = arg.astNode?.defaultValue;
  if (!node) return '';
  // Print the default exactly as the schema spells it.
  const loc = node.loc;
  return loc ? code(loc.source.body.slice(loc.start, loc.end)) : '';
}

function argumentsTable(args: readonly GraphQLArgument[], from: string): string {
  return args
    .map(
      (a) =>
        `${code(a.name)}: ${typeRef(a.type, from)}${defaultValue(a) ? ` = ${defaultValue(a)}` : ''} — ${description(a.description).replace(/\n\n/g, ' ')}${deprecation(a.deprecationReason)}`,
    )
    .join('<br>');
}

function fieldsTable(fields: readonly GraphQLField<unknown, unknown>[], from: string): string {
  const rows = fields.map((f) => [
    code(f.name),
    typeRef(f.type, from),
    `${description(f.description).replace(/\n\n/g, '<br><br>')}${deprecation(f.deprecationReason)}${
      f.args.length > 0 ? `<br><strong>Arguments</strong><br>${argumentsTable(f.args, from)}` : ''
    }`,
  ]);
  return table(['Field', 'Type', 'Description'], rows);
}

function inputFieldsTable(fields: readonly GraphQLInputField[], from: string): string {
  const rows = fields.map((f) => [
    code(f.name),
    typeRef(f.type, from),
    defaultValue(f) || '—',
    `${description(f.description).replace(/\n\n/g, '<br><br>')}${deprecation(f.deprecationReason)}`,
  ]);
  return table(['Field', 'Type', 'Default', 'Description'], rows);
}

function renderType(type: GraphQLNamedType, from: Kind): string {
  const lines = [`## ${type.name} {#${typeAnchor(type.name)}}`, '', description(type.description), ''];
  if (type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType) {
    const interfaces = type.getInterfaces();
    if (interfaces.length > 0) {
      lines.push(`Implements ${interfaces.map((i) => typeRef(i, from)).join(', ')}.`, '');
    }
    lines.push(fieldsTable(Object.values(type.getFields()), from), '');
  } else if (type instanceof GraphQLUnionType) {
    lines.push(
      `One of: ${type
        .getTypes()
        .map((t) => typeRef(t, from))
        .join(', ')}.`,
      '',
    );
  } else if (type instanceof GraphQLEnumType) {
    lines.push(
      table(
        ['Value', 'Description'],
        type
          .getValues()
          .map((v) => [code(v.name), `${description(v.description)}${deprecation(v.deprecationReason)}`]),
      ),
      '',
    );
  } else if (type instanceof GraphQLInputObjectType) {
    lines.push(inputFieldsTable(Object.values(type.getFields()), from), '');
  } else if (type instanceof GraphQLScalarType && type.specifiedByURL) {
    lines.push(`Specified by <${type.specifiedByURL}>.`, '');
  }
  return lines.join('\n');
}

/** Everything in the schema a reader may meet, in a stable order. */
function namedTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Items without a description, so the API's authors can see what the reference lacks. */
export function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const builtIn = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);
  // The root operation types need no description of their own; their fields do.
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((t) => t?.name),
  );
  for (const type of namedTypes(schema)) {
    if (builtIn.has(type.name)) continue;
    if (!type.description && !roots.has(type.name)) missing.push(type.name);
    if (
      type instanceof GraphQLObjectType ||
      type instanceof GraphQLInterfaceType ||
      type instanceof GraphQLInputObjectType
    ) {
      for (const f of Object.values(type.getFields())) {
        if (!f.description) missing.push(`${type.name}.${f.name}`);
        if ('args' in f)
          for (const a of f.args) if (!a.description) missing.push(`${type.name}.${f.name}(${a.name})`);
      }
    }
    if (type instanceof GraphQLEnumType) {
      for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    }
  }
  return missing;
}

/** Builds the GraphQL reference pages from the printed schema (SDL text). */
export function graphqlPages(sdl: string, sourceName: string): GeneratedPage[] {
  const schema = buildSchema(sdl, { noLocation: false });
  const types = namedTypes(schema);
  const byKind = new Map<Kind, GraphQLNamedType[]>();
  for (const t of types) {
    const k = kindOf(t);
    byKind.set(k, [...(byKind.get(k) ?? []), t]);
  }
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (t): t is GraphQLObjectType => t !== null && t !== undefined,
  );
  const kinds = Object.keys(KIND_TITLES) as Kind[];
  const counts = kinds.map((k) => `[${KIND_TITLES[k]}](./${k}.md) (${byKind.get(k)?.length ?? 0})`);

  const index = [
    generatedNote(sourceName),
    '',
    '# GraphQL schema',
    '',
    `The API's schema as printed in \`${sourceName}\`, rendered at every docs build. Every type, field and argument is listed with the description the API gives it; a change to the schema changes this reference on the next build.`,
    '',
    `Types by kind: ${counts.join(' · ')}.`,
    '',
    ...roots.flatMap((root) => [
      `## ${root.name} {#${typeAnchor(root.name)}-operations}`,
      '',
      description(root.description),
      '',
      fieldsTable(Object.values(root.getFields()), 'index'),
      '',
    ]),
  ].join('\n');

  const pages: GeneratedPage[] = [{ file: 'index.md', title: 'GraphQL schema', markdown: index }];
  for (const kind of kinds) {
    const list = byKind.get(kind) ?? [];
    const body =
      list.length === 0
        ? [`The schema defines no ${KIND_TITLES[kind].toLowerCase()}.`]
        : list.map((t) => renderType(t, kind));
    pages.push({
      file: `${kind}.md`,
      title: KIND_TITLES[kind],
      markdown: [
        generatedNote(sourceName),
        '',
        `# ${KIND_TITLES[kind]}`,
        '',
        `${list.length} ${KIND_TITLES[kind].toLowerCase()} of the [GraphQL schema](./index.md), in alphabetical order.`,
        '',
        ...body,
      ].join('\n'),
    });
  }
  return pages;
}
