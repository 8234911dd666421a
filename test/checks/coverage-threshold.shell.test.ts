import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShell, walkShell, type Lookup } from "../../checks/coverage-threshold/shell.js";

/** Each simple command as "line:words => OK | reason". */
function fates(src: string, errexit: boolean, pipefail = false, vars: Lookup = () => undefined): string[] {
  const out: string[] = [];
  walkShell(parseShell(src, { vars }), { errexit, pipefail }, {
    command(cmd, fate) {
      const words = cmd.words.map((w) => w.text + (w.dynamic ? "~" : "")).join(" ");
      out.push(`${cmd.line}:${words} => ${fate.ok ? "OK" : "LOST"}`);
    },
  });
  return out;
}

describe("shell: words", () => {
  it("removes quotes, joins continuations, drops comments, redirections and heredoc bodies", () => {
    const src = "pytest \\\n  --cov=src 'a b' \"c $HOME d\" 2>&1 >out.txt # comment\npython - <<'EOF'\nimport x\nEOF\necho done";
    expect(fates(src, true)).toEqual(["1:pytest --cov=src a b c $HOME d~ => OK", "3:python - => OK", "6:echo done => OK"]);
  });

  it("expands known variables with field splitting, marks unknown ones dynamic", () => {
    const vars: Lookup = (n) => (n === "ARGS" ? "--cov --cov-fail-under=90" : n === "UNSET" ? null : undefined);
    expect(fates('pytest $ARGS "$ARGS" ${UNSET:-70} ${MIN} $(cat x) `y`', true, false, vars)).toEqual([
      "1:pytest --cov --cov-fail-under=90 --cov --cov-fail-under=90 70 ${MIN}~ $(cat x)~ `y`~ => OK",
    ]);
  });

  it("resolves GitHub expressions through the expr hook", () => {
    const list = parseShell("pytest --cov-fail-under=${{ env.MIN }} ${{ matrix.x }}", { expr: (e) => (e === "env.MIN" ? "85" : undefined) });
    const words: string[] = [];
    walkShell(list, { errexit: true, pipefail: false }, { command: (c) => words.push(...c.words.map((w) => `${w.text}${w.dynamic ? "~" : ""}`)) });
    expect(words).toEqual(["pytest", "--cov-fail-under=85", "${{ matrix.x }}~"]);
  });

  it("records leading assignments apart from the words", () => {
    const list = parseShell("COVERAGE_RCFILE=ci.cfg pytest --cov");
    const first = list[0]?.parts[0]?.pipeline.commands[0];
    expect(first?.kind === "simple" && first.assignments.map((a) => `${a.name}=${a.value.text}`)).toEqual(["COVERAGE_RCFILE=ci.cfg"]);
  });
});

describe("shell: does a failure fail the script?", () => {
  it("a lone command fails the script", () => {
    expect(fates("pytest --cov", false)).toEqual(["1:pytest --cov => OK"]);
  });

  it("|| true, || exit 0 and || echo swallow the failure; || exit 1 does not", () => {
    expect(fates("pytest || true", true)[0]).toContain("LOST");
    expect(fates("pytest || exit 0", true)[0]).toContain("LOST");
    expect(fates("pytest || echo failed", true)[0]).toContain("LOST");
    expect(fates("pytest || exit 1\necho next", false)[0]).toContain("OK");
    expect(fates("pytest || { echo low; exit 1; }\necho next", false)[0]).toContain("OK");
  });

  it("|| ( ... exit 1 ) fails only the subshell: the list's status is a failure", () => {
    expect(fates("pytest || (echo low; exit 1)\necho next", true)[0]).toContain("OK");
    expect(fates("pytest || (echo low; exit 1)\necho next", false)[0]).toContain("LOST");
  });

  it("a failure followed by other commands is lost without set -e, kept with it", () => {
    expect(fates("pytest\necho done", false)[0]).toContain("LOST");
    expect(fates("pytest\necho done", true)[0]).toContain("OK");
    expect(fates("set -e\npytest\necho done", false)[1]).toContain("OK");
    expect(fates("set +e\npytest\necho done", true)[1]).toContain("LOST");
    expect(fates("set -euo pipefail\npytest | tee log\necho done", false)[1]).toContain("OK");
  });

  it("set -e ignores a failure that is not the last part of an && list", () => {
    expect(fates("pytest && echo ok\necho done", true)[0]).toContain("LOST");
    expect(fates("echo start && pytest\necho done", true)[1]).toContain("OK");
    expect(fates("pytest && echo ok", true)[0]).toContain("OK"); // the last list: its status is the script's
  });

  it("a pipe loses the status of every command but the last, unless pipefail", () => {
    expect(fates("pytest | tee out.txt", true)[0]).toContain("LOST");
    expect(fates("pytest | tee out.txt", true, true)[0]).toContain("OK");
    expect(fates("cat x | pytest", true)[1]).toContain("OK");
  });

  it("conditions, ! and & consume the status", () => {
    expect(fates("if pytest; then echo ok; fi", true)[0]).toContain("LOST");
    expect(fates("! pytest", true)[0]).toContain("LOST");
    expect(fates("pytest &\nwait", true)[0]).toContain("LOST");
    expect(fates("while false; do pytest; done", true)[1]).toContain("OK");
  });

  it("commands in if bodies and groups propagate like the enclosing command", () => {
    expect(fates("if [ -f x ]; then\n  pytest --cov\nfi", false)[1]).toContain("OK");
    expect(fates("if [ -f x ]; then\n  pytest --cov\nfi\necho after", false)[1]).toContain("LOST");
    expect(fates("(cd api && pytest)", false)[1]).toContain("OK");
    expect(fates("for d in a b; do (cd $d && pytest); done", true)[1]).toContain("OK");
  });

  it("never throws and always terminates on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (src) => {
        walkShell(parseShell(src), { errexit: true, pipefail: false }, { command: () => undefined });
      }),
      { numRuns: 300 },
    );
    const pieces = fc.constantFrom("pytest", " ", "\n", "&&", "||", "|", ";", "(", ")", "{", "}", "if", "then", "fi", "do", "done", "'", '"', "$(", "${", "`", "\\", "<<EOF", "EOF", "#", "!", "&", "case", "esac", "x=1");
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        walkShell(parseShell(parts.join(" ")), { errexit: false, pipefail: false }, { command: () => undefined });
      }),
      { numRuns: 300 },
    );
  });
});
