import {
  type ASTVisitor,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Depth of a selection set, following fragments (a fragment cycle is invalid GraphQL anyway). */
function depthOf(
  set: SelectionSetNode | undefined,
  context: ValidationContext,
  seen: ReadonlySet<string>,
): number {
  if (!set) return 0;
  let deepest = 0;
  for (const selection of set.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD)
      depth = selection.selectionSet ? 1 + depthOf(selection.selectionSet, context, seen) : 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) depth = depthOf(selection.selectionSet, context, seen);
    else if (!seen.has(selection.name.value)) {
      const fragment = context.getFragment(selection.name.value);
      depth = fragment
        ? depthOf(fragment.selectionSet, context, new Set([...seen, selection.name.value]))
        : 0;
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/**
 * Refuses operations nested deeper than `max` fields, introspection included (its types refer to
 * each other, so an unbounded introspection query grows exponentially).
 */
export function depthLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const depth = depthOf(node.selectionSet, context, new Set());
      if (depth > max) {
        context.reportError(
          new GraphQLError(`query depth ${depth} exceeds the limit of ${max}`, {
            nodes: [node],
            extensions: { code: 'QUERY_TOO_COMPLEX' },
          }),
        );
      }
    },
  });
}
