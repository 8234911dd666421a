import { describe, expect, it } from "vitest";
import { FORMATS, isReportFormat, renderJson, renderMarkdown, renderReport, renderSarif, renderText } from "../../src/report/index.js";
import { fixtureReport } from "./fixture-report.js";

describe("renderReport", () => {
  it("lists the four formats", () => {
    expect(FORMATS).toEqual(["text", "markdown", "json", "sarif"]);
    expect(isReportFormat("sarif")).toBe(true);
    expect(isReportFormat("html")).toBe(false);
  });

  it("dispatches to each renderer with its options", () => {
    const options = { color: true, maxLength: 3000, toolVersion: "9.9.9" };
    expect(renderReport(fixtureReport, "text", options)).toBe(renderText(fixtureReport, { color: true }));
    expect(renderReport(fixtureReport, "text", { toolVersion: "1" })).toBe(renderText(fixtureReport, { color: false }));
    expect(renderReport(fixtureReport, "markdown", options)).toBe(renderMarkdown(fixtureReport, { maxLength: 3000 }));
    expect(renderReport(fixtureReport, "markdown", options).length).toBeLessThanOrEqual(3000);
    expect(renderReport(fixtureReport, "json", options)).toBe(renderJson(fixtureReport));
    expect(renderReport(fixtureReport, "sarif", options)).toBe(renderSarif(fixtureReport, { toolVersion: "9.9.9" }));
  });
});
