/**
 * Every request the simulated GitHub answered, with its route template (GitHub's OpenAPI path,
 * e.g. `GET /repos/{owner}/{repo}/git/blobs/{file_sha}`), status and installation, plus the
 * requests GitHub's description says GitHub would reject and the responses that do not match it.
 */

export interface RequestEntry {
  /** 1, 2, ... in arrival order. */
  readonly seq: number;
  readonly method: string;
  /** `METHOD /template` (e.g. `GET /repos/{owner}/{repo}/git/trees/{tree_sha}`); `METHOD <path>` when no operation matched. */
  readonly route: string;
  /** GitHub's operation id (`git/get-tree`), or null for an unknown route. */
  readonly operationId: string | null;
  /** Whether the simulator implements the operation (false: answered 404 though GitHub has it). */
  readonly implemented: boolean;
  /** The path and query as sent (without `/api/v3`). */
  readonly path: string;
  readonly status: number;
  /** Epoch milliseconds when it arrived, and how long it took to answer (latency included). */
  readonly time: number;
  readonly durationMs: number;
  /** The installation whose token was used; null for the app's JWT and unauthenticated requests. */
  readonly installationId: number | null;
  readonly auth: "app" | "installation" | "none" | "invalid";
  /** Why the simulator answered an error on purpose, if it did. */
  readonly fault: "server-error" | "secondary-rate-limit" | "primary-rate-limit" | null;
  /** `x-github-delivery` sent by Probot with requests made for an event. */
  readonly deliveryId: string | null;
}

export interface InvalidRequest {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  readonly body: unknown;
  readonly problems: readonly string[];
}

export interface InvalidResponse {
  readonly route: string;
  readonly status: number;
  readonly problems: readonly string[];
}

export class RequestLog {
  readonly entries: RequestEntry[] = [];
  readonly invalidRequests: InvalidRequest[] = [];
  readonly invalidResponses: InvalidResponse[] = [];
  #seq = 0;

  nextSeq(): number {
    return ++this.#seq;
  }

  add(entry: RequestEntry): void {
    this.entries.push(entry);
  }

  /**
   * Requests answered for a route: `"GET /repos/{owner}/{repo}/git/blobs/{file_sha}"` (one method),
   * `"/repos/{owner}/{repo}/git/blobs/{file_sha}"` (any method), or all of them.
   */
  count(route?: string): number {
    if (route === undefined) return this.entries.length;
    return this.entries.filter((e) => matchesRoute(e, route)).length;
  }

  /** Requests per route (`METHOD /template`). */
  byRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) counts[e.route] = (counts[e.route] ?? 0) + 1;
    return counts;
  }

  /** Forgets every request, invalid request and invalid response. */
  reset(): void {
    this.entries.length = 0;
    this.invalidRequests.length = 0;
    this.invalidResponses.length = 0;
  }
}

/** Whether an entry is of a route given as `METHOD /template` or `/template`. */
export function matchesRoute(entry: { readonly route: string; readonly method: string }, route: string): boolean {
  if (route.startsWith("/")) return entry.route.slice(entry.method.length + 1) === route;
  return entry.route === route;
}
