import { useCallback, useEffect, useRef, useState } from "react";

import { useDashboard } from "../dashboard/DashboardContext";
import type { GraphQLClient, TypedDocument } from "./client";
import { ApiError, type FieldError, type GraphQLErrorEntry } from "./errors";

type Api = "plugin" | "saleor";

export type QueryState<TResult> = {
  data: TResult | undefined;
  error: ApiError | undefined;
  fieldErrors: GraphQLErrorEntry[];
  loading: boolean;
  refetch(): Promise<TResult | undefined>;
};

type QueryOptions<TResult> = {
  skip?: boolean;
  /** Poll every N ms while set; pass undefined to stop. */
  pollMs?: number;
  /**
   * Asked at each tick with the latest answer (as received, not as last
   * rendered): false skips the tick. A state-driven pollMs stops a render and
   * an effect after the answer that settles it, and a tick can fall between.
   */
  pollWhile?: (data: TResult | undefined) => boolean;
  api?: Api;
};

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError("server", error instanceof Error ? error.message : String(error));
}

function useClient(api: Api): GraphQLClient {
  const dashboard = useDashboard();
  return api === "saleor" ? dashboard.saleor : dashboard.plugin;
}

export function useQuery<TResult, TVariables>(
  document: TypedDocument<TResult, TVariables>,
  variables: TVariables,
  { skip = false, pollMs, pollWhile, api = "plugin" }: QueryOptions<TResult> = {},
): QueryState<TResult> {
  const client = useClient(api);
  const { access } = useDashboard();
  const [state, setState] = useState<Omit<QueryState<TResult>, "refetch">>({
    data: undefined,
    error: undefined,
    fieldErrors: [],
    loading: !skip,
  });
  // Variables arrive as fresh object literals each render; their JSON is the identity.
  const key = JSON.stringify(variables ?? null);
  const latestRequest = useRef(0);
  const latestData = useRef<TResult | undefined>(undefined);
  // Requests not answered yet: a poll never overlaps another request, so a
  // slow answer cannot have a second, redundant one sent behind it.
  const pending = useRef(0);
  const pollWhileRef = useRef(pollWhile);
  pollWhileRef.current = pollWhile;
  const ready = access === "ready" && !skip;

  const run = useCallback(
    async (quiet: boolean): Promise<TResult | undefined> => {
      const requestId = ++latestRequest.current;
      if (!quiet) setState((s) => ({ ...s, loading: true }));
      pending.current += 1;
      try {
        const result = await client.request(document, JSON.parse(key) as TVariables);
        if (requestId === latestRequest.current) {
          latestData.current = result.data;
          setState({ data: result.data, error: undefined, fieldErrors: result.fieldErrors, loading: false });
        }
        return result.data;
      } catch (error) {
        if (requestId === latestRequest.current) {
          setState((s) => ({ ...s, error: asApiError(error), loading: false }));
        }
        return undefined;
      } finally {
        pending.current -= 1;
      }
    },
    [client, document, key],
  );

  useEffect(() => {
    if (!ready) {
      setState((s) => ({ ...s, loading: !skip }));
      return;
    }
    void run(false);
  }, [ready, run, skip]);

  useEffect(() => {
    if (!ready || !pollMs) return;
    const timer = window.setInterval(() => {
      if (pending.current > 0) return;
      const wanted = pollWhileRef.current;
      if (wanted && !wanted(latestData.current)) return;
      void run(true);
    }, pollMs);
    return () => window.clearInterval(timer);
  }, [ready, pollMs, run]);

  const refetch = useCallback(() => run(true), [run]);
  return { ...state, refetch };
}

type PayloadWithErrors = { errors: ReadonlyArray<FieldError> } | null | undefined;

export type MutationOutcome<TResult> =
  | { ok: true; data: TResult }
  | { ok: false; data?: TResult; fieldErrors: FieldError[]; error?: ApiError };

/**
 * Runs a mutation and separates the two ways it can fail: the payload's
 * `errors { field code message }` (input problems, shown next to fields) and
 * a request-level ApiError (permission, session, network).
 */
export function useMutation<TResult, TVariables>(
  document: TypedDocument<TResult, TVariables>,
  payloadOf: (data: TResult) => PayloadWithErrors,
  { api = "plugin" }: { api?: Api } = {},
) {
  const client = useClient(api);
  const [running, setRunning] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  const mutate = useCallback(
    async (variables: TVariables): Promise<MutationOutcome<TResult>> => {
      setRunning(true);
      setError(undefined);
      setFieldErrors([]);
      try {
        const { data } = await client.request(document, variables);
        const errors = [...(payloadOf(data)?.errors ?? [])];
        setFieldErrors(errors);
        return errors.length ? { ok: false, data, fieldErrors: errors } : { ok: true, data };
      } catch (caught) {
        const apiError = asApiError(caught);
        // Input errors raised as GraphQL errors (variables the server could not
        // coerce) name their fields like payload errors do.
        setFieldErrors(apiError.fieldErrors);
        setError(apiError.fieldErrors.length ? undefined : apiError);
        return { ok: false, fieldErrors: apiError.fieldErrors, error: apiError };
      } finally {
        setRunning(false);
      }
    },
    [client, document, payloadOf],
  );

  const reset = useCallback(() => {
    setFieldErrors([]);
    setError(undefined);
  }, []);

  return { mutate, running, fieldErrors, error, reset };
}

/** A query run on demand (a search, "View details"), keeping the latest answer. */
export function useLazyQuery<TResult, TVariables>(
  document: TypedDocument<TResult, TVariables>,
  { api = "plugin" }: { api?: Api } = {},
) {
  const client = useClient(api);
  const [state, setState] = useState<{ data?: TResult; error?: ApiError; loading: boolean }>({ loading: false });
  const latest = useRef(0);
  const run = useCallback(
    async (variables: TVariables): Promise<TResult | undefined> => {
      const requestId = ++latest.current;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      try {
        const { data } = await client.request(document, variables);
        if (requestId === latest.current) setState({ data, loading: false });
        return data;
      } catch (error) {
        if (requestId === latest.current) setState({ error: asApiError(error), loading: false });
        return undefined;
      }
    },
    [client, document],
  );
  return { ...state, run };
}
