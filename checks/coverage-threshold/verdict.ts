/**
 * Judging: which gates CI really enforces, and the one verdict that follows. Pure over the data
 * the readers collected.
 */
import type { CheckStatus, Facts } from "../../src/check/types.js";
import { gateKey, LINE_LIKE, type External, type Gate, type Neutraliser, type Problem, type RunOutcome, type Where } from "./model.js";

export type MessageId =
  | "no-gate"
  | "below-minimum"
  | "not-enforced-in-ci"
  | "gate-neutralised"
  | "coverage-not-collected"
  | "shadowed-config"
  | "dead-config"
  | "broken-config"
  | "dynamic-threshold"
  | "external-gate"
  | "partial-gate"
  | "count-threshold"
  | "unparsable-file"
  | "unreadable-file";

export interface Judged {
  readonly status: CheckStatus;
  readonly summary: string;
  readonly findings: readonly { id: MessageId; where?: Where; data: Record<string, string | number>; severity?: "error" | "warning" | "notice" }[];
  readonly facts: Facts;
}

export interface Options {
  readonly min: number;
  readonly requireCi: boolean;
  readonly codecovRequired: boolean;
}

type State =
  | { kind: "enforced"; run: RunOutcome }
  | { kind: "neutralised"; run: RunOutcome; by: Neutraliser }
  | { kind: "disabled"; run: RunOutcome; why: string; how: "not-collected" | "overridden" }
  | { kind: "replaced" }
  | { kind: "unlinked" };

const RANK: Record<State["kind"], number> = { enforced: 5, neutralised: 4, disabled: 3, replaced: 2, unlinked: 1 };

function usable(g: Gate): boolean {
  return LINE_LIKE.has(g.metric) && g.scope !== "glob" && !g.count;
}

function pct(v: number): string {
  return `${Number.isInteger(v) ? v : Number(v.toFixed(3))}%`;
}

function at(w: Where): string {
  return `${w.path}:${w.line}`;
}

function describeGate(g: Gate): string {
  return `${g.tool} ${g.setting}`;
}

export function judge(input: {
  inventory: readonly Gate[];
  runs: readonly RunOutcome[];
  externals: readonly External[];
  problems: readonly Problem[];
  options: Options;
  /** Whether any CI definition (GitHub Actions, GitLab CI) was found. */
  hasCi: boolean;
}): Judged {
  const { min, requireCi } = input.options;
  const states = new Map<string, { gate: Gate; state: State }>();
  const put = (gate: Gate, state: State) => {
    const key = gateKey(gate);
    const prev = states.get(key);
    if (!prev || RANK[state.kind] > RANK[prev.state.kind]) states.set(key, { gate: prev?.gate ?? gate, state });
  };
  for (const run of input.runs) {
    for (const g of run.gates) put(g, run.neutralised ? { kind: "neutralised", run, by: run.neutralised } : { kind: "enforced", run });
    for (const d of run.disabled) put(d.gate, { kind: "disabled", run, why: d.why, how: d.kind });
    for (const g of run.replaced) put(g, { kind: "replaced" });
  }
  for (const g of input.inventory) put(g, { kind: "unlinked" });

  const all = [...states.values()];
  const enforced = all.filter((e) => e.state.kind === "enforced" || (!requireCi && e.state.kind === "unlinked"));
  const enforcedUsable = enforced.filter((e) => usable(e.gate));
  const codecovGates: Gate[] = input.options.codecovRequired
    ? input.externals
        .filter((x) => x.service === "codecov" && typeof x.target === "number" && !x.informational)
        .map((x) => ({ tool: "codecov", value: x.target as number, metric: "total", scope: "global", setting: x.setting, where: x.where }))
    : [];
  const known = [...enforcedUsable.map((e) => e.gate), ...codecovGates].filter((g) => g.value !== null);
  const best = known.reduce<Gate | null>((b, g) => (b === null || (g.value ?? 0) > (b.value ?? 0) ? g : b), null);

  const findings: Judged["findings"][number][] = [];
  const facts = (g: Gate | null): Facts => ({ minimum: g?.value ?? null, source: g ? { path: g.where.path, line: g.where.line } : null });

  // Problems the readers found.
  const broken = input.problems.filter((p) => p.kind === "broken");
  for (const p of input.problems) {
    if (p.kind === "broken") findings.push({ id: "broken-config", where: p.where, data: { what: p.what, why: p.why } });
    else if (p.kind === "dead") findings.push({ id: "dead-config", where: p.where, data: { what: p.what, why: p.why } });
    else if (p.kind === "ignored") findings.push({ id: "dead-config", where: p.where, data: { what: p.what, why: p.why }, severity: "warning" });
    else if (p.kind === "shadowed") findings.push({ id: "shadowed-config", where: p.where, data: { what: p.what, why: p.why, by: p.by.path } });
    else if (p.kind === "unparsable") findings.push({ id: "unparsable-file", where: p.where, data: { why: p.why } });
    else findings.push({ id: "unreadable-file", where: { path: p.path, line: 1 }, data: { path: p.path, why: p.why } });
  }
  const hasDeadOrShadowed = input.problems.some((p) => p.kind === "dead" || p.kind === "shadowed");
  const ignored = input.problems.filter((p) => p.kind === "ignored");

  if (broken.length === 0 && best !== null && (best.value ?? 0) >= min) {
    const e = enforced.find((x) => x.gate === best);
    const how = e?.state.kind === "enforced" ? `, run by ${e.state.run.runner} in ${at(e.state.run.ci)}` : best.tool === "codecov" ? ", a Codecov status" : ", not linked to CI";
    return { status: "pass", summary: `coverage must reach ${pct(best.value ?? 0)} (${at(best.where)}, ${best.tool}${how})`, findings: [], facts: facts(best) };
  }

  // Everything else is reported.
  const neutralised = all.filter((e) => e.state.kind === "neutralised" || e.state.kind === "disabled");
  // One finding per place and reason, naming every gate it switches off.
  const groups = new Map<string, { id: MessageId; where: Where; why: string; gates: Gate[] }>();
  for (const e of neutralised) {
    const s = e.state;
    const g =
      s.kind === "neutralised"
        ? { id: "gate-neutralised" as const, where: s.by.where, why: s.by.reason }
        : s.kind === "disabled"
          ? { id: s.how === "not-collected" ? ("coverage-not-collected" as const) : ("gate-neutralised" as const), where: s.run.command, why: s.why }
          : null;
    if (!g) continue;
    const key = `${g.id}|${at(g.where)}|${g.why}`;
    const group = groups.get(key) ?? { ...g, gates: [] };
    group.gates.push(e.gate);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const names = group.gates.map((g) => `${describeGate(g)} (${at(g.where)})`);
    findings.push({ id: group.id, where: group.where, data: { gate: names.join(", "), why: group.why } });
  }
  const enforcedDynamic = enforced.filter((e) => usable(e.gate) && e.gate.value === null);
  for (const e of enforcedDynamic) findings.push({ id: "dynamic-threshold", where: e.gate.where, data: { gate: describeGate(e.gate), why: e.gate.dynamic ?? "it is set at run time" } });

  const unlinked = requireCi ? all.filter((e) => e.state.kind === "unlinked" && usable(e.gate)) : [];
  const unlinkedKnown = unlinked.filter((e) => e.gate.value !== null);
  const unlinkedDynamic = unlinked.filter((e) => e.gate.value === null);
  const bestUnlinked = unlinkedKnown.reduce<Gate | null>((b, e) => (b === null || (e.gate.value ?? 0) > (b.value ?? 0) ? e.gate : b), null);

  if (best !== null && (broken.length > 0 || (best.value ?? 0) < min)) {
    if ((best.value ?? 0) < min) findings.push({ id: "below-minimum", where: best.where, data: { gate: describeGate(best), value: pct(best.value ?? 0), min: pct(min) } });
  }
  for (const e of unlinkedKnown) {
    findings.push(
      (e.gate.value ?? 0) >= min
        ? { id: "not-enforced-in-ci", where: e.gate.where, data: { gate: describeGate(e.gate), value: pct(e.gate.value ?? 0), runner: runnerOf(e.gate) } }
        : { id: "below-minimum", where: e.gate.where, data: { gate: describeGate(e.gate), value: pct(e.gate.value ?? 0), min: pct(min) } },
    );
  }
  for (const e of unlinkedDynamic) findings.push({ id: "dynamic-threshold", where: e.gate.where, data: { gate: describeGate(e.gate), why: e.gate.dynamic ?? "it is set at run time" } });
  for (const x of input.externals) {
    if (x.service === "codecov" && input.options.codecovRequired && typeof x.target === "number" && !x.informational) continue;
    const what =
      x.service === "codecov"
        ? x.informational
          ? "a Codecov project status marked informational: true, which never fails"
          : x.target === "auto"
            ? "a Codecov project status with target auto: relative to the base commit, not a floor"
            : x.target === null
              ? "a Codecov project status whose target phase-gate cannot read"
              : `a Codecov project status with target ${pct(x.target)}, which blocks a merge only if branch protection requires it`
        : x.service === "sonar"
          ? "a SonarQube/SonarCloud analysis, whose quality gate lives on the server"
          : "a Coveralls upload, whose threshold lives in the Coveralls settings";
    findings.push({ id: "external-gate", where: x.where, data: { what }, severity: x.service === "codecov" && typeof x.target === "number" && x.target < min && !x.informational ? "error" : "warning" });
  }

  // The status: the first rule that applies.
  const codecovFloors = input.externals.filter((x) => x.service === "codecov" && typeof x.target === "number" && !x.informational);
  let status: CheckStatus;
  let summary: string;
  let factGate: Gate | null = null;
  if (broken.length > 0) {
    status = "fail";
    const first = broken[0];
    summary = first ? `${first.what} is broken (${at(first.where)}): ${first.why}` : "a coverage configuration is broken";
  } else if (enforcedDynamic.length > 0) {
    status = "indeterminate";
    const g = enforcedDynamic[0]?.gate;
    summary = `the enforced minimum is only known at run time (${g ? `${describeGate(g)}, ${at(g.where)}` : "?"})`;
  } else if (best !== null) {
    status = "fail";
    factGate = best;
    summary = `the enforced minimum is ${pct(best.value ?? 0)} (${at(best.where)}), below the required ${pct(min)}`;
  } else if (neutralised.length > 0 || hasDeadOrShadowed) {
    status = "fail";
    const e = neutralised[0];
    const p = input.problems.find((x) => x.kind === "dead" || x.kind === "shadowed");
    summary = e
      ? `${describeGate(e.gate)} (${at(e.gate.where)}) does not bite: ${e.state.kind === "neutralised" ? e.state.by.reason : e.state.kind === "disabled" ? e.state.why : ""}`
      : p && (p.kind === "dead" || p.kind === "shadowed")
        ? `${p.what} (${at(p.where)}) is never applied: ${p.why}`
        : "a coverage gate is neutralised";
  } else if (bestUnlinked !== null && (bestUnlinked.value ?? 0) >= min) {
    status = "warn";
    factGate = bestUnlinked;
    summary = input.hasCi
      ? `coverage must reach ${pct(bestUnlinked.value ?? 0)} (${at(bestUnlinked.where)}), but no CI job runs ${runnerOf(bestUnlinked)}`
      : `coverage must reach ${pct(bestUnlinked.value ?? 0)} (${at(bestUnlinked.where)}), but no CI configuration (GitHub Actions, GitLab CI) was found`;
  } else if (unlinkedDynamic.length > 0) {
    status = "indeterminate";
    const g = unlinkedDynamic[0]?.gate;
    summary = `a minimum is configured but only known at run time (${g ? at(g.where) : "?"}), and no CI job runs it`;
  } else if (bestUnlinked !== null) {
    status = "fail";
    factGate = bestUnlinked;
    summary = `the configured minimum is ${pct(bestUnlinked.value ?? 0)} (${at(bestUnlinked.where)}), below the required ${pct(min)}, and no CI job runs it`;
  } else if (codecovFloors.some((x) => (x.target as number) < min)) {
    status = "fail";
    const x = codecovFloors.reduce((b, c) => ((c.target as number) > (b.target as number) ? c : b));
    factGate = { tool: "codecov", value: x.target as number, metric: "total", scope: "global", setting: x.setting, where: x.where };
    findings.push({ id: "below-minimum", where: x.where, data: { gate: `${x.setting} (codecov)`, value: pct(x.target as number), min: pct(min) } });
    summary = `the only minimum is a Codecov target of ${pct(x.target as number)} (${at(x.where)}), below the required ${pct(min)}`;
  } else if (input.externals.some((x) => x.service === "codecov")) {
    status = "warn";
    const x = codecovFloors[0] ?? input.externals.find((y) => y.service === "codecov");
    if (x && typeof x.target === "number") factGate = { tool: "codecov", value: x.target, metric: "total", scope: "global", setting: x.setting, where: x.where };
    summary = `only Codecov reports on coverage (${x ? at(x.where) : "?"}); nothing in the repository fails a build below ${pct(min)}`;
  } else if (input.externals.length > 0) {
    status = "indeterminate";
    const x = input.externals[0];
    summary = `coverage may be gated on a server (${x ? at(x.where) : "?"}), which phase-gate cannot see`;
  } else {
    const partial = all.filter((e) => !usable(e.gate) && (e.state.kind === "enforced" || e.state.kind === "unlinked"));
    if (partial.length > 0 || ignored.length > 0) {
      status = "warn";
      for (const e of partial) {
        if (e.gate.count) findings.push({ id: "count-threshold", where: e.gate.where, data: { gate: describeGate(e.gate), value: e.gate.value ?? "?" } });
        else findings.push({ id: "partial-gate", where: e.gate.where, data: { gate: describeGate(e.gate), why: e.gate.scope === "glob" ? "it applies only to some files" : `it measures ${e.gate.metric}, not lines or statements` } });
      }
      const first = partial[0]?.gate;
      summary = first ? `only partial coverage gates were found (${describeGate(first)}, ${at(first.where)})` : `only ignored coverage settings were found (${ignored[0] ? at(ignored[0].where) : "?"})`;
    } else if (input.problems.some((p) => p.kind === "unreadable")) {
      // A config file the snapshot could not read may hold the gate: say so rather than fail.
      status = "indeterminate";
      const p = input.problems.find((x) => x.kind === "unreadable");
      summary = `no minimum coverage was found, but ${p && p.kind === "unreadable" ? p.path : "a config file"} could not be read`;
    } else {
      status = "fail";
      findings.push({ id: "no-gate", data: { min: pct(min) } });
      summary = "no minimum coverage is configured anywhere";
    }
  }
  return { status, summary, findings, facts: facts(factGate) };
}

function runnerOf(g: Gate): string {
  switch (g.tool) {
    case "coverage.py":
      return "coverage report or pytest --cov";
    case "pytest-cov":
      return "pytest with --cov";
    case "jest":
      return "jest with coverage collected";
    case "vitest":
      return "vitest with coverage enabled";
    case "nyc":
    case "c8":
      return `${g.tool} with check-coverage`;
    case "tarpaulin":
      return "cargo tarpaulin";
    case "jacoco":
      return "mvn verify";
    default:
      return g.tool;
  }
}
