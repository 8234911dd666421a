import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startCommand } from "../support/start-command.js";

/** `npm start`, the Dockerfile and the tests start the app with one command. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the start command", () => {
  it("is node with a heap limit, a small young generation and the compiled entry", () => {
    const { nodeArgs, entry } = startCommand(root);
    expect(entry).toBe("lib/src/main.js");
    expect(nodeArgs).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
    expect(nodeArgs).toContainEqual(expect.stringMatching(/^--max-semi-space-size=\d+$/));
  });

  it("is the Dockerfile's CMD with its NODE_OPTIONS (which `docker run -e` can change)", () => {
    const dockerfile = fs.readFileSync(path.join(root, "Dockerfile"), "utf8");
    const cmds = dockerfile.split("\n").filter((line) => line.startsWith("CMD "));
    expect(cmds).toHaveLength(1);
    // NODE_OPTIONS=value or NODE_OPTIONS="several values", as Docker's ENV reads them.
    const options = [...dockerfile.matchAll(/^\s*(?:ENV\s+)?NODE_OPTIONS=(?:"([^"]*)"|(\S+))/gm)].map((m) => m[1] ?? m[2]);
    expect(options).toHaveLength(1);
    const { nodeArgs, entry } = startCommand(root);
    expect(["node", ...String(options[0]).split(" "), ...JSON.parse((cmds[0] as string).slice("CMD ".length)).slice(1)]).toEqual(["node", ...nodeArgs, entry]);
  });
});
