/**
 * Property tests draw from one fixed seed, so that `npm test` gives the same answer on every run
 * and a failure can be replayed. `FC_SEED=<integer>` draws from another, `FC_SEED=random` from a
 * new one each run (fast-check prints it with any counterexample): for exploring, not for CI.
 */
import fc from "fast-check";

const DEFAULT_SEED = 20261122;
const chosen = process.env.FC_SEED;

if (chosen !== "random") {
  const seed = chosen === undefined || chosen === "" ? DEFAULT_SEED : Number(chosen);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${JSON.stringify(chosen)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
