/**
 * The zod schema of `.github/phase-gate.yml`, composed from the registry: each check's own options
 * schema validates the options written under its id, so an unknown check, an unknown option or a
 * wrong type is caught before anything runs. Errors are custom zod issues whose params carry the
 * words and the node to point at (see `problem.ts`).
 */
import { z } from "zod";
import type { AnyCheck } from "../check/types.js";
import type { Gate } from "../audit/types.js";
import { quoteList, suggestionHint } from "./did-you-mean.js";
import { describeValue, explainIssues, NOUN } from "./explain.js";
import { clip, isPlainObject, type PathSegment, type ProblemParams } from "./problem.js";
import { findRequiresCycle } from "./requires.js";
import type { CheckEntry, PhaseConfig, Registry } from "./types.js";

/** What the checklist file validates to (before the loader adds its origin). */
export interface ParsedChecklist {
  /** Probot config inheritance (`.github` of the organisation); accepted, not acted on here. */
  readonly _extends?: string;
  readonly phases: readonly PhaseConfig[];
}

export const AHEAD_CONCLUSIONS = ["neutral", "success"] as const;

export const GATES = ["required", "advisory"] as const satisfies readonly Gate[];

/** Phase ids name check runs and `/phase-report <id>`: lowercase words joined by `-`, `_` or `.`. */
const PHASE_ID = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
export const PHASE_ID_MAX_LENGTH = 64;

type Ctx = z.core.$RefinementCtx<unknown>;

function problem(ctx: Ctx, message: string, extra: { path?: PathSegment[]; key?: string; hint?: string; related?: PathSegment[] } = {}): void {
  const params: ProblemParams = {
    phaseGate: true,
    ...(extra.key !== undefined ? { key: extra.key } : {}),
    ...(extra.hint !== undefined ? { hint: extra.hint } : {}),
    ...(extra.related !== undefined ? { related: extra.related } : {}),
  };
  ctx.addIssue({ code: "custom", message, path: extra.path ?? [], params });
}

const cache = new WeakMap<Registry, z.ZodType<ParsedChecklist>>();

/**
 * The checklist schema for the checks of `registry` (built once per registry). `inherited` are the
 * ids of phases an extended file (`_extends`) already defines, which `requires` may name.
 */
export function checklistSchema(registry: Registry, inherited: readonly string[] = []): z.ZodType<ParsedChecklist> {
  if (inherited.length > 0) return buildSchema(registry, inherited);
  let schema = cache.get(registry);
  if (!schema) {
    schema = buildSchema(registry, []);
    cache.set(registry, schema);
  }
  return schema;
}

function buildSchema(registry: Registry, inherited: readonly string[]): z.ZodType<ParsedChecklist> {
  const entry = z
    .unknown()
    .transform((value, ctx): CheckEntry => checkEntry(value, ctx, registry) ?? z.NEVER)
    .meta({ [NOUN]: { one: "a check", many: "checks" } });

  // Descriptions are the hints of "missing 'x'" errors.
  const phase = z
    .object({
      id: z
        .string()
        .superRefine((id, ctx) => phaseId(id, ctx))
        .describe("a short kebab-case id, e.g. 'phase-1', used in check-run names and '/phase-report <id>'"),
      name: z.string().trim().min(1).describe("the phase's title, e.g. 'Foundation & Security'"),
      gate: z
        .enum(GATES)
        .default("required")
        .describe("'required': a failing phase fails its check run; 'advisory': the check run is neutral"),
      doc: z
        .string()
        .min(1)
        .refine((path) => !path.startsWith("/") && !path.split(/[\\/]/).includes(".."), {
          message: "a path relative to the repository root: no leading '/' and no '..'",
        })
        // (A leading '/' or a '..' is said above, once.)
        .refine((path) => path.startsWith("/") || path.split(/[\\/]/).includes("..") || (!path.includes("\\") && path.split("/").every((part) => part !== "" && part !== ".")), {
          message: "a file's path as git lists it: '/' between names, no './', no '//', no '/' at the end",
        })
        .optional()
        .describe("a phase document in the repository whose claims are verified"),
      checks: z.array(entry).min(1).describe("the checks of the phase: check ids, or '<check id>: { <options> }'"),
      requires: z
        .array(z.string().min(1))
        .optional()
        .describe("ids of the phases that must be complete before this one counts, e.g. [phase-1]"),
      ahead: z
        .enum(AHEAD_CONCLUSIONS)
        .default("neutral")
        .describe("the check run's conclusion when this phase is complete but a phase it requires is not"),
      claims: z
        .array(
          z
            .object({
              match: z.string().trim().min(1).describe("words of the claim, e.g. 'Fix SQL injection' (case does not matter)"),
              check: z.string().min(1).describe("the id of one of this phase's checks, e.g. 'file-not-contains' ('file-exists#2' for the second of two)"),
            })
            .strict(),
        )
        .optional()
        .describe("links from claims of the phase's doc to its checks: [{ match: <words>, check: <check id> }]"),
    })
    .strict();

  const phases = z
    .array(phase)
    .min(1)
    // `when`: duplicate ids are reported even when another phase has an error of its own.
    .superRefine((list: unknown, ctx) => uniquePhaseIds(list, ctx), { when: () => true })
    .describe("the phases, each with an id, a name and its checks");

  return z
    .object({
      _extends: z.string().min(1).optional().describe("Probot config inheritance, e.g. '.github'"),
      ordered: z.boolean().default(false).describe("true: each phase requires the one before it, unless it says 'requires' itself"),
      phases,
    })
    .strict()
    .superRefine((value, ctx) => crossPhase(value, inherited, ctx))
    .transform((value): ParsedChecklist => resolvePhases(value));
}

interface RawPhase {
  readonly id: string;
  readonly name: string;
  readonly gate: Gate;
  readonly doc?: string | undefined;
  readonly checks: readonly CheckEntry[];
  readonly requires?: readonly string[] | undefined;
  readonly ahead: (typeof AHEAD_CONCLUSIONS)[number];
  readonly claims?: readonly { readonly match: string; readonly check: string }[] | undefined;
}

interface RawChecklist {
  readonly _extends?: string | undefined;
  readonly ordered: boolean;
  readonly phases: readonly RawPhase[];
}

/** The phases a phase requires: its own list, else (when `ordered`) the phase before it. */
function requiresOf(value: RawChecklist, index: number): readonly string[] {
  const phase = value.phases[index] as RawPhase;
  if (phase.requires !== undefined) return phase.requires;
  const previous = value.phases[index - 1];
  return value.ordered && previous !== undefined ? [previous.id] : [];
}

/** Checks that need every phase: `requires` names existing phases without a cycle; `claims` name the phase's checks. */
function crossPhase(value: RawChecklist, inherited: readonly string[], ctx: Ctx): void {
  const ids = value.phases.map((p) => p.id);
  const known = [...ids, ...inherited];
  value.phases.forEach((phase, i) => {
    phase.requires?.forEach((required, j) => {
      const path = ["phases", i, "requires", j];
      if (required === phase.id) problem(ctx, `phase '${clip(phase.id)}' requires itself`, { path, hint: "a phase can only require other phases" });
      // A file that extends another (`_extends`) read on its own (the CLI) may require the other's phases.
      else if (!known.includes(required) && !(value._extends !== undefined && inherited.length === 0)) {
        const hint = suggestionHint(required, known.filter((id) => id !== phase.id), "phases");
        problem(ctx, `phase '${clip(phase.id)}' requires '${clip(required)}', which is not a phase of this checklist`, { path, ...(hint ? { hint } : {}) });
      }
    });
    if (phase.claims !== undefined && phase.doc === undefined) {
      problem(ctx, `phase '${clip(phase.id)}' links claims but names no 'doc' to read them from`, {
        path: ["phases", i],
        key: "claims",
        hint: "add 'doc: <path of the phase report>' to the phase",
      });
    }
    phase.claims?.forEach((link, j) => {
      const resolved = resolveCheckRef(phase, link.check);
      if (typeof resolved !== "number") problem(ctx, resolved.message, { path: ["phases", i, "claims", j, "check"], hint: resolved.hint });
    });
  });
  const cycle = findRequiresCycle(value.phases.map((p, i) => ({ id: p.id, requires: requiresOf(value, i) })));
  if (cycle !== null) {
    const [first] = cycle;
    const index = ids.indexOf(first as string);
    const phase = value.phases[index] as RawPhase;
    const implicit = cycle.slice(0, -1).filter((id) => value.phases[ids.indexOf(id)]?.requires === undefined);
    problem(ctx, `phases require each other in a cycle: ${cycle.map((id) => `'${clip(id)}'`).join(" → ")}`, {
      path: phase.requires !== undefined ? ["phases", index, "requires"] : ["phases", index, "id"],
      hint:
        implicit.length > 0
          ? `with 'ordered: true', ${implicit.map((id) => `'${clip(id)}'`).join(" and ")} ${implicit.length === 1 ? "requires" : "require"} the phase before; give ${implicit.length === 1 ? "it" : "them"} 'requires: [...]' (or '[]') to break the cycle`
          : "a phase can only require phases that do not require it back",
    });
  }
}

/** `file-exists` or `file-exists#2` -> the index of that check in the phase, or what is wrong. */
function resolveCheckRef(phase: RawPhase, ref: string): number | { message: string; hint: string } {
  const m = /^(.*?)(?:#(\d+))?$/.exec(ref.trim());
  const id = m?.[1] ?? ref;
  const nth = m?.[2] !== undefined ? Number(m[2]) : undefined;
  const at = phase.checks.flatMap((entry, index) => (entry.check.id === id ? [index] : []));
  if (at.length === 0) {
    const hint = suggestionHint(id, [...new Set(phase.checks.map((e) => e.check.id))], "checks of this phase");
    return { message: `phase '${clip(phase.id)}' has no check '${clip(id)}'`, hint: hint ?? "name one of the checks listed under the phase's 'checks'" };
  }
  if (nth === undefined) {
    if (at.length === 1) return at[0] as number;
    return {
      message: `phase '${clip(phase.id)}' has ${at.length} '${id}' checks (${at.map((i) => `checks[${i}]`).join(", ")})`,
      hint: `write '${id}#1' … '${id}#${at.length}' to say which, in the order they are listed`,
    };
  }
  const index = at[nth - 1];
  if (index === undefined) {
    return {
      message: `phase '${clip(phase.id)}' has ${at.length} '${id}' ${at.length === 1 ? "check" : "checks"}, not ${nth}`,
      hint: `count the '${id}' checks from 1, in the order they are listed`,
    };
  }
  return index;
}

function resolvePhases(value: RawChecklist): ParsedChecklist {
  const phases = value.phases.map((phase, i): PhaseConfig => ({
    id: phase.id,
    name: phase.name,
    gate: phase.gate,
    ...(phase.doc !== undefined ? { doc: phase.doc } : {}),
    checks: phase.checks,
    requires: requiresOf(value, i),
    ahead: phase.ahead,
    claims: (phase.claims ?? []).map((link) => ({ match: link.match, index: resolveCheckRef(phase, link.check) as number })),
  }));
  return { ...(value._extends !== undefined ? { _extends: value._extends } : {}), phases };
}

function phaseId(id: string, ctx: Ctx): void {
  if (id.length > PHASE_ID_MAX_LENGTH) {
    problem(ctx, `phase id is ${id.length} characters long; the limit is ${PHASE_ID_MAX_LENGTH}`);
  } else if (!PHASE_ID.test(id)) {
    const slug = id
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    const example = slug && PHASE_ID.test(slug) ? `, e.g. '${slug}'` : "";
    problem(ctx, `phase id '${clip(id)}' must be lowercase letters and digits joined by '-', '_' or '.'`, {
      hint: `write it in kebab-case${example}`,
    });
  }
}

function uniquePhaseIds(list: unknown, ctx: Ctx): void {
  // Runs even when `phases` failed (see `when` above), so the value may be anything.
  if (!Array.isArray(list)) return;
  const first = new Map<string, number>();
  list.forEach((phase, index) => {
    if (!isPlainObject(phase) || typeof phase.id !== "string") return;
    const seen = first.get(phase.id);
    if (seen === undefined) first.set(phase.id, index);
    else {
      problem(ctx, `duplicate phase id '${clip(phase.id)}'`, {
        path: [index, "id"],
        hint: `phase ids must be unique; phases[${seen}] (line {line}) has the same id`,
        related: ["phases", seen, "id"],
      });
    }
  });
}

/** A bare id, or a one-key map `{ id: options }` (null options mean none). */
function checkEntry(value: unknown, ctx: Ctx, registry: Registry): CheckEntry | undefined {
  if (typeof value === "string") return withOptions(value, undefined, false, ctx, registry);
  if (!isPlainObject(value)) {
    problem(ctx, `expected a check id or a map { <check id>: <options> }, got ${describeValue(value)}`);
    return undefined;
  }
  const keys = Object.keys(value);
  const [id, second] = keys;
  if (id === undefined) {
    problem(ctx, "an empty map is not a check", { hint: "write a check id, or '<check id>: { <options> }'" });
    return undefined;
  }
  if (second !== undefined) {
    const hint = registry.has(id) && !registry.has(second)
      ? `options go under the check id: indent '${clip(second)}' below '${id}:'`
      : "write each check as its own list item";
    const shown = keys.length > 4 ? `${keys.slice(0, 3).map((k) => `'${clip(k)}'`).join(", ")} and ${keys.length - 3} more` : quoteList(keys.map(clip), "and");
    problem(ctx, `a check entry has a single key, the check id; this one has ${keys.length}: ${shown}`, { key: second, hint });
    return undefined;
  }
  return withOptions(id, value[id], true, ctx, registry);
}

function withOptions(id: string, raw: unknown, asMap: boolean, ctx: Ctx, registry: Registry): CheckEntry | undefined {
  const check: AnyCheck | undefined = registry.get(id);
  const key = asMap ? { key: id } : {};
  if (!check) {
    const hint = suggestionHint(id, [...registry.keys()], "checks");
    problem(ctx, id === "" ? "empty check id" : `unknown check '${clip(id)}'`, { ...key, ...(hint ? { hint } : {}) });
    return undefined;
  }
  // A bare id, or an id with nothing after the colon, means "no options": `{}`.
  const input = raw === undefined || raw === null ? {} : raw;
  const parsed = check.options.safeParse(input, { reportInput: true });
  if (parsed.success) return { check, options: parsed.data };

  const issues = parsed.error.issues;
  if (input !== raw) {
    const missing = issues.flatMap((i) => (i.code === "invalid_type" && i.path.length === 1 && typeof i.path[0] === "string" ? [i.path[0]] : []));
    if (missing.length > 0 && missing.length === issues.length) {
      problem(ctx, `check '${id}' needs options: ${missing.join(", ")}`, {
        ...key,
        hint: `write it as '${id}: { ${missing.map((m) => `${m}: …`).join(", ")} }'`,
      });
      return undefined;
    }
  }
  for (const p of explainIssues(issues, check.options, input, "option")) {
    problem(ctx, p.message, {
      path: asMap ? [id, ...p.path] : [],
      ...(p.key !== undefined && asMap ? { key: p.key } : {}),
      ...(p.hint !== undefined ? { hint: p.hint } : {}),
    });
  }
  return undefined;
}
