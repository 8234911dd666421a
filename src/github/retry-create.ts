/**
 * Creating a resource that must exist once (the phase-completion comment, a phase's check run)
 * when GitHub answers a 5xx. A POST that failed with a 5xx may or may not have been stored, so it
 * is never simply sent again (plugin-retry would, hence `retries: 0` on those requests): the
 * caller looks for the resource first, and creates it again only when it is not there.
 */

/** Waits between attempts: GitHub may list a resource stored during a 5xx only a moment later. */
export const CREATE_RETRY_DELAYS_MS: readonly number[] = [1_000, 4_000, 9_000];

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** A 5xx, or no answer at all (connection reset): the request may have taken effect. */
export function mayHaveTakenEffect(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `attempt(i)` for i = 0, 1, …: it looks for the resource, and creates it when absent. When it
 * throws an error that may have taken effect, waits and calls it again (it then finds what the
 * failed request stored), at most `delays.length` more times; any other error is thrown at once.
 */
export async function createOnce<T>(attempt: (index: number) => Promise<T>, delays: readonly number[] = CREATE_RETRY_DELAYS_MS): Promise<T> {
  for (let index = 0; ; index += 1) {
    try {
      return await attempt(index);
    } catch (error) {
      const delay = delays[index];
      if (delay === undefined || !mayHaveTakenEffect(error)) throw error;
      await sleep(delay);
    }
  }
}
