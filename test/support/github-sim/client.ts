/**
 * Octokit clients of the simulator for tests: Probot's own Octokit (the plugins the app has), with
 * retry and throttling off the verified way (the function form of `ProbotOctokit.defaults`), so a
 * test sees each answer as the simulator gave it.
 */
import { ProbotOctokit } from "probot";
import type { GitHubSim } from "./index.js";

export type SimOctokit = InstanceType<typeof ProbotOctokit>;

const Quiet = ProbotOctokit.defaults((options: object) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));

/**
 * An Octokit of the simulator: with an installation's token (`{ installationId }`), the app's JWT
 * (`{ app: true }`), a given token, or none (`{}`).
 */
export function simOctokit(sim: GitHubSim, as: { readonly installationId: number } | { readonly app: true } | { readonly token: string } | Record<string, never>): SimOctokit {
  let token: string | undefined;
  if ("installationId" in as) token = sim.installationToken(as.installationId);
  else if ("app" in as) token = sim.appJwt();
  else if ("token" in as) token = as.token;
  return new Quiet({ baseUrl: sim.apiUrl, ...(token !== undefined ? { auth: { token } } : {}) });
}
