/** SQL written inside a framework migration (Rails `execute`, Alembic `op.execute`, Django `RunSQL`, `knex.raw`). */
import type { Op } from "./model.js";
import { analyzeSql, type SqlRunMode } from "./sql.js";

/** Stands for an interpolated value (`#{x}`, `{x}`, `${x}`) inside a string: a valid SQL identifier. */
export const INTERPOLATED = "interpolated_value";

/**
 * Index operations of a literal SQL string found at `line` of the host file. A string with
 * interpolations is parsed with a placeholder for each; when it still does not parse, it is dynamic.
 */
export function embeddedSqlOps(sql: string, interpolated: boolean, line: number, mode: SqlRunMode, call: string): Op[] {
  const analysis = analyzeSql(sql, mode, line);
  const ops: Op[] = [];
  for (const op of analysis.ops) {
    if (op.kind === "parse-error" && interpolated) {
      ops.push({ kind: "dynamic", line: op.line, detail: `${call} runs SQL built with interpolation` });
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
