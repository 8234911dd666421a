import type { AuditReport } from "../audit/types.js";
import { renderJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif, type CheckDescription } from "./sarif.js";
import { renderText } from "./text.js";

export { renderJson, toJson, type JsonCheck, type JsonPhase, type JsonReport, type JsonSkipped } from "./json.js";
export { MARKDOWN_MAX_LENGTH, renderMarkdown, type MarkdownOptions } from "./markdown.js";
export { FINGERPRINT_KEY, renderSarif, SARIF_SCHEMA, toSarif, type CheckDescription, type SarifOptions } from "./sarif.js";
export { renderText, type TextOptions } from "./text.js";

/** The formats `phase-gate audit --format` accepts. */
export const FORMATS = ["text", "markdown", "json", "sarif"] as const;

export type Format = (typeof FORMATS)[number];
/** The same as `Format`. */
export type ReportFormat = Format;

export function isReportFormat(value: string): value is ReportFormat {
  return (FORMATS as readonly string[]).includes(value);
}

/** Everything any renderer takes; each reads only its own options. */
export interface RenderOptions {
  /** text: ANSI colour (the CLI passes `stdout.isTTY && !NO_COLOR`). Default false. */
  readonly color?: boolean;
  /** markdown: the body's length limit. Default 65,000. */
  readonly maxLength?: number;
  /** sarif: `tool.driver.version`. */
  readonly toolVersion: string;
  /** sarif: titles and descriptions of the rules, e.g. `(id) => registry.get(id)`. */
  readonly describeCheck?: (id: string) => CheckDescription | undefined;
}

/** Renders the report in one of the FORMATS. */
export function renderReport(report: AuditReport, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case "text":
      return renderText(report, { color: options.color ?? false });
    case "markdown":
      return renderMarkdown(report, options.maxLength === undefined ? {} : { maxLength: options.maxLength });
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report, {
        toolVersion: options.toolVersion,
        ...(options.describeCheck ? { describeCheck: options.describeCheck } : {}),
      });
  }
}
