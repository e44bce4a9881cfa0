import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  Kind,
  OperationDefinitionNode,
  parse,
  print,
  SelectionNode,
  SelectionSetNode,
  visit,
} from 'graphql';

/** Alias under which the hub asks for a fan-out field's sort key; stripped before the client sees it. */
export const SORT_KEY_ALIAS = '__lilong_sort';

export interface ParsedFetch {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

export function parseFetch(query: string): ParsedFetch {
  const document = parse(query, { noLocation: true });
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error('fetch without an operation');
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return { document, operation, fragments };
}

export const responseKey = (field: FieldNode): string => field.alias?.value ?? field.name.value;

/** The fields a selection set selects on `typeName`, through inline fragments and fragment spreads. */
export function fieldsOn(
  selectionSet: SelectionSetNode,
  typeName: string | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  out: FieldNode[] = [],
): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition?.name.value;
      if (!on || !typeName || on === typeName) fieldsOn(selection.selectionSet, typeName, fragments, out);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && (!typeName || fragment.typeCondition.name.value === typeName)) {
        fieldsOn(fragment.selectionSet, typeName, fragments, out);
      }
    }
  }
  return out;
}

/** `_entities` selections by the type they apply to. */
export function entityFieldsByType(parsed: ParsedFetch, entitiesField: FieldNode): Map<string, FieldNode[]> {
  const byType = new Map<string, FieldNode[]>();
  const visitSet = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT && selection.typeCondition) {
        const t = selection.typeCondition.name.value;
        byType.set(t, fieldsOn(selection.selectionSet, t, parsed.fragments, byType.get(t) ?? []));
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = parsed.fragments.get(selection.name.value);
        if (fragment) {
          const t = fragment.typeCondition.name.value;
          byType.set(t, fieldsOn(fragment.selectionSet, t, parsed.fragments, byType.get(t) ?? []));
        }
      }
    }
  };
  if (entitiesField.selectionSet) visitSet(entitiesField.selectionSet);
  return byType;
}

/** Adds `__lilong_sort: <sortBy>` to a field's selection set (mutating a parsed, location-free AST). */
export function addSortKey(field: FieldNode, sortBy: string): void {
  const sortField: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: SORT_KEY_ALIAS },
    name: { kind: Kind.NAME, value: sortBy },
  };
  const set = field.selectionSet as { selections: SelectionNode[] } | undefined;
  if (!set) return;
  if (!set.selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === SORT_KEY_ALIAS)) set.selections.push(sortField);
}

/**
 * A document holding only `fields` of the operation, with only the variables and fragments they use: a
 * standalone, valid request for one community.
 */
export function documentWithFields(parsed: ParsedFetch, fields: readonly FieldNode[]): string {
  const usedFragments = new Set<string>();
  const usedVariables = new Set<string>();
  const collect = (node: FieldNode | FragmentDefinitionNode) =>
    visit(node, {
      Variable: (v) => {
        usedVariables.add(v.name.value);
      },
      FragmentSpread: (s) => {
        if (!usedFragments.has(s.name.value)) {
          usedFragments.add(s.name.value);
          const fragment = parsed.fragments.get(s.name.value);
          if (fragment) collect(fragment);
        }
      },
    });
  for (const field of fields) collect(field);
  const operation: OperationDefinitionNode = {
    ...parsed.operation,
    variableDefinitions: (parsed.operation.variableDefinitions ?? []).filter((d) => usedVariables.has(d.variable.name.value)),
    selectionSet: { kind: Kind.SELECTION_SET, selections: [...fields] },
  };
  return print({
    kind: Kind.DOCUMENT,
    definitions: [operation, ...[...usedFragments].flatMap((name) => parsed.fragments.get(name) ?? [])],
  });
}

export function printDocument(parsed: ParsedFetch): string {
  return print(parsed.document);
}

/** Re-parses to get a private, mutable copy. */
export function cloneFetch(query: string): ParsedFetch {
  return parseFetch(query);
}
