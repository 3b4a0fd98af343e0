import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './page-size.ts';

/**
 * How a field counts, set through the field's `extensions.cost`: `field` for the field itself
 * (default 1), `multiplier` for its selection (default 1), `connection` to multiply by `first`.
 */
export interface CostSpec {
  readonly field?: number;
  readonly multiplier?: number;
  readonly connection?: boolean;
}

export interface OperationCost {
  /** Fields selected, all levels. */
  readonly breadth: number;
  /** Estimated work: each field 1, its selection times the rows it can return. */
  readonly complexity: number;
}

export function findOperation(
  document: DocumentNode,
  name: string | null | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return name
    ? operations.find((o) => o.name?.value === name)
    : operations.length === 1
      ? operations[0]
      : undefined;
}

function firstArgument(field: FieldNode, variables: Readonly<Record<string, unknown>>): number | null {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return null;
  if (arg.value.kind === Kind.INT) return Number.parseInt(arg.value.value, 10);
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return typeof value === 'number' ? value : null;
  }
  return null;
}

/**
 * The cost of an operation with its variables, computed from the document alone (no resolver runs).
 * Introspection fields count like any other.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let breadth = 0;

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        breadth++;
        if (selection.name.value === '__typename') {
          total += 1;
          continue;
        }
        const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
        const def =
          fields[selection.name.value] ??
          (selection.name.value === '__schema'
            ? schema.getQueryType()?.getFields().__schema
            : selection.name.value === '__type'
              ? schema.getQueryType()?.getFields().__type
              : undefined);
        const spec = (def?.extensions?.cost ?? {}) as CostSpec;
        const child = def ? getNamedType(def.type) : undefined;
        const childCost =
          selection.selectionSet && child && isCompositeType(child)
            ? walk(selection.selectionSet, child, seen)
            : 0;
        const multiplier = spec.connection
          ? Math.max(1, firstArgument(selection, variables) ?? DEFAULT_PAGE_SIZE)
          : (spec.multiplier ?? 1);
        total += (spec.field ?? 1) + multiplier * childCost;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += walk(selection.selectionSet, type, seen);
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
        if (fragment && type && isCompositeType(type)) {
          total += walk(fragment.selectionSet, type, new Set([...seen, selection.name.value]));
        }
      }
    }
    return total;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const complexity = root ? walk(operation.selectionSet, root, new Set()) : 0;
  return { breadth, complexity };
}
