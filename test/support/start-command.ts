/**
 * How the app is started: `npm start` (package.json) is `node [options] <entry>`, and the
 * Dockerfile's CMD is the same command (a test holds them equal). The end-to-end tests and the app
 * benchmark start the app this way, options included (the heap sizes change how much memory V8 takes:
 * README, "Memory").
 */
import fs from "node:fs";
import path from "node:path";

export interface StartCommand {
  /** Node's options, e.g. `--max-old-space-size=1024`. */
  readonly nodeArgs: readonly string[];
  /** The entry file, relative to the project root (`lib/src/main.js`). */
  readonly entry: string;
}

/** `npm start`'s command of the project at `root`, split into node's options and the entry file. */
export function startCommand(root: string): StartCommand {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.start ?? "";
  const words = start.trim().split(/\s+/);
  const [node, ...rest] = words;
  const entry = rest.pop();
  if (node !== "node" || entry === undefined || entry.startsWith("-") || rest.some((w) => !w.startsWith("--"))) {
    throw new Error(`package.json's start script is not \`node [--options] <entry>\`: ${JSON.stringify(start)}`);
  }
  return { nodeArgs: rest, entry };
}
