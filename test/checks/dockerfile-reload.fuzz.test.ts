/**
 * Fuzz tests for every parser entry point of `dockerfile-reload`: arbitrary bytes and arbitrary
 * structures never throw out of the readers or the check, always terminate, and always give a
 * status. Run counts are modest so the suite stays fast.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dockerfileReload as check } from "../../checks/dockerfile-reload/index.js";
import { Evaluator } from "../../checks/dockerfile-reload/command.js";
import { parseCompose } from "../../checks/dockerfile-reload/compose.js";
import { effectiveArgv, evaluateStage, parseDockerfile } from "../../checks/dockerfile-reload/dockerfile.js";
import { scanGunicornConfig, scanRunCalls } from "../../checks/dockerfile-reload/python.js";
import { expandDockerWord, parseShell, splitWords } from "../../checks/dockerfile-reload/shell.js";
import { readWorkflow } from "../../checks/dockerfile-reload/workflows.js";
import { CHECK_STATUSES } from "../../src/check/types.js";
import { runCheck } from "../support/check-tester.js";

const loc = { path: "x", line: 1 };
const shellish = fc.string({ unit: fc.constantFrom(..."ab $-_={}()[]'\"\\`;&|<>#\n\t!*?@0123456789:+%/.,".split("")), maxLength: 200 });
const words = fc.constantFrom(
  "uvicorn", "gunicorn", "--reload", "npm", "run", "dev", "sh", "-c", "exec", "env", "A=1", "python", "-m", "flask", "--debug",
  "manage.py", "runserver", "npx", "next", "vite", "tini", "--", "$@", "\"$@\"", "${X:-y}", "$(date)", "if", "then", "fi", "case",
  "in", "esac", ")", ";;", "&&", "||", ";", "|", "&", "\n", "{", "}", "(", ")", "<<EOF", "EOF", "'", "\"", "\\", "#", "for", "do", "done",
);
const script = fc.array(words, { maxLength: 40 }).map((w) => w.join(" "));

describe("dockerfile-reload fuzz: shell reader", () => {
  it("parseShell, splitWords and expandDockerWord never throw on arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), shellish, script), fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }), (text, args) => {
        const cmds = parseShell(text, { env: new Map([["X", { value: "a b", loc }]]), positional: args.map((t) => ({ text: t, loc })), locAt: () => loc, conditionLabel: "c" });
        for (const c of cmds) for (const w of c.words) expect(typeof w.text).toBe("string");
        expect(Array.isArray(splitWords(text))).toBe(true);
        expect(typeof expandDockerWord(text, new Map(), "\\").text).toBe("string");
        expect(typeof expandDockerWord(text, new Map(), "`").text).toBe("string");
      }),
      { numRuns: 300 },
    );
  });

  it("the evaluator terminates on arbitrary argv, including scripts that call themselves", () => {
    fc.assert(
      fc.property(fc.array(words, { maxLength: 20 }), script, (argv, body) => {
        const result = Evaluator.evaluate(
          {
            resolveFile: (p) => ({ path: p.replace(/^\/+/, ""), text: `${body}\nsh ${p}\n${p} "$@"` }),
            packageScripts: () => ({ path: "package.json", scripts: new Map([["dev", body], ["start", "npm run dev"], ["run", "npm run run"]]) }),
          },
          argv.map((text) => ({ text, loc })),
          new Map(),
        );
        expect(Array.isArray(result.signals)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

const instruction = fc.oneof(
  fc.tuple(fc.constantFrom("FROM", "from"), fc.constantFrom("python:3.12", "base", "node AS base", "base AS prod", "${IMG}", "scratch", "--platform=x a AS b", "")),
  fc.tuple(fc.constantFrom("CMD", "ENTRYPOINT", "RUN", "SHELL"), fc.oneof(script, fc.array(words, { maxLength: 6 }).map((a) => JSON.stringify(a)), fc.constantFrom("['a', '--reload']", "[", "[]", "\"\"", "[\"a\", 1]"))),
  fc.tuple(fc.constantFrom("ENV", "ARG", "LABEL"), fc.constantFrom("A=1", "A", "A=\"$B x\"", "EXTRA=--reload", "E=${EXTRA:-x}", "FLASK_DEBUG=1", "NODE_ENV=development", "A 1 2", "='")),
  fc.tuple(fc.constantFrom("COPY", "ADD", "WORKDIR", "HEALTHCHECK", "ONBUILD"), fc.constantFrom(". /app", "--from=base /a /b", "start.sh /", "[\"a\", \"b/\"]", "CMD x", "/app", "..", "<<EOF /x")),
  fc.constantFrom(["#", " escape=`"], ["#", " CMD x"], ["\\", ""], ["", ""]),
);
const dockerfile = fc
  .tuple(fc.array(instruction, { maxLength: 25 }), fc.constantFrom("\n", " \\\n  ", "\r\n"))
  .map(([ins, sep]) => ins.map(([k, v]) => `${k} ${v}`).join(sep));

describe("dockerfile-reload fuzz: Dockerfiles", () => {
  it("parseDockerfile and evaluateStage never throw, and every stage has an argv or none", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), dockerfile), (text) => {
        const df = parseDockerfile("Dockerfile", text);
        for (const stage of df.stages) {
          const state = evaluateStage(df, stage.index);
          const argv = effectiveArgv(state);
          expect(argv === null || Array.isArray(argv)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

const yamlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    script,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("services", "web", "command", "entrypoint", "environment", "build", "context", "dockerfile", "target", "args", "profiles", "image", "<<", "jobs", "steps", "run", "uses", "with", "file", "push"), tie("value"), { maxKeys: 5 }),
  ),
})).value;

describe("dockerfile-reload fuzz: YAML readers", () => {
  it("parseCompose and readWorkflow never throw on arbitrary text or arbitrary structures", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), yamlValue.map((v) => stringify(v)), fc.constantFrom("a: &a [*a]\n", "<<: *x\n", "services:\n  w:\n    <<: [*a, 1]\n")), (text) => {
        const c = parseCompose("docker-compose.yml", text);
        expect(typeof c.ok).toBe("boolean");
        const w = readWorkflow(".github/workflows/x.yml", text);
        expect(Array.isArray(w.builds)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("dockerfile-reload fuzz: Python scans", () => {
  it("scanRunCalls and scanGunicornConfig never throw", () => {
    const py = fc.array(fc.constantFrom("app.run(", "debug=True", ")", "reload = True", "\n", "    ", "if x:", "'''", '"', "#", "\\\n", "(", "[", "uvicorn.run(", ","), { maxLength: 40 }).map((a) => a.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), py), (text) => {
        expect(Array.isArray(scanRunCalls(text))).toBe(true);
        expect(Array.isArray(scanGunicornConfig(text))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("dockerfile-reload fuzz: the whole check", () => {
  it("arbitrary bytes and structures in every file it reads always give a status", async () => {
    const bytes = fc.uint8Array({ maxLength: 300 });
    const text = fc.oneof(fc.string({ maxLength: 200 }), dockerfile, yamlValue.map((v) => stringify(v)), script);
    const body = fc.oneof(bytes, text);
    await fc.assert(
      fc.asyncProperty(body, body, body, body, body, body, async (a, b, c, d, e, f) => {
        const r = await runCheck(check, {
          Dockerfile: a,
          "docker/Dockerfile.prod": b,
          "docker-compose.yml": c,
          "package.json": d,
          "start.sh": e,
          ".github/workflows/deploy.yml": f,
        });
        expect(CHECK_STATUSES).toContain(r.status);
        expect(r.status).not.toBe("error");
        for (const finding of r.findings) expect(finding.line === undefined || finding.line >= 1).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("dockerfile-reload fuzz: resource exhaustion", () => {
  it("a chain of anchors each merging the previous one eight times is read once per map (no 8^30 walk)", async () => {
    let yaml = "x-a0: &a0 {command: uvicorn app:app --reload}\n";
    for (let i = 1; i < 30; i++) yaml += `x-a${i}: &a${i}\n  <<: [${Array.from({ length: 8 }, () => `*a${i - 1}`).join(", ")}]\n`;
    yaml += "services:\n  web:\n    <<: *a29\n";
    const r = await runCheck(check, { "docker-compose.prod.yml": yaml });
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => [f.messageId, f.line])).toEqual([["dev-server-flag", 1]]);
  });

  it("a deeply nested shell command and a long chain of stages finish", async () => {
    const deep = `CMD ${"sh -c \"".repeat(1)}${"( ".repeat(2000)}uvicorn app --reload${" )".repeat(2000)}"`;
    const stages = ["FROM python AS s0", "CMD uvicorn app --reload", ...Array.from({ length: 300 }, (_, i) => `FROM s${i} AS s${i + 1}`)].join("\n");
    const r = await runCheck(check, { Dockerfile: `FROM python\n${deep}\n`, "api/Dockerfile": stages });
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => `${f.path}:${f.line}`).sort()).toEqual(["Dockerfile:2", "api/Dockerfile:2"]);
  });
});
