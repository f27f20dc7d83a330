import type { CodegenConfig } from "@graphql-codegen/cli";

// Two schemas, two outputs: the plugin's own API (committed, printed from the
// Python code) and the few Saleor types some pages read from Saleor's API.
// Documents are validated against their schema here, so a schema change that
// breaks an operation fails `npm run codegen` (and so the build and the tests);
// one that changes a result's shape fails `tsc`.
const shared = {
  preset: "client" as const,
  presetConfig: { fragmentMasking: false },
  config: {
    documentMode: "string",
    enumsAsTypes: true,
    useTypeImports: true,
    strictScalars: true,
    scalars: { DateTime: "string", JSONString: "string" },
    avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
    skipTypename: true,
    dedupeFragments: true,
  },
};

const config: CodegenConfig = {
  overwrite: true,
  ignoreNoDocuments: false,
  generates: {
    "src/gql/plugin/": {
      ...shared,
      schema: process.env.AMAZON_FEEDS_SCHEMA ?? "../saleor_amazon_feeds/graphql/schema.graphql",
      documents: ["src/api/plugin/*.graphql"],
    },
    "src/gql/saleor/": {
      ...shared,
      schema: "graphql/saleor-api.subset.graphql",
      documents: ["src/api/saleor/*.graphql"],
    },
  },
};

export default config;
