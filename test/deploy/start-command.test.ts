import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startCommand } from "../support/start-command.js";

/** `npm start`, the Dockerfile and the tests start the app with one command. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the start command", () => {
  it("is node with a heap limit and the compiled entry", () => {
    const { nodeArgs, entry } = startCommand(root);
    expect(entry).toBe("lib/src/main.js");
    expect(nodeArgs).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
  });

  it("is the Dockerfile's CMD, word for word", () => {
    const dockerfile = fs.readFileSync(path.join(root, "Dockerfile"), "utf8");
    const cmds = dockerfile.split("\n").filter((line) => line.startsWith("CMD "));
    expect(cmds).toHaveLength(1);
    const { nodeArgs, entry } = startCommand(root);
    expect(JSON.parse((cmds[0] as string).slice("CMD ".length))).toEqual(["node", ...nodeArgs, entry]);
  });
});
