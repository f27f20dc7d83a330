import { ApiError, classify, type GraphQLErrorEntry } from "./errors";

/** Structural match of codegen's TypedDocumentString: the query text plus its types. */
export type TypedDocument<TResult, TVariables> = {
  toString(): string;
  __apiType?: (variables: TVariables) => TResult;
};

export type Result<TResult> = {
  data: TResult;
  /** Errors on single fields (e.g. one the token may not read); the rest of the answer holds. */
  fieldErrors: GraphQLErrorEntry[];
};

export type GraphQLClient = {
  request<TResult, TVariables>(
    document: TypedDocument<TResult, TVariables>,
    variables: TVariables,
  ): Promise<Result<TResult>>;
};

type ClientOptions = {
  url: () => string | null;
  token: () => string | null | undefined;
  fetchImpl?: typeof fetch;
};

type Body = { data?: unknown; errors?: GraphQLErrorEntry[] };

export function createClient({ url, token, fetchImpl }: ClientOptions): GraphQLClient {
  return {
    async request(document, variables) {
      // Read at call time: the dashboard refreshes the token while the page is open.
      const bearer = token();
      if (!bearer) {
        throw new ApiError("no-token", "The dashboard has not handed this page an access token.");
      }
      const endpoint = url();
      if (!endpoint) {
        throw new ApiError("server", "The dashboard did not say where Saleor's API is.");
      }
      let response: Response;
      try {
        response = await (fetchImpl ?? fetch)(endpoint, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Authorization: `Bearer ${bearer}`,
          },
          body: JSON.stringify({ query: document.toString(), variables }),
        });
      } catch {
        throw new ApiError("network", "The server could not be reached. Check your connection and try again.");
      }
      let body: Body;
      try {
        body = (await response.json()) as Body;
      } catch {
        throw new ApiError("server", `The server answered with HTTP ${response.status}.`);
      }
      const errors = body.errors ?? [];
      // An error on the operation's root field (or none at all) leaves nothing to
      // show; an error deeper down nulls one field and the rest is still valid.
      const fatal = body.data == null || errors.some((e) => !e.path || e.path.length <= 1);
      if (errors.length > 0 && fatal) throw classify(errors);
      if (body.data == null) {
        throw new ApiError("server", `The server answered with HTTP ${response.status} and no data.`);
      }
      return { data: body.data as never, fieldErrors: errors };
    },
  };
}

/** The plugin's endpoint is the `graphql/` sibling of the folder the build is served from. */
export function pluginGraphqlUrl(base: string, origin: string): string {
  return new URL("../graphql/", new URL(base, origin)).toString();
}
