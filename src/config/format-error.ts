import type { ConfigError } from "./types.js";

/**
 * One line for a terminal or a log, as compilers write them:
 * `.github/phase-gate.yml:3:9: phases[0].checks[1]: unknown check 'dockerfile-reloads' (did you mean 'dockerfile-reload'?)`.
 */
export function formatConfigError(e: ConfigError): string {
  const at = e.at ? `${e.at}: ` : "";
  const hint = e.hint ? ` (${e.hint})` : "";
  return `${e.file}:${e.line}:${e.column}: ${at}${e.message}${hint}`;
}
