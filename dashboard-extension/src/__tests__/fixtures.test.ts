import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";

import { Kind, parse, validate } from "graphql";

import * as pluginDocuments from "../gql/plugin/graphql";
import * as saleorDocuments from "../gql/saleor/graphql";
import { answerProblems, loadSchema, PLUGIN_SCHEMA_PATH, SALEOR_SUBSET_PATH } from "../test/schemaCheck";

function operations(module: Record<string, unknown>): Map<string, string> {
  const byName = new Map<string, string>();
  for (const [exportName, value] of Object.entries(module)) {
    if (!exportName.endsWith("Document") || value === null || typeof value !== "object") continue;
    const text = String(value);
    const definition = parse(text).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (definition && definition.kind === Kind.OPERATION_DEFINITION && definition.name) byName.set(definition.name.value, text);
  }
  return byName;
}

const pluginOps = operations(pluginDocuments as Record<string, unknown>);
const saleorOps = operations(saleorDocuments as Record<string, unknown>);
const pluginSchema = loadSchema(PLUGIN_SCHEMA_PATH);
const saleorSubset = loadSchema(SALEOR_SUBSET_PATH);
type RecordedError = { message?: unknown; path?: (string | number)[]; extensions?: Record<string, unknown> };
const FIXTURES = import.meta.glob<{ default: { data?: unknown; errors?: RecordedError[] } }>("../__fixtures__/*.json", { eager: true });

describe("recorded GraphQL answers", () => {
  const entries = Object.entries(FIXTURES).map(([path, module]) => [path.replace(/^.*\//, "").replace(/\.json$/, ""), module.default] as const);

  it("exist", () => {
    expect(entries.length).toBeGreaterThan(40);
  });

  it.each(entries)("%s is shaped exactly as the schema answers its operation", (name, body) => {
    const operation = name.split(".")[0] as string;
    if (body.data == null) {
      // Error answers: what the plugin's and Saleor's error formatters produce.
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) expect(error.extensions).toBeTypeOf("object");
      return;
    }
    const saleor = operation.startsWith("Saleor");
    const query = (saleor ? saleorOps : pluginOps).get(operation);
    expect(query, `no operation named ${operation}`).toBeDefined();
    expect(answerProblems(saleor ? saleorSubset : pluginSchema, query as string, body.data)).toEqual([]);
  });

  // A partial answer (some fields refused, the rest there) has one error per
  // refused field, whose path leads to that field's null.
  const partial = entries.filter(([, body]) => body.data != null && (body.errors?.length ?? 0) > 0);
  it.each(partial)("%s has a null at each error's path", (_name, body) => {
    for (const error of body.errors ?? []) {
      expect(typeof error.message).toBe("string");
      expect(error.extensions?.exceptionCode).toBeTypeOf("string");
      expect(error.path?.length).toBeGreaterThan(0);
      let value: unknown = body.data;
      for (const segment of error.path ?? []) value = (value as Record<string | number, unknown> | null | undefined)?.[segment];
      expect(value, (error.path ?? []).join(".")).toBeNull();
    }
  });
});

// The subset file is copied by hand; when a Saleor source tree is around, check
// the operations against Saleor's full schema so the copy cannot drift.
const saleorSchemaPath = resolve(process.env.SALEOR_SRC ?? resolve(homedir(), ".cache/saleor/3.23.28"), "saleor/graphql/schema.graphql");
describe.runIf(existsSync(saleorSchemaPath))("operations on Saleor's own API", () => {
  it.each([...saleorOps.entries()])("%s is valid against Saleor 3.23's schema", (_name, query) => {
    const schema = loadSchema(saleorSchemaPath);
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
  });
});
