export type GraphQLBody = { data?: unknown; errors?: unknown[] };

type Call = {
  api: "plugin" | "saleor";
  url: string;
  operationName: string;
  variables: Record<string, unknown>;
  authorization: string | null;
};

export type Responder = GraphQLBody | ((variables: Record<string, unknown>, call: Call) => GraphQLBody | Promise<GraphQLBody>);

export const PLUGIN_URL = "http://shop.test/plugins/global/saleor.amazon_feeds/graphql/";
export const SALEOR_URL = "http://shop.test/graphql/";

function operationNameOf(query: string): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "(anonymous)";
}

/**
 * A fetch that answers from recorded GraphQL responses, keyed by operation
 * name. A list answers in turn (its last answer repeats), which is how
 * polling is played. Calls are recorded for assertions.
 */
export type Routes = Record<string, Responder | Responder[]>;

export function fakeGraphql(routes: Routes) {
  const calls: Call[] = [];
  const unexpected: string[] = [];
  const served = new Map<string, number>();

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const body = JSON.parse(String(init?.body ?? "{}")) as { query: string; variables?: Record<string, unknown> };
    const headers = new Headers(init?.headers);
    const call: Call = {
      api: url === PLUGIN_URL ? "plugin" : "saleor",
      url,
      operationName: operationNameOf(body.query),
      variables: body.variables ?? {},
      authorization: headers.get("Authorization"),
    };
    calls.push(call);
    const route = routes[call.operationName];
    if (!route) {
      unexpected.push(call.operationName);
      throw new TypeError(`No recorded answer for ${call.operationName}`);
    }
    const answers = Array.isArray(route) ? route : [route];
    const index = served.get(call.operationName) ?? 0;
    served.set(call.operationName, index + 1);
    const answer = answers[Math.min(index, answers.length - 1)] as Responder;
    const payload = typeof answer === "function" ? await answer(call.variables, call) : answer;
    return new Response(JSON.stringify(payload), { status: 200, headers: { "Content-Type": "application/json" } });
  };

  return {
    fetch: fetchImpl as typeof fetch,
    calls,
    unexpected,
    callsOf: (operationName: string) => calls.filter((c) => c.operationName === operationName),
  };
}
