import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderJson, renderMarkdown, renderSarif, renderText } from "../../src/report/index.js";
import { fixtureReport } from "./fixture-report.js";

/**
 * Every renderer against its golden file, byte for byte. `UPDATE_GOLDEN=1 npx vitest run
 * test/report` rewrites them; a rewritten golden file is read line by line before it is committed.
 */
const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden");
const describeCheck = (id: string): { title: string; description: string } | undefined =>
  id === "dockerfile-reload"
    ? { title: "No development server flags in production images", description: "Production Dockerfiles and compose services do not start a server with --reload, --debug or a dev command." }
    : undefined;

const cases: ReadonlyArray<readonly [string, () => string]> = [
  ["report.txt", () => renderText(fixtureReport, { color: false })],
  ["report.color.txt", () => renderText(fixtureReport, { color: true })],
  ["report.md", () => renderMarkdown(fixtureReport)],
  ["report.json", () => renderJson(fixtureReport)],
  ["report.sarif.json", () => renderSarif(fixtureReport, { toolVersion: "0.1.0", describeCheck })],
];

describe("golden files", () => {
  for (const [file, render] of cases) {
    it(`${file} matches its renderer`, () => {
      const actual = render();
      const target = path.join(GOLDEN, file);
      if (process.env.UPDATE_GOLDEN === "1") {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(target, actual);
      }
      expect(actual).toBe(fs.readFileSync(target, "utf8"));
    });
  }
});
