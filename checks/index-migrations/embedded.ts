/** SQL written inside a framework migration (Rails `execute`, Alembic `op.execute`, Django `RunSQL`, `knex.raw`). */
import type { Op } from "./model.js";
import { analyzeSql, mayMatter, type SqlRunMode } from "./sql.js";

/** Stands for an interpolated value (`#{x}`, `{x}`, `${x}`) inside a string: a valid SQL identifier. */
export const INTERPOLATED = "interpolated_value";

const INDEX_WORDS = /\b(index|reindex|unique|primary\s+key)\b/i;

/**
 * Index operations of a literal SQL string found at `line` of the host file. A string with
 * interpolations is parsed with a placeholder for each; when it still does not parse, it is dynamic.
 */
export function embeddedSqlOps(sql: string, interpolated: boolean, line: number, mode: SqlRunMode, call: string): Op[] {
  if (!mayMatter(sql)) return [];
  const analysis = analyzeSql(sql, mode, line);
  const ops: Op[] = [];
  for (const op of analysis.ops) {
    if (op.kind === "parse-error" && (analysis.foreignDialect !== null || !INDEX_WORDS.test(sql))) {
      // SQL for another database (a branch on the adapter), or SQL that has nothing to do with indexes
      continue;
    } else if (op.kind === "parse-error" && interpolated) {
      ops.push({ kind: "dynamic", line: op.line, detail: `${call} runs index SQL built with interpolation` });
    } else if (op.kind === "parse-error") {
      ops.push({ ...op, detail: `in ${call}: ${op.detail}` });
    } else if ((op.kind === "create-index" || op.kind === "constraint-index") && op.table?.name === INTERPOLATED) {
      ops.push({ ...op, table: null });
    } else ops.push(op);
  }
  if (analysis.ignoreFile !== null) {
    const ack = analysis.ignoreFile;
    return ops.map((op) => ({ ...op, acknowledged: ack }));
  }
  return ops;
}
