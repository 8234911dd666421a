/**
 * A structural check of the SARIF 2.1.0 objects phase-gate writes, written from the OASIS
 * specification (the official JSON schema is not in node_modules, so it cannot be used offline).
 * Returns the problems found, as `path: problem` strings; empty when the log is well formed.
 * Stricter than the schema where that is cheap: unknown keys are reported for every object kind
 * phase-gate emits.
 */
type Json = unknown;

const ALLOWED: Record<string, readonly string[]> = {
  log: ["$schema", "version", "runs"],
  run: ["tool", "invocations", "results"],
  tool: ["driver"],
  driver: ["name", "version", "informationUri", "rules"],
  rule: ["id", "name", "shortDescription", "fullDescription", "helpUri"],
  multiformat: ["text"],
  invocation: ["executionSuccessful", "toolExecutionNotifications"],
  notification: ["level", "message", "associatedRule", "properties"],
  descriptorReference: ["id", "index"],
  result: ["ruleId", "ruleIndex", "level", "message", "locations", "relatedLocations", "partialFingerprints", "properties"],
  message: ["text"],
  location: ["physicalLocation"],
  relatedLocation: ["id", "physicalLocation", "message"],
  physicalLocation: ["artifactLocation", "region"],
  artifactLocation: ["uri", "uriBaseId"],
  region: ["startLine", "endLine"],
};

const RESULT_LEVELS = ["none", "note", "warning", "error"];

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function sarifProblems(log: Json): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string): void => {
    problems.push(`${where}: ${what}`);
  };
  const object = (value: Json, kind: string, where: string): Record<string, Json> | null => {
    if (!isObject(value)) {
      fail(where, `not an object (${kind})`);
      return null;
    }
    const allowed = ALLOWED[kind] ?? [];
    for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(where, `unexpected key '${key}' in ${kind}`);
    return value;
  };
  const string = (value: Json, where: string): value is string => {
    if (typeof value === "string" && value !== "") return true;
    fail(where, "not a non-empty string");
    return false;
  };
  const absoluteUri = (value: Json, where: string): void => {
    if (!string(value, where)) return;
    try {
      new URL(value);
    } catch {
      fail(where, `not an absolute URI: ${value}`);
    }
  };
  const multiformat = (value: Json, where: string): void => {
    const m = object(value, "multiformat", where);
    if (m) string(m.text, `${where}.text`);
  };
  const message = (value: Json, where: string): void => {
    const m = object(value, "message", where);
    if (m) string(m.text, `${where}.text`);
  };

  const root = object(log, "log", "$");
  if (!root) return problems;
  if (root.version !== "2.1.0") fail("$.version", "must be 2.1.0");
  absoluteUri(root.$schema, "$.$schema");
  if (!Array.isArray(root.runs) || root.runs.length !== 1) {
    fail("$.runs", "must be an array of one run");
    return problems;
  }
  const run = object(root.runs[0], "run", "$.runs[0]");
  if (!run) return problems;
  const driver = object(object(run.tool, "tool", "$.runs[0].tool")?.driver, "driver", "$.runs[0].tool.driver");
  const rules: Record<string, Json>[] = [];
  if (driver) {
    string(driver.name, "driver.name");
    string(driver.version, "driver.version");
    absoluteUri(driver.informationUri, "driver.informationUri");
    if (!Array.isArray(driver.rules)) fail("driver.rules", "not an array");
    else {
      const ids = new Set<string>();
      driver.rules.forEach((r, i) => {
        const where = `rules[${i}]`;
        const rule = object(r, "rule", where);
        if (!rule) return;
        rules.push(rule);
        if (string(rule.id, `${where}.id`)) {
          if (ids.has(rule.id)) fail(`${where}.id`, `duplicate rule id ${rule.id}`);
          ids.add(rule.id);
        }
        if (rule.name !== undefined) string(rule.name, `${where}.name`);
        multiformat(rule.shortDescription, `${where}.shortDescription`);
        if (rule.fullDescription !== undefined) multiformat(rule.fullDescription, `${where}.fullDescription`);
        absoluteUri(rule.helpUri, `${where}.helpUri`);
      });
    }
  }

  const reference = (value: Json, where: string): void => {
    const ref = object(value, "descriptorReference", where);
    if (!ref) return;
    if (typeof ref.index !== "number" || !Number.isInteger(ref.index) || ref.index < -1) fail(`${where}.index`, "not an integer >= -1");
    else if (rules[ref.index]?.id !== ref.id) fail(where, `index ${ref.index} is not the rule '${String(ref.id)}'`);
  };

  if (!Array.isArray(run.invocations)) fail("invocations", "not an array");
  else {
    run.invocations.forEach((inv, i) => {
      const invocation = object(inv, "invocation", `invocations[${i}]`);
      if (!invocation) return;
      if (typeof invocation.executionSuccessful !== "boolean") fail(`invocations[${i}].executionSuccessful`, "required boolean");
      const notes = invocation.toolExecutionNotifications;
      if (notes === undefined) return;
      if (!Array.isArray(notes)) return fail(`invocations[${i}].toolExecutionNotifications`, "not an array");
      notes.forEach((n, j) => {
        const where = `invocations[${i}].toolExecutionNotifications[${j}]`;
        const notification = object(n, "notification", where);
        if (!notification) return;
        if (!RESULT_LEVELS.includes(String(notification.level))) fail(`${where}.level`, "not a level");
        message(notification.message, `${where}.message`);
        if (notification.associatedRule !== undefined) reference(notification.associatedRule, `${where}.associatedRule`);
        if (notification.properties !== undefined && !isObject(notification.properties)) fail(`${where}.properties`, "not an object");
      });
    });
  }

  if (!Array.isArray(run.results)) fail("results", "not an array");
  else {
    run.results.forEach((r, i) => {
      const where = `results[${i}]`;
      const result = object(r, "result", where);
      if (!result) return;
      if (typeof result.ruleIndex !== "number" || !Number.isInteger(result.ruleIndex) || result.ruleIndex < 0) {
        fail(`${where}.ruleIndex`, "not an integer >= 0");
      } else if (rules[result.ruleIndex]?.id !== result.ruleId) {
        fail(where, `ruleIndex ${result.ruleIndex} does not point at rule '${String(result.ruleId)}'`);
      }
      if (!RESULT_LEVELS.includes(String(result.level))) fail(`${where}.level`, `not a level: ${String(result.level)}`);
      message(result.message, `${where}.message`);
      const fingerprints = result.partialFingerprints;
      if (!isObject(fingerprints) || Object.values(fingerprints).some((v) => typeof v !== "string")) {
        fail(`${where}.partialFingerprints`, "not an object of strings");
      }
      if (result.properties !== undefined && !isObject(result.properties)) fail(`${where}.properties`, "not an object");
      const relatedIds = new Set<number>();
      if (result.relatedLocations !== undefined) {
        if (!Array.isArray(result.relatedLocations) || result.relatedLocations.length === 0) fail(`${where}.relatedLocations`, "not a non-empty array");
        else {
          result.relatedLocations.forEach((l, j) => {
            const lw = `${where}.relatedLocations[${j}]`;
            const related = object(l, "relatedLocation", lw);
            if (!related) return;
            // §3.28.2: an id is a non-negative integer, unique within the result.
            if (typeof related.id !== "number" || !Number.isInteger(related.id) || related.id < 0) fail(`${lw}.id`, "not an integer >= 0");
            else if (relatedIds.has(related.id)) fail(`${lw}.id`, `duplicate id ${related.id}`);
            else relatedIds.add(related.id);
            if (related.message !== undefined) message(related.message, `${lw}.message`);
            physicalLocation(related.physicalLocation, lw);
          });
        }
      }
      // §3.11.6: an embedded link `[text](n)` in a plain-text message points at a related location's id.
      const text = isObject(result.message) && typeof result.message.text === "string" ? result.message.text : "";
      for (const m of text.matchAll(/(?<!\\)\[(?:[^\]\\]|\\.)*\]\((\d+)\)/g)) {
        if (!relatedIds.has(Number(m[1]))) fail(`${where}.message`, `links to related location ${m[1]}, which the result does not have`);
      }
      if (result.locations === undefined) return;
      if (!Array.isArray(result.locations) || result.locations.length === 0) return fail(`${where}.locations`, "not a non-empty array");
      result.locations.forEach((l, j) => {
        const lw = `${where}.locations[${j}]`;
        physicalLocation(object(l, "location", lw)?.physicalLocation, lw);
      });
    });
  }
  return problems;

  function physicalLocation(value: Json, lw: string): void {
    const physical = object(value, "physicalLocation", `${lw}.physicalLocation`);
    if (!physical) return;
    const artifact = object(physical.artifactLocation, "artifactLocation", `${lw}.artifactLocation`);
    if (artifact && string(artifact.uri, `${lw}.uri`)) {
      // A relative reference: no scheme, no leading slash, nothing a URI may not hold raw.
      if (/^[a-z][a-z0-9+.-]*:/i.test(artifact.uri) || artifact.uri.startsWith("/")) fail(`${lw}.uri`, "not relative");
      if (/[\s<>"{}|\\^`]/.test(artifact.uri)) fail(`${lw}.uri`, `characters that must be percent-encoded: ${artifact.uri}`);
      if (artifact.uriBaseId !== "%SRCROOT%") fail(`${lw}.uriBaseId`, "expected %SRCROOT%");
    }
    if (physical.region === undefined) return;
    const region = object(physical.region, "region", `${lw}.region`);
    if (!region) return;
    const { startLine, endLine } = region;
    if (typeof startLine !== "number" || !Number.isInteger(startLine) || startLine < 1) fail(`${lw}.region.startLine`, "not an integer >= 1");
    if (endLine !== undefined && (typeof endLine !== "number" || !Number.isInteger(endLine) || typeof startLine !== "number" || endLine < startLine)) {
      fail(`${lw}.region.endLine`, "not an integer >= startLine");
    }
  }
}
