/** Cycles of `requires` among phases (their requirements resolved: `ordered` defaults included). */

export interface RequiringPhase {
  readonly id: string;
  readonly requires: readonly string[];
}

/**
 * A cycle of `requires` as the ids along it, the first repeated at the end (`a → c → b → a`);
 * null when there is none. Ids that are not phases of the list are ignored.
 */
export function findRequiresCycle(phases: readonly RequiringPhase[]): string[] | null {
  const byId = new Map(phases.map((p) => [p.id, p]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "done") return null;
    if (state.get(id) === "open") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "open");
    stack.push(id);
    for (const next of byId.get(id)?.requires ?? []) {
      if (!byId.has(next) || next === id) continue;
      const found = visit(next);
      if (found !== null) return found;
    }
    stack.pop();
    state.set(id, "done");
    return null;
  };
  for (const phase of phases) {
    const found = visit(phase.id);
    if (found !== null) return found;
  }
  return null;
}
