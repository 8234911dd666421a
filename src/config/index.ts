export { loadChecklist, MAX_ALIAS_EXPANSION, MAX_ALIASES, MAX_CHECKLIST_BYTES, MAX_ERRORS, MAX_NESTING } from "./load.js";
export { defaultChecklist, DEFAULT_CHECK_IDS, DEFAULT_CHECKLIST_YAML } from "./default.js";
export { formatConfigError } from "./format-error.js";
export { checklistSchema, GATES, PHASE_ID_MAX_LENGTH, type ParsedChecklist } from "./schema.js";
export { closest, editDistance, suggestionHint } from "./did-you-mean.js";
export { CHECKLIST_PATH, type Checklist, type ChecklistLoad, type CheckEntry, type ConfigError, type PhaseConfig, type Registry } from "./types.js";
