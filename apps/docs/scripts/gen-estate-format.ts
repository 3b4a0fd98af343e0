import { code, generatedNote, paragraphs, table, text } from './lib/markdown.ts';

/** The subset of JSON Schema (draft 2020-12) that zod's `toJSONSchema` emits. */
interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema | false;
  readonly prefixItems?: readonly JsonSchema[];
  readonly additionalProperties?: JsonSchema | boolean;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

interface Section {
  readonly path: string;
  readonly schema: JsonSchema;
}

/** The anchor of an object's section, from its path (`hosts[]` -> `hosts`). */
export function sectionAnchor(path: string): string {
  return `field-${path.replace(/\[\]/g, '').replace(/\.\*/g, '-entry').replace(/\./g, '-').toLowerCase()}`;
}

export function estateFormatPage(options: {
  readonly schema: Record<string, unknown>;
  readonly example: string;
  readonly exampleSource: string;
  readonly exampleSummary: string;
}): string {
  const root = options.schema as JsonSchema;
  const resolve = (s: JsonSchema): JsonSchema => {
    if (!s.$ref) return s;
    const name = s.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    const target = root.$defs?.[name] ?? root.definitions?.[name];
    if (!target) throw new Error(`estate JSON Schema: unresolved $ref ${s.$ref}`);
    return { ...target, ...(s.description ? { description: s.description } : {}) };
  };

  const sections: Section[] = [];
  const isObject = (s: JsonSchema): boolean => resolve(s).properties !== undefined;
  const elementOf = (s: JsonSchema): JsonSchema | undefined => {
    const r = resolve(s);
    return r.items && typeof r.items === 'object' ? resolve(r.items) : undefined;
  };
  const recordValueOf = (s: JsonSchema): JsonSchema | undefined => {
    const r = resolve(s);
    return typeof r.additionalProperties === 'object' ? resolve(r.additionalProperties) : undefined;
  };
  const nonNull = (s: JsonSchema): JsonSchema => {
    const r = resolve(s);
    const alts = r.anyOf ?? r.oneOf;
    if (!alts) return r;
    const real = alts.filter((a) => resolve(a).type !== 'null');
    return real.length === 1
      ? { ...resolve(real[0]!), ...(r.description ? { description: r.description } : {}) }
      : r;
  };

  // Collect every object in the schema, depth first, in the order the file format lists them.
  const visit = (path: string, s: JsonSchema): void => {
    const r = nonNull(s);
    if (r.properties) {
      sections.push({ path, schema: r });
      for (const [name, child] of Object.entries(r.properties)) visit(path ? `${path}.${name}` : name, child);
      return;
    }
    const element = elementOf(r);
    if (element && isObject(element)) visit(`${path}[]`, element);
    const value = recordValueOf(r);
    if (value && isObject(value)) visit(`${path}.*`, value);
  };
  visit('', root);

  const typeOf = (s: JsonSchema, fieldPath: string): string => {
    const r = nonNull(s);
    if (r.const !== undefined) return code(JSON.stringify(r.const));
    if (r.enum) return r.enum.map((v) => code(String(v))).join(' \\| ');
    const alts = r.anyOf ?? r.oneOf;
    if (alts) return alts.map((a) => typeOf(a, fieldPath)).join(' or ');
    if (r.properties) return `[object](#${sectionAnchor(fieldPath)})`;
    if (r.prefixItems) return `[${r.prefixItems.map((p) => typeOf(p, fieldPath)).join(', ')}]`;
    const element = elementOf(r);
    if (element) {
      return element.properties
        ? `list of [objects](#${sectionAnchor(`${fieldPath}[]`)})`
        : `list of ${typeOf(element, `${fieldPath}[]`)}`;
    }
    const value = recordValueOf(r);
    if (value) {
      return value.properties
        ? `map of id → [object](#${sectionAnchor(`${fieldPath}.*`)})`
        : `map of id → ${typeOf(value, `${fieldPath}.*`)}`;
    }
    if (r.format) return `${String(r.type)} (${r.format})`;
    return Array.isArray(r.type) ? r.type.join(' or ') : String(r.type ?? 'any');
  };

  const constraints = (s: JsonSchema): string => {
    const r = nonNull(s);
    const parts: string[] = [];
    if (r.minimum !== undefined) parts.push(`≥ ${r.minimum}`);
    if (r.exclusiveMinimum !== undefined) parts.push(`> ${r.exclusiveMinimum}`);
    if (r.maximum !== undefined) parts.push(`≤ ${r.maximum}`);
    if (r.exclusiveMaximum !== undefined) parts.push(`< ${r.exclusiveMaximum}`);
    if (r.minLength !== undefined && r.minLength > 0) parts.push('not empty');
    if (r.pattern) parts.push(`matches ${code(r.pattern)}`);
    if (r.minItems !== undefined && !r.prefixItems) parts.push(`at least ${r.minItems}`);
    if (r.maxItems !== undefined && !r.prefixItems) parts.push(`at most ${r.maxItems}`);
    if (r.default !== undefined) parts.push(`default ${code(JSON.stringify(r.default))}`);
    return parts.length > 0 ? parts.join(', ') : '—';
  };

  const rendered = sections.map(({ path, schema }) => {
    const required = new Set(schema.required ?? []);
    const heading = path === '' ? 'The estate (top level)' : `\`${path}\``;
    const rows = Object.entries(schema.properties ?? {}).map(([name, child]) => {
      const fieldPath = path ? `${path}.${name}` : name;
      const r = nonNull(child);
      return [
        code(name),
        typeOf(child, fieldPath),
        required.has(name) ? '**required**' : 'optional',
        constraints(child),
        r.description ? text(r.description) : '',
      ];
    });
    return [
      `### ${heading} {#${path === '' ? 'field-root' : sectionAnchor(path)}}`,
      '',
      ...(schema.description && path !== '' ? [paragraphs(schema.description), ''] : []),
      table(['Field', 'Type', 'Required', 'Constraints', 'Description'], rows),
      '',
    ].join('\n');
  });

  const fence = options.example.includes('```') ? '````' : '```';
  return [
    generatedNote('@virtplan/core/json-schema (estateJsonSchema) and examples/spec-example.yaml'),
    '',
    '# Estate file format',
    '',
    'An estate file describes what a hospital IT team knows about its servers: sites, the physical machines, the workloads running on them today, and the policies to hold. The same structure is accepted as YAML or JSON. This page is rendered at every build from the JSON Schema that the validator itself is generated from, so it cannot drift from what `virtplan validate` accepts.',
    '',
    'The JSON Schema itself is published with this site as [estate-v1.json](/schema/estate-v1.json): point your editor at it (for example with a `# yaml-language-server: $schema=` comment) to get completion and checking while you type. Units are in the field names: `memoryGiB`, `networkMbps`, `rpoMinutes`.',
    '',
    '## The example from the specification {#example}',
    '',
    `${options.exampleSummary} It is \`${options.exampleSource}\` in the repository, checked by the docs build with the same parser the product uses.`,
    '',
    `${fence}yaml`,
    options.example.trimEnd(),
    fence,
    '',
    '## Fields {#fields}',
    '',
    'Every object of the format, in the order the file lists them. A path such as `hosts[]` means "each entry of the `hosts` list"; `policies.dr.recoverySites.*` means "each value of that map".',
    '',
    ...rendered,
  ].join('\n');
}
