/**
 * The readers behind `dockerfile-reload`, tested directly: the shell reader (what `sh` would run,
 * with which words), compose interpolation, and the Dockerfile model (Docker's CMD/ENTRYPOINT
 * rules). Expected values follow POSIX sh and Docker's documented behaviour.
 */
import { describe, expect, it } from "vitest";
import { redact } from "../../checks/dockerfile-reload/command.js";
import { interpolate, parseCompose } from "../../checks/dockerfile-reload/compose.js";
import { effectiveArgv, evaluateStage, parseDockerfile } from "../../checks/dockerfile-reload/dockerfile.js";
import { scanGunicornConfig, scanRunCalls } from "../../checks/dockerfile-reload/python.js";
import { expandDockerWord, parseShell, splitWords } from "../../checks/dockerfile-reload/shell.js";
import type { EnvValue } from "../../checks/dockerfile-reload/types.js";

const loc = { path: "s", line: 1 };
const env = (o: Record<string, string>) => new Map<string, EnvValue>(Object.entries(o).map(([k, value]) => [k, { value, loc }]));
const cmds = (script: string, vars: Record<string, string> = {}, positional: string[] = []) =>
  parseShell(script, { env: env(vars), positional: positional.map((text) => ({ text, loc })), locAt: (line) => ({ path: "s", line: line + 1 }), conditionLabel: "cond" });
const argv = (script: string, vars: Record<string, string> = {}, positional: string[] = []) => cmds(script, vars, positional).map((c) => c.words.map((w) => w.text));

describe("shell reader", () => {
  it("splits lists, pipelines and subshells into simple commands", () => {
    expect(argv("a 1 && b 2 || c; d | e & f\n(g) ")).toEqual([["a", "1"], ["b", "2"], ["c"], ["d"], ["e"], ["f"], ["g"]]);
  });

  it("removes quotes and applies escapes", () => {
    expect(argv(`echo 'a b' "c \\"d\\"" e\\ f ""`)).toEqual([["echo", "a b", 'c "d"', "e f", ""]]);
  });

  it("expands variables with field splitting only when unquoted", () => {
    expect(argv('run $A "$A" ${B:-x y} "${C:-z}" ${A:+alt}', { A: "1 2" })).toEqual([["run", "1", "2", "1 2", "x", "y", "z", "alt"]]);
  });

  it('expands "$@" to one word per argument and $1 to the first', () => {
    expect(argv('exec "$@"', {}, ["uvicorn", "a b", "--reload"])).toEqual([["exec", "uvicorn", "a b", "--reload"]]);
    expect(argv("run $1 $#", {}, ["x", "y"])).toEqual([["run", "x", "2"]]);
    expect(argv('exec "$@"')).toEqual([["exec"]]);
  });

  it("applies assignments and exports to the commands that follow", () => {
    const c = cmds("export R=--reload; X=1\nuvicorn app $R $X\nY=2 gunicorn");
    expect(c.map((x) => x.words.map((w) => w.text))).toEqual([["export", "R=--reload"], [], ["uvicorn", "app", "--reload", "1"], ["gunicorn"]]);
    expect(c[3]?.assignments.get("Y")?.value).toBe("2");
  });

  it("marks commands under if/case/loops/functions, after || and after a [ ] && test as conditional", () => {
    const c = cmds('a\nif [ "$X" = 1 ]; then b; else c; fi\nd\ncase "$1" in\n  web) e ;;\n  *) f ;;\nesac\n[ -n "$D" ] && g\nh || i\nfor x in 1 2; do j; done\nfn() { k; }\nl');
    const cond = c.filter((x) => x.words.length > 0).map((x) => `${x.words[0]?.text}:${x.conditional !== undefined}`);
    expect(cond).toEqual(["a:false", "[:true", "b:true", "c:true", "d:false", "e:true", "f:true", "[:false", "g:true", "h:false", "i:true", "j:true", "k:true", "l:false"]);
  });

  it("skips heredoc bodies, comments, redirections and io numbers", () => {
    expect(argv("cat <<EOF > x\nuvicorn --reload\nEOF\n# uvicorn --reload\nrun 2>&1 >/dev/null")).toEqual([["cat"], ["run"]]);
    expect(argv("cat <<-'END'\n\tnodemon\n\tEND\nok")).toEqual([["cat"], ["ok"]]);
  });

  it("keeps && inside [[ ]] as part of the test", () => {
    expect(argv("[[ -n $A && -n $B ]] && run")).toEqual([["[[", "-n", "-n", "]]"], ["run"]]);
  });

  it("treats command substitutions as opaque words", () => {
    const c = cmds("run $(echo --reload) `date` x");
    expect(c[0]?.words.map((w) => [w.text, w.unknown === true])).toEqual([["run", false], ["", true], ["", true], ["x", false]]);
  });

  it("reports 1-based lines of each command, across continuations", () => {
    expect(cmds("a \\\n  b\nc").map((x) => x.loc.line)).toEqual([1, 3]);
  });

  it("splitWords splits like a shell without running it", () => {
    expect(splitWords(`uvicorn app:app --host "0.0.0.0" 'a b' x\\ y && z`)).toEqual(["uvicorn", "app:app", "--host", "0.0.0.0", "a b", "x y", "&&", "z"]);
  });

  it("expandDockerWord follows BuildKit's word rules", () => {
    const vars = env({ A: "1", B: "x" });
    expect(expandDockerWord('"$A b" ${B:-y} ${C:-z} \\$A \'$A\'', vars, "\\").text).toBe("1 b x z $A $A");
    expect(expandDockerWord("a`$b", vars, "`").text).toBe("a$b");
  });
});

describe("redaction of commands shown in facts and messages", () => {
  it("masks option values, assignments and URL passwords that look secret", () => {
    expect(redact("redis-server --requirepass hunter2 --port 6379")).toBe("redis-server --requirepass *** --port 6379");
    expect(redact("API_KEY=abc DB_PASSWORD=x PORT=1 node s.js --token=t")).toBe("API_KEY=*** DB_PASSWORD=*** PORT=1 node s.js --token=***");
    expect(redact("psql postgres://app:s3cret@db:5432/app")).toBe("psql postgres://app:***@db:5432/app");
    expect(redact("uvicorn app:app --reload")).toBe("uvicorn app:app --reload");
  });
});

describe("compose interpolation", () => {
  it("takes defaults, empties unknown variables and keeps $$ literal", () => {
    expect(interpolate("${A:-x} ${B-y} $C ${D} $$E")).toEqual({ text: "x y   $E", dependsOn: "compose variable A" });
    expect(interpolate("plain")).toEqual({ text: "plain" });
  });

  it("reads command lines through merge keys and environment in both forms", () => {
    const r = parseCompose("c.yml", "x: &x\n  environment:\n    A: 1\nservices:\n  s:\n    <<: *x\n    command: ['a', 'b c']\n    environment: [B=2, C]\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.services[0];
    expect(s?.command?.words.map((w) => w.text)).toEqual(["a", "b c"]);
    expect(s?.command?.loc.line).toBe(7);
    expect([...(s?.environment ?? new Map())].map(([k, v]) => [k, v.value, v.loc.line])).toEqual([["B", "2", 8]]);
  });
});

describe("Dockerfile model (Docker's CMD/ENTRYPOINT rules)", () => {
  const final = (text: string) => {
    const df = parseDockerfile("Dockerfile", text);
    const state = evaluateStage(df, df.stages.length - 1);
    return { state, argv: effectiveArgv(state)?.map((w) => w.text) ?? null };
  };

  it("exec ENTRYPOINT + exec CMD", () => {
    expect(final('FROM a\nENTRYPOINT ["e", "1"]\nCMD ["c", "2"]\n').argv).toEqual(["e", "1", "c", "2"]);
  });

  it("exec ENTRYPOINT + shell CMD appends /bin/sh -c", () => {
    expect(final('FROM a\nENTRYPOINT ["e"]\nCMD c 2\n').argv).toEqual(["e", "/bin/sh", "-c", "c 2"]);
  });

  it("SHELL changes the shell of shell form", () => {
    expect(final('FROM a\nSHELL ["/bin/bash", "-lc"]\nCMD c\n').argv).toEqual(["/bin/bash", "-lc", "c"]);
  });

  it("an inherited CMD is reset by an ENTRYPOINT in the child stage; ENV is inherited, ARG is not", () => {
    const r = final('FROM a AS base\nARG X=1\nENV Y=2\nCMD ["c"]\nFROM base\nENTRYPOINT ["e"]\n');
    expect(r.argv).toEqual(["e"]);
    expect(r.state.env.get("Y")?.value).toBe("2");
    expect(r.state.env.has("X")).toBe(false);
  });

  it("no CMD and no ENTRYPOINT: the command is the base image's (unknown)", () => {
    expect(final("FROM python:3.12\nRUN true\n").argv).toBeNull();
  });

  it("ENV values expand ARGs and earlier ENVs at build time, and remember the build arg", () => {
    const { state } = final("FROM a\nARG R=--reload\nENV A=$R B=x\nENV C=${B}y\n");
    expect(state.env.get("A")).toMatchObject({ value: "--reload", dependsOn: 'build arg R (default "--reload")' });
    expect(state.env.get("C")?.value).toBe("xy");
    expect(state.env.get("C")?.dependsOn).toBeUndefined();
  });

  it("reports 1-based lines", () => {
    const { state } = final('FROM a\n\nCMD ["x",\\\n  "y"]\n');
    expect(state.cmd?.loc).toEqual({ path: "Dockerfile", line: 3, endLine: 4 });
  });
});

describe("Python scans", () => {
  it("finds literal reload = True at module level; a branch is conditional", () => {
    expect(scanGunicornConfig("workers = 2\nreload = True\n")).toMatchObject([{ line: 2, conditional: false }]);
    expect(scanGunicornConfig('import os\nif os.environ.get("ENV") == "dev":\n    reload = True\n')).toMatchObject([{ line: 3, conditional: true }]);
    expect(scanGunicornConfig("reload = os.environ.get('RELOAD') == '1'\n# reload = True\ns = 'reload = True'\n")).toEqual([]);
  });

  it("finds .run(debug=True) under the __main__ guard, not in strings or comments", () => {
    expect(scanRunCalls('if __name__ == "__main__":\n    app.run(debug=True)\n')).toMatchObject([{ call: "app.run", signal: "debug=True", line: 2, conditional: false }]);
    expect(scanRunCalls('uvicorn.run("m:app", host="0.0.0.0",\n            reload=True)\n')).toMatchObject([{ call: "uvicorn.run", signal: "reload=True", line: 2 }]);
    expect(scanRunCalls("# app.run(debug=True)\nx = 'app.run(debug=True)'\napp.run(debug=False)\napp.run(debug=os.getenv('D'))\n")).toEqual([]);
    expect(scanRunCalls("if DEV:\n    app.run(debug=True)\n")).toMatchObject([{ conditional: true }]);
  });
});
