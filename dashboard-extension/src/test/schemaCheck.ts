import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import {
  buildSchema,
  getNamedType,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export const PLUGIN_SCHEMA_PATH = resolve(process.cwd(), process.env.AMAZON_FEEDS_SCHEMA ?? "../saleor_amazon_feeds/graphql/schema.graphql");
export const SALEOR_SUBSET_PATH = resolve(process.cwd(), "graphql/saleor-api.subset.graphql");

export function loadSchema(path: string): GraphQLSchema {
  return buildSchema(readFileSync(path, "utf8"));
}

/**
 * Problems with `data` as the answer to `query`: every selected field present
 * and nothing else, null only where the schema allows it, scalars and enums
 * of the right kind. Recorded answers that pass look exactly like the server's.
 */
export function answerProblems(schema: GraphQLSchema, query: string, data: unknown): string[] {
  const document = parse(query);
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operation = definition;
  }
  if (!operation) return ["no operation in the document"];
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return ["schema has no root type for the operation"];
  const problems: string[] = [];

  const selectedFields = (type: GraphQLObjectType, selectionSet: SelectionSetNode, into = new Map<string, { name: string; selection?: SelectionSetNode }>()) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        into.set(key, { name: selection.name.value, selection: selection.selectionSet });
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) selectedFields(type, fragment.selectionSet, into);
      } else {
        selectedFields(type, selection.selectionSet, into);
      }
    }
    return into;
  };

  const check = (value: unknown, type: GraphQLOutputType, selection: SelectionSetNode | undefined, path: string) => {
    if (type instanceof GraphQLNonNull) {
      if (value === null || value === undefined) problems.push(`${path}: null where the schema says non-null`);
      else check(value, type.ofType, selection, path);
      return;
    }
    if (value === null) return;
    if (value === undefined) {
      problems.push(`${path}: missing`);
      return;
    }
    if (type instanceof GraphQLList) {
      if (!Array.isArray(value)) problems.push(`${path}: expected a list`);
      else value.forEach((item, index) => check(item, type.ofType, selection, `${path}[${index}]`));
      return;
    }
    const named = getNamedType(type);
    if (named instanceof GraphQLEnumType) {
      if (typeof value !== "string" || !named.getValue(value)) problems.push(`${path}: ${JSON.stringify(value)} is not a ${named.name}`);
      return;
    }
    if (named instanceof GraphQLScalarType) {
      const ok =
        named.name === "Int"
          ? Number.isInteger(value)
          : named.name === "Float"
            ? typeof value === "number"
            : named.name === "Boolean"
              ? typeof value === "boolean"
              : named.name === "DateTime"
                ? typeof value === "string" && !Number.isNaN(Date.parse(value))
                : named.name === "JSONString"
                  ? typeof value === "string" && isJson(value)
                  : typeof value === "string";
      if (!ok) problems.push(`${path}: ${JSON.stringify(value)} is not a ${named.name}`);
      return;
    }
    if (named instanceof GraphQLObjectType && selection) {
      checkObject(value, named, selection, path);
      return;
    }
    problems.push(`${path}: cannot check type ${named.name}`);
  };

  const checkObject = (value: unknown, type: GraphQLObjectType, selectionSet: SelectionSetNode, path: string) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${path}: expected an object`);
      return;
    }
    const fields = selectedFields(type, selectionSet);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!fields.has(key)) problems.push(`${path}.${key}: not selected by the operation`);
    for (const [key, { name, selection }] of fields) {
      const field = type.getFields()[name];
      if (!field) {
        problems.push(`${path}.${key}: ${type.name} has no field ${name}`);
        continue;
      }
      check(record[key], field.type, selection, `${path}.${key}`);
    }
  };

  checkObject(data, root, operation.selectionSet, "data");
  return problems;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
