import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** phase-gate's own version, from the nearest package.json named phase-gate (works from src/ and lib/). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "phase-gate" && typeof pkg.version === "string") return (cached = pkg.version);
    } catch {
      // not here: go up
    }
    dir = dirname(dir);
  }
  return (cached = "0.0.0");
}
