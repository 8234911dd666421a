/**
 * Who the app is: its id and its bot login (`<slug>[bot]`), from `GET /app` with the app's JWT.
 * Asked once per process and kept; a failure is not kept, so the next caller asks again.
 */

export interface AppIdentity {
  readonly id: number;
  readonly slug: string;
  /** The login of the app's bot user, `<slug>[bot]`: the author of its comments. */
  readonly login: string;
}

/** The part of an app-authenticated Octokit this module uses. */
export interface AppsOctokit {
  readonly rest: {
    readonly apps: {
      getAuthenticated(): Promise<{ readonly data: { readonly id: number; readonly slug?: string | undefined } | null }>;
    };
  };
}

export class AppIdentityCache {
  readonly #fetch: () => Promise<AppIdentity>;
  #pending: Promise<AppIdentity> | null = null;

  constructor(fetch: () => Promise<AppIdentity>) {
    this.#fetch = fetch;
  }

  get(): Promise<AppIdentity> {
    if (this.#pending === null) {
      const pending = this.#fetch();
      this.#pending = pending;
      pending.catch(() => {
        if (this.#pending === pending) this.#pending = null;
      });
    }
    return this.#pending;
  }
}

/** `GET /app` through an app-authenticated Octokit (`await app.auth()`). */
export async function fetchAppIdentity(octokit: AppsOctokit): Promise<AppIdentity> {
  const { data } = await octokit.rest.apps.getAuthenticated();
  if (data === null || typeof data.slug !== "string" || data.slug === "") throw new Error("GET /app returned no slug");
  return { id: data.id, slug: data.slug, login: `${data.slug}[bot]` };
}
