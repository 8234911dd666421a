import type { RepoSnapshot } from "../snapshot/types.js";
import { defaultChecklist } from "./default.js";
import { loadChecklist } from "./load.js";
import { CHECKLIST_PATH, type ChecklistLoad, type Registry } from "./types.js";

/**
 * The checklist of a repository state: `.github/phase-gate.yml` when the snapshot has it, the
 * built-in default otherwise. A file that exists but cannot be read is an error, not a reason to
 * fall back silently to the default.
 */
export async function checklistOf(snapshot: RepoSnapshot, registry: Registry): Promise<ChecklistLoad> {
  const listing = await snapshot.list();
  const listed = listing.files.some((f) => f.path === CHECKLIST_PATH);
  const skipped = listing.skipped.find((s) => s.path === CHECKLIST_PATH);
  if (skipped) return unreadable(`the checklist is not readable (${skipped.reason})`);
  if (!listed) return { ok: true, checklist: defaultChecklist(registry) };
  const read = await snapshot.read(CHECKLIST_PATH);
  if (!read.ok) return unreadable(`the checklist is not readable (${read.reason}${read.detail ? `: ${read.detail}` : ""})`);
  return loadChecklist(read.text, CHECKLIST_PATH, registry);
}

function unreadable(message: string): ChecklistLoad {
  return { ok: false, errors: [{ file: CHECKLIST_PATH, line: 1, column: 1, at: "", message }] };
}
