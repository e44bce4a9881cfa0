import { fragmentsOf, measureOperations } from '@lilong/kit/src/hub';
import { Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What an operation asks for once every fragment is expanded in place, as the query planner will see it. */
export interface Expanded {
  /** Field selections, each fragment counted once per spread (Apollo Router's `max_recursive_selections`). */
  selections: number;
  /** Selections of fields that fan out to every community (`@fanout` root and entity fields). */
  fanoutFields: number;
}

/**
 * The kit's fragment-aware measure (`measureOperations`, which the nodes use too), for the operation to run, with
 * types from `schema`, so a fan-out field reached through an interface or an inline fragment is attributed to the
 * type it is selected on.
 */
export function expandedSize(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  schema: GraphQLSchema,
  fanoutCoordinates: ReadonlySet<string>,
  cap = Number.MAX_SAFE_INTEGER,
): Expanded {
  const { selections, fanoutFields } = measureOperations(document, [operation], { schema, fanoutCoordinates, cap });
  return { selections, fanoutFields };
}

const META_FIELDS = new Set(['__schema', '__type', '__typename']);

/**
 * Where an operation's root asks for introspection (`__schema`, `__type`):
 * - `none`: it does not;
 * - `only`: nothing else is asked (through inline fragments and spreads too): the hub answers it from its schema;
 * - `top`: beside data, as root fields, which the gateway handles;
 * - `nested`: beside data inside a root-level fragment, which `@apollo/query-planner` cannot plan.
 */
export function introspectionPlacement(document: DocumentNode, operation: OperationDefinitionNode): 'none' | 'only' | 'top' | 'nested' {
  if (operation.operation !== 'query') return 'none';
  const fragments = fragmentsOf(document);
  const seen = new Set<string>();
  let introspection = false;
  let nested = false;
  let data = false;
  const walk = (set: SelectionSetNode, inFragment: boolean): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') {
          introspection = true;
          nested ||= inFragment;
        } else if (!META_FIELDS.has(name)) data = true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, true);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, true);
      }
    }
  };
  walk(operation.selectionSet, false);
  if (!introspection) return 'none';
  if (!data) return 'only';
  return nested ? 'nested' : 'top';
}
