/**
 * RuleTester cases for `dockerfile-reload`: every "Test cases to include" item of spec §4.7
 * (numbered as there), the traps of §4.6, and the task's extra cases. The oracle is
 * `docker build` + `docker image inspect` (Config.Cmd/Entrypoint/Env), not available here: each
 * expectation below follows Docker's documented rules, cited where it matters.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { copySourceMatches } from "../../checks/dockerfile-reload/copy-glob.js";
import { dockerfileReload as check } from "../../checks/dockerfile-reload/index.js";
import { expectPass, expectResult, runCheck } from "../support/check-tester.js";

const run = (files: Record<string, string>, options: unknown = {}) => runCheck(check, files, options);

describe("dockerfile-reload: spec §4.7 test cases", () => {
  it("1. exec-form CMD with --reload fails on the CMD line", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
    expect(r.summary).toBe("uvicorn is started with --reload in the final stage (Dockerfile:2)");
    expect(r.findings[0]?.message).toBe("uvicorn is started with --reload in the final stage");
    expect(r.findings[0]?.help).toBe("Drop --reload; keep it in Dockerfile.dev or a compose override");
    expect(r.findings[0]?.severity).toBe("error");
  });

  it("2. a multi-line exec form spans lines 2-3", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12-slim\nCMD ["uvicorn", "main:app", \\\n     "--reload"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.endLine).toBe(3);
  });

  it("3. sh -c string keeps its spaces (dockerfile-ast getJSONValue bug)", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12\nENTRYPOINT ["sh", "-c", "exec gunicorn -w 4 --reload app:app"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.message).toBe("gunicorn is started with --reload in the final stage");
  });

  it("4. a dev server only in a non-final stage passes and is listed (DR004)", async () => {
    const r = await run({
      Dockerfile: 'FROM node:20 AS dev\nCMD ["npm","run","dev"]\nFROM node:20-alpine AS prod\nCMD ["node","dist/main.js"]\n',
      "package.json": JSON.stringify({ scripts: { dev: "nodemon src/index.ts" } }),
    });
    expectResult(check, r, "pass", []);
    expect(r.facts?.unshippedStages).toEqual([{ path: "Dockerfile", stage: "stage 'dev'", signals: ["nodemon (line 2)"] }]);
  });

  it("5. an inherited CMD fails (FROM base AS prod)", async () => {
    const r = await run({ Dockerfile: "FROM python:3.12 AS base\nCMD uvicorn app:app --reload\nFROM base AS prod\nRUN pip install -r requirements.txt\n" });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.message).toBe("uvicorn is started with --reload in the final stage (inherited from stage 'base')");
  });

  it("6. ENTRYPOINT in the final stage resets the inherited CMD", async () => {
    await expectPass(check, {
      Dockerfile: 'FROM python:3.12 AS base\nCMD uvicorn app:app --reload\nFROM base AS prod\nRUN pip install -r requirements.txt\nENTRYPOINT ["/docker-entrypoint.sh"]\n',
      "docker-entrypoint.sh": "#!/bin/sh\nexec gunicorn app:app\n",
    });
  });

  it("7. an ARG is not the container's environment: $EXTRA expands to nothing", async () => {
    const r = await expectPass(check, { Dockerfile: "FROM python:3.12\nARG EXTRA=--reload\nCMD uvicorn app:app $EXTRA\n" });
    expect(JSON.stringify(r.facts?.notes)).toContain("only an ARG");
  });

  it("7b. ... but ENV persists it", async () => {
    const r = await run({ Dockerfile: "FROM python:3.12\nENV EXTRA=--reload\nCMD uvicorn app:app $EXTRA\n" });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 3 }]);
  });

  it("8. django runserver with a continuation fails", async () => {
    const r = await run({ Dockerfile: "FROM python:3.12\nCMD python manage.py runserver \\\n    0.0.0.0:8000\n" });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.message).toBe("manage.py runserver is a development server, started in the final stage");
  });

  it("9. Dockerfile.dev is skipped and listed (DR005)", async () => {
    const r = await expectPass(check, { "Dockerfile.dev": 'FROM node:20\nCMD ["nodemon", "src/index.js"]\n' });
    expect(r.facts?.skipped).toEqual([{ path: "Dockerfile.dev", kind: "dockerfile", reason: "development name (dev)", targets: ["final"], commands: ["nodemon src/index.js"], signals: ["nodemon (Dockerfile.dev:2)"] }]);
    expect(r.facts?.judged).toEqual([]);
  });

  it("10. a production compose command with --reload fails (DR002)", async () => {
    const r = await run({ "docker-compose.prod.yml": "services:\n  api:\n    build: .\n    command: uvicorn app:app --host 0.0.0.0 --reload\n" });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "docker-compose.prod.yml", line: 4 }]);
    expect(r.findings[0]?.message).toBe("uvicorn is started with --reload in service api of docker-compose.prod.yml");
  });

  it("11. a base docker-compose.yml with a merged anchor warns (DR003)", async () => {
    const r = await run({ "docker-compose.yml": "x-app: &app\n  command: uvicorn app:app --reload\nservices:\n  web:\n    <<: *app\n" });
    expectResult(check, r, "warn", [{ messageId: "ambiguous-compose", path: "docker-compose.yml", line: 2 }]);
    expect(r.findings[0]?.message).toBe("uvicorn with --reload in service web of docker-compose.yml, a compose file not named for development or production");
  });

  it("12. a compose override is development (DR005)", async () => {
    const r = await expectPass(check, { "docker-compose.override.yml": 'services:\n  web:\n    command: uvicorn app:app --reload\n    volumes: [".:/app"]\n' });
    expect(r.facts?.skipped).toMatchObject([{ path: "docker-compose.override.yml", kind: "compose", signals: ["web: uvicorn with --reload (docker-compose.override.yml:3)"] }]);
  });

  it("13. npm script named start:dev that is not a dev server passes (DR008)", async () => {
    await expectPass(check, {
      Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["npm", "run", "start:dev"]\n',
      "package.json": JSON.stringify({ scripts: { "start:dev": "npm run build && node lib/index.js", build: "tsc" } }),
    });
  });

  it("14. flask run with ENV FLASK_DEBUG=1 fails on both lines", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12\nENV FLASK_DEBUG=1\nCMD ["flask", "run", "--host=0.0.0.0"]\n' });
    expectResult(check, r, "fail", [
      { messageId: "dev-server-flag", path: "Dockerfile", line: 2 },
      { messageId: "dev-server", path: "Dockerfile", line: 3 },
    ]);
    expect(r.findings.map((f) => f.message)).toEqual([
      "flask is started with FLASK_DEBUG=1 in the final stage",
      "flask run is a development server, started in the final stage",
    ]);
  });

  it("15. single-quoted exec form: shell fallback still runs --reload (DR001 + DR007)", async () => {
    const r = await run({ Dockerfile: "FROM python:3.12\nCMD ['uvicorn', 'app:app', '--reload']\n" });
    expectResult(check, r, "fail", [
      { messageId: "dev-server-flag", path: "Dockerfile", line: 2 },
      { messageId: "exec-form-invalid", path: "Dockerfile", line: 2 },
    ]);
  });

  it("16. --reload-dir without --reload only warns", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12\nCMD ["uvicorn","app:app","--reload-dir","src"]\n' });
    expectResult(check, r, "warn", [{ messageId: "reload-option-ignored", path: "Dockerfile", line: 2 }]);
  });

  it("17. comments and HEALTHCHECK CMD are not the container command", async () => {
    await expectPass(check, {
      Dockerfile: '# CMD ["uvicorn","app:app","--reload"]\nFROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["gunicorn","app:app"]\n',
    });
  });
});

describe("dockerfile-reload: traps of spec §4.6", () => {
  it("a commented-out dev CMD after the real one", async () => {
    await expectPass(check, {
      Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [ "npm", "run", "start:prod" ]\n# CMD [ "npm", "run", "start:dev" ]\n',
      "package.json": JSON.stringify({ scripts: { "start:prod": "node dist/main", "start:dev": "nest start --watch" } }),
    });
  });

  it("the final stage overrides the dev stage it builds on", async () => {
    const r = await expectPass(check, {
      Dockerfile: 'FROM node:20 as dev\nWORKDIR /app\nCMD bash -c "npm i && npm run dev"\nFROM dev as prod\nCMD npm start\n',
      "package.json": JSON.stringify({ scripts: { dev: "vite", start: "node server.js" } }),
    });
    expect(r.facts?.unshippedStages).toEqual([]);
  });

  it("uv run is unwrapped", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12\nCMD ["uv", "run", "uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "5000", "--reload"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
  });

  it("FROM ${BASE} with a global ARG names an earlier stage", async () => {
    const r = await run({ Dockerfile: 'ARG BASE=dev\nFROM python AS dev\nCMD ["flask", "run"]\nFROM ${BASE} AS final\nRUN true\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 3 }]);
  });

  it("tiangolo's /start-reload.sh (not in the repository) is uvicorn --reload", async () => {
    const r = await run({ Dockerfile: 'FROM tiangolo/uvicorn-gunicorn-fastapi:python3.11\nCOPY ./app /app\nCMD ["/start-reload.sh"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 3 }]);
  });

  it("ONBUILD CMD is not the container command", async () => {
    await expectPass(check, { Dockerfile: 'FROM python:3.12\nONBUILD CMD ["uvicorn", "app:app", "--reload"]\nCMD ["gunicorn", "app:app"]\n' });
  });

  it("RUN npm run dev and RUN vite build are build steps", async () => {
    await expectPass(check, {
      Dockerfile: 'FROM node:20\nRUN npm run dev\nRUN vite build\nCMD ["node", "server.js"]\n',
      "package.json": JSON.stringify({ scripts: { dev: "vite" } }),
    });
  });

  it("a Windows escape directive joins continuations with a backtick", async () => {
    const r = await run({ Dockerfile: "# escape=`\nFROM python:3.12\nCMD python manage.py `\n    runserver 0.0.0.0:8000\n" });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 3 }]);
  });

  it("a dev compose override next to a production compose", async () => {
    await expectPass(check, {
      "docker-compose.prod.yml": "services:\n  web:\n    image: app\n    command: gunicorn app:app\n",
      "docker-compose.override.yml": "services:\n  web:\n    command: uvicorn app:app --reload\n    volumes: ['.:/app']\n",
    });
  });
});

describe("dockerfile-reload: commands, wrappers and flags", () => {
  const fails = async (cmd: string, messageId: "dev-server-flag" | "dev-server", extra: Record<string, string> = {}) => {
    const r = await run({ Dockerfile: `FROM base\n${cmd}\n`, ...extra });
    expectResult(check, r, "fail", [{ messageId, path: "Dockerfile", line: 2 }]);
    return r;
  };
  const passes = (cmd: string, extra: Record<string, string> = {}) => expectPass(check, { Dockerfile: `FROM base\n${cmd}\n`, ...extra });

  it.each([
    ['CMD ["python", "-m", "uvicorn", "app:app", "--reload"]'],
    ['CMD ["poetry", "run", "uvicorn", "app:app", "--reload"]'],
    ['CMD ["pipenv", "run", "gunicorn", "--reload", "app:app"]'],
    ['CMD ["hypercorn", "app:app", "--reload"]'],
    ['CMD ["tini", "--", "uvicorn", "app:app", "--reload"]'],
    ['CMD ["dumb-init", "--", "sh", "-c", "uvicorn app:app --reload"]'],
    ["CMD exec gosu app env PORT=8000 uvicorn app:app --reload=true"],
    ['CMD sh -c "alembic upgrade head && uvicorn app:app --reload"'],
    ['CMD ["fastapi", "run", "--reload"]'],
    ['CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "--reload", "app:app"]'],
    ['CMD ["nest", "start", "--watch"]'],
  ])("flags: %s", async (cmd) => {
    await fails(cmd, "dev-server-flag");
  });

  it("flask --debug (before or after run) is a flag on top of the development server", async () => {
    for (const cmd of ['CMD ["flask", "--app", "app", "--debug", "run"]', 'CMD ["flask", "--app", "app", "run", "--debug"]']) {
      const r = await run({ Dockerfile: `FROM python\n${cmd}\n` });
      expectResult(check, r, "fail", [
        { messageId: "dev-server", path: "Dockerfile", line: 2 },
        { messageId: "dev-server-flag", path: "Dockerfile", line: 2 },
      ]);
    }
  });

  it("ENTRYPOINT exec + CMD args: the flag is reported on the CMD line", async () => {
    const r = await run({ Dockerfile: 'FROM python:3.12\nENTRYPOINT ["uvicorn", "app:app"]\nCMD ["--reload"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 3 }]);
  });

  it.each([
    ['CMD ["nodemon", "index.js"]'],
    ['CMD ["npx", "next", "dev"]'],
    ['CMD ["npx", "--yes", "vite", "--host"]'],
    ['CMD ["air", "-c", ".air.toml"]'],
    ['CMD ["bundle", "exec", "rails", "s", "-b", "0.0.0.0"]'],
    ['CMD ["python", "manage.py", "runserver_plus"]'],
    ['CMD ["fastapi", "dev", "main.py"]'],
    ['CMD ["node", "--watch", "server.js"]'],
    ['CMD ["php", "artisan", "serve"]'],
    ['CMD ["dotnet", "watch", "run"]'],
    ['CMD ["flask", "run"]'],
    ['CMD ["uv", "run", "--frozen", "manage.py", "runserver"]'],
    ['CMD ["vite", "preview"]'],
    ['CMD ["next"]'],
  ])("servers: %s", async (cmd) => {
    await fails(cmd, "dev-server");
  });

  it.each([
    ['CMD ["gunicorn", "-w", "4", "-k", "uvicorn.workers.UvicornWorker", "app:app"]'],
    ['CMD ["uvicorn", "app:app", "--log-level=debug"]'],
    ['CMD ["uvicorn", "app:app", "--log-level", "debug", "--proxy-headers"]'],
    ['CMD ["fastapi", "run", "main.py"]'],
    ['CMD ["next", "start"]'],
    ['CMD ["vite", "build"]'],
    ['CMD ["nginx", "-g", "daemon off;"]'],
    ["CMD nginx -s reload; nginx -g 'daemon off;'"],
    ['CMD ["supervisorctl", "reload"]'],
    ['CMD ["rails", "server", "-e", "production"]'],
    ['CMD ["gunicorn", "project.wsgi"]'],
    ['CMD ["echo", "--reload"]'],
    ["CMD echo 'uvicorn app --reload'"],
  ])("not a dev server: %s", async (cmd) => {
    await passes(cmd);
  });

  it("rails s with RAILS_ENV=production passes, without it fails", async () => {
    await passes('ENV RAILS_ENV=production\nCMD ["bin/rails", "server"]');
    const r = await run({ Dockerfile: 'FROM ruby\nCMD ["bin/rails", "server"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 2 }]);
  });

  it("RAILS_ENV=development on the ENV line is the reported line", async () => {
    const r = await run({ Dockerfile: 'FROM ruby\nENV RAILS_ENV=development\nCMD ["rails", "s"]\n' });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 2 }]);
  });

  it("UVICORN_RELOAD and GUNICORN_CMD_ARGS in ENV", async () => {
    const a = await run({ Dockerfile: 'FROM python\nENV UVICORN_RELOAD=true\nCMD ["uvicorn", "app:app"]\n' });
    expectResult(check, a, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
    const b = await run({ Dockerfile: 'FROM python\nENV GUNICORN_CMD_ARGS="--workers 4 --reload"\nCMD ["gunicorn", "app:app"]\n' });
    expectResult(check, b, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
  });

  it("FLASK_DEBUG=0 and FLASK_DEBUG=false are off", async () => {
    await passes('ENV FLASK_DEBUG=0\nCMD ["gunicorn", "app:app"]');
    await passes('ENV FLASK_DEBUG=false\nCMD ["gunicorn", "app:app"]');
  });

  it("FLASK_DEBUG=1 with gunicorn is a development setting (warn)", async () => {
    const r = await run({ Dockerfile: 'FROM python\nENV FLASK_DEBUG=1\nCMD ["gunicorn", "app:app"]\n' });
    expectResult(check, r, "warn", [{ messageId: "dev-setting", path: "Dockerfile", line: 2 }]);
  });

  it("NODE_ENV=development warns; DEBUG=True warns for a Python server", async () => {
    const a = await run({ Dockerfile: 'FROM node\nENV NODE_ENV=development\nCMD ["node", "server.js"]\n' });
    expectResult(check, a, "warn", [{ messageId: "dev-setting", path: "Dockerfile", line: 2 }]);
    const b = await run({ Dockerfile: 'FROM python\nENV DEBUG=True\nCMD ["gunicorn", "project.wsgi"]\n' });
    expectResult(check, b, "warn", [{ messageId: "dev-setting", path: "Dockerfile", line: 2 }]);
  });

  it("spring-boot:run and mix phx.server are development runners (warn)", async () => {
    const a = await run({ Dockerfile: 'FROM maven\nCMD ["mvn", "spring-boot:run"]\n' });
    expectResult(check, a, "warn", [{ messageId: "dev-runner", path: "Dockerfile", line: 2 }]);
    const b = await run({ Dockerfile: 'FROM elixir\nCMD ["mix", "phx.server"]\n' });
    expectResult(check, b, "warn", [{ messageId: "dev-runner", path: "Dockerfile", line: 2 }]);
    await passes('ENV MIX_ENV=prod\nCMD ["mix", "phx.server"]');
  });

  it("ARG persisted by ENV: the signal depends on a build arg (DR006 warn)", async () => {
    const r = await run({ Dockerfile: "FROM python\nARG EXTRA=--reload\nENV EXTRA=$EXTRA\nCMD uvicorn app:app $EXTRA\n" });
    expectResult(check, r, "warn", [{ messageId: "conditional-dev-signal", path: "Dockerfile", line: 4 }]);
    expect(r.findings[0]?.message).toContain('build arg EXTRA (default "--reload")');
  });

  it("${VAR:-default} in a shell-form CMD uses the default when ENV does not set it", async () => {
    await fails("CMD uvicorn app:app ${RELOAD_FLAG:---reload}", "dev-server-flag");
    await passes("ENV RELOAD_FLAG=--proxy-headers\nCMD uvicorn app:app ${RELOAD_FLAG:---reload}");
  });

  it("exec form is not expanded: $RELOAD stays a literal token", async () => {
    await passes('ENV RELOAD=--reload\nCMD ["uvicorn", "app:app", "$RELOAD"]');
  });

  it("a shell-form ENTRYPOINT ignores CMD", async () => {
    await passes('ENTRYPOINT gunicorn app:app\nCMD ["--reload"]');
  });

  it("CMD set before ENTRYPOINT in the same stage survives it", async () => {
    await fails('CMD ["--reload"]\nENTRYPOINT ["uvicorn", "app:app"]', "dev-server-flag");
  });

  it("an entrypoint script with exec \"$@\" runs CMD: the CMD line is reported", async () => {
    const r = await run({
      Dockerfile: 'FROM python:3.12\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["uvicorn", "app:app", "--reload"]\n',
      "docker-entrypoint.sh": '#!/bin/sh\nset -e\nalembic upgrade head\nexec "$@"\n',
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 4 }]);
  });

  it("an entrypoint script's own unconditional command is reported in the script", async () => {
    const r = await run({
      Dockerfile: 'FROM python:3.12\nCOPY scripts/start.sh /start.sh\nCMD ["/start.sh"]\n',
      "scripts/start.sh": "#!/bin/bash\nset -e\npython manage.py migrate\nexec python manage.py runserver 0.0.0.0:8000\n",
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "scripts/start.sh", line: 4 }]);
    expect(r.findings[0]?.message).toBe("manage.py runserver is a development server, started in the final stage of Dockerfile (via scripts/start.sh)");
  });

  it("a dev branch of an entrypoint script only warns (DR006)", async () => {
    const r = await run({
      Dockerfile: 'FROM python:3.12\nCOPY start.sh /app/start.sh\nWORKDIR /app\nCMD ["./start.sh"]\n',
      "start.sh": '#!/bin/sh\nif [ "$DEV_RELOAD" = 1 ]; then\n  exec uvicorn app:app --reload\nfi\nexec gunicorn -k uvicorn.workers.UvicornWorker app:app\n',
    });
    expectResult(check, r, "warn", [{ messageId: "conditional-dev-signal", path: "start.sh", line: 3 }]);
  });

  it("gunicorn -c config with reload = True fails on the config line", async () => {
    const r = await run({
      Dockerfile: 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n',
      "gunicorn.conf.py": "bind = '0.0.0.0:8000'\nworkers = 4\nreload = True\n",
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "gunicorn.conf.py", line: 3 }]);
  });

  it("python app.py with app.run(debug=True) under the __main__ guard fails", async () => {
    const r = await run({
      Dockerfile: 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["python", "app.py"]\n',
      "app.py": 'from flask import Flask\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0",\n            debug=True)\n',
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "app.py", line: 6 }]);
  });

  it("a shell-form CMD joined with && and ; is split into commands", async () => {
    await fails("CMD python manage.py migrate && python manage.py collectstatic --noinput; python manage.py runserver", "dev-server");
    await passes("CMD python manage.py migrate && gunicorn project.wsgi");
  });
});

describe("dockerfile-reload: npm, yarn and pnpm scripts", () => {
  const withPkg = (cmd: string, scripts: Record<string, string>) => ({
    Dockerfile: `FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY . .\n${cmd}\n`,
    "package.json": JSON.stringify({ name: "x", scripts }),
  });

  it("npm run dev resolves to next dev through package.json", async () => {
    const r = await run(withPkg('CMD ["npm", "run", "dev"]', { dev: "next dev -p 3000", start: "next start" }));
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 5 }]);
    expect(r.findings[0]?.message).toBe('next dev is a development server, started in the final stage (via npm run dev → "next dev -p 3000" (package.json))');
  });

  it("npm run -d start resolves the script named start, not -d", async () => {
    await expectPass(check, withPkg('CMD ["npm", "run", "-d", "start"]', { start: "node dist/server.js", d: "nodemon" }));
    const r = await run(withPkg('CMD ["npm", "run", "-d", "start"]', { start: "nodemon dist/server.js" }));
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 5 }]);
  });

  it("nested scripts are followed (npm start → npm run serve → vite)", async () => {
    const r = await run(withPkg("CMD npm start", { start: "npm run serve", serve: "vite --host 0.0.0.0" }));
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 5 }]);
  });

  it("yarn dev and pnpm dev are scripts when package.json has them", async () => {
    const a = await run(withPkg('CMD ["yarn", "dev"]', { dev: "nodemon src/index.js" }));
    expectResult(check, a, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 5 }]);
    const b = await run(withPkg('CMD ["pnpm", "run", "start:dev"]', { "start:dev": "nest start --watch" }));
    expectResult(check, b, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 5 }]);
    await expectPass(check, withPkg('CMD ["yarn", "serve"]', { serve: "node build/server.js" }));
  });

  it("args after -- are appended to the script", async () => {
    const r = await run(withPkg('CMD ["npm", "run", "start", "--", "--reload"]', { start: "uvicorn app:app" }));
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 5 }]);
  });

  it("a dev-looking script without a package.json only warns", async () => {
    const r = await run({ Dockerfile: 'FROM node:20\nCMD ["npm", "run", "dev"]\n' });
    expectResult(check, r, "warn", [{ messageId: "unresolved-script", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.message).toBe("npm run dev in the final stage looks like a development script, and no package.json was found in the build context");
    await expectPass(check, { Dockerfile: 'FROM node:20\nCMD ["npm", "run", "start:prod"]\n' });
  });

  it("the package.json COPY'd from a subdirectory is the one used", async () => {
    const r = await run({
      "frontend/Dockerfile": 'FROM node:20\nWORKDIR /app\nCOPY web/package.json ./\nCMD ["npm", "run", "dev"]\n',
      "frontend/package.json": JSON.stringify({ scripts: { dev: "node server.js" } }),
      "frontend/web/package.json": JSON.stringify({ scripts: { dev: "vite" } }),
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "frontend/Dockerfile", line: 4 }]);
  });
});

describe("dockerfile-reload: which files count", () => {
  it("is not applicable without a Dockerfile or compose file", async () => {
    const r = await run({ "README.md": "uvicorn app:app --reload", Makefile: "run:\n\tuvicorn app:app --reload\n" });
    expectResult(check, r, "not-applicable", []);
  });

  it.each([
    ["Dockerfile.dev"],
    ["dev.Dockerfile"],
    ["docker/dev/Dockerfile"],
    [".devcontainer/Dockerfile"],
    ["development/Dockerfile"],
    ["Dockerfile.local"],
    ["tests/e2e/Dockerfile"],
    ["Dockerfile-debug"],
    ["api.dev.Dockerfile"],
  ])("%s is development-only", async (path) => {
    const r = await expectPass(check, { [path]: 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n' });
    expect((r.facts?.skipped as { path: string }[]).map((s) => s.path)).toEqual([path]);
  });

  it.each([["Dockerfile.prod"], ["Dockerfile.production"], ["services/api/Dockerfile"], ["devops/Dockerfile"], ["api.Dockerfile"], ["Containerfile"]])(
    "%s is production",
    async (path) => {
      const r = await run({ [path]: 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n' });
      expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path, line: 2 }]);
    },
  );

  it("Dockerfile.dockerignore is not a Dockerfile", async () => {
    const r = await run({ "Dockerfile.dockerignore": "node_modules\n" });
    expectResult(check, r, "not-applicable", []);
  });

  it("compose files named dev, local or test are development; prod is production", async () => {
    const cmd = "services:\n  web:\n    command: flask run --debug\n";
    await expectPass(check, { "docker-compose.dev.yml": cmd, "compose.local.yaml": cmd, "docker-compose.test.yml": cmd, "compose.dev.yaml": cmd, "dev/docker-compose.yml": cmd });
    const r = await run({ "compose.production.yaml": cmd });
    expectResult(check, r, "fail", [
      { messageId: "dev-server", path: "compose.production.yaml", line: 3 },
      { messageId: "dev-server-flag", path: "compose.production.yaml", line: 3 },
    ]);
  });

  it("a deploy workflow that builds Dockerfile.dev makes it production", async () => {
    const r = await run({
      "Dockerfile.dev": 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n',
      ".github/workflows/deploy.yml":
        "name: Ship\non: push\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          docker build -f Dockerfile.dev -t registry.example.com/app:prod .\n          docker push registry.example.com/app:prod\n",
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile.dev", line: 2 }]);
    expect(r.findings[0]?.message).toBe("uvicorn is started with --reload in the final stage (Dockerfile.dev is built by .github/workflows/deploy.yml)");
  });

  it("a CI workflow that only builds (no push, no deploy) does not change anything", async () => {
    await expectPass(check, {
      "Dockerfile.dev": 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n',
      ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build -f Dockerfile.dev -t app:test .\n",
    });
  });

  it("build-push-action target: a non-final stage is the shipped image", async () => {
    const r = await run({
      Dockerfile: 'FROM python AS app\nCMD ["uvicorn", "app:app", "--reload"]\nFROM python AS tools\nCMD ["bash"]\n',
      ".github/workflows/release.yml":
        "on: push\njobs:\n  docker:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          target: app\n          push: true\n",
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.message).toBe("uvicorn is started with --reload in stage 'app' (built by .github/workflows/release.yml)");
  });

  it("a workflow's working-directory and docker compose -f name the production files", async () => {
    const r = await run({
      "services/api/Dockerfile.local": 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n',
      "docker-compose.yml": "services:\n  web:\n    image: app\n    command: uvicorn app:app --reload\n",
      ".github/workflows/cd.yml":
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: services/api\n    steps:\n      - run: docker buildx build --push -f Dockerfile.local -t r/app .\n      - run: docker compose -f ../../docker-compose.yml up -d\n        working-directory: services/api\n",
    });
    expectResult(check, r, "fail", [
      { messageId: "dev-server-flag", path: "docker-compose.yml", line: 4 },
      { messageId: "dev-server-flag", path: "services/api/Dockerfile.local", line: 2 },
    ]);
  });

  it("compose build.args set an ARG for that build (deterministic: fail, not warn)", async () => {
    const r = await run({
      Dockerfile: 'FROM python\nARG RELOAD=\nENV UVICORN_RELOAD=$RELOAD\nCMD ["uvicorn", "app:app"]\n',
      "docker-compose.prod.yml": "services:\n  web:\n    build:\n      context: .\n      args:\n        RELOAD: \"true\"\n",
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "Dockerfile", line: 3 }]);
  });

  it("a production compose build.target: development ships the dev stage", async () => {
    const r = await run({
      Dockerfile: 'FROM node:20 AS development\nCMD ["nodemon", "index.js"]\nFROM node:20 AS production\nCMD ["node", "index.js"]\n',
      "docker-compose.prod.yml": "services:\n  web:\n    build:\n      context: .\n      target: development\n",
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "Dockerfile", line: 2 }]);
    expect(r.findings[0]?.message).toBe("nodemon is a development server, started in service web of docker-compose.prod.yml (stage 'development' of Dockerfile)");
  });

  it("compose environment FLASK_DEBUG on a flask run service (list and map forms)", async () => {
    const r = await run({
      "docker-compose.prod.yml": "services:\n  a:\n    image: app\n    command: [\"gunicorn\", \"app:app\"]\n    environment:\n      - FLASK_DEBUG=1\n  b:\n    image: app\n    command: flask run\n    environment:\n      FLASK_DEBUG: 1\n",
    });
    expectResult(check, r, "fail", [
      { messageId: "dev-setting", path: "docker-compose.prod.yml", line: 6 },
      { messageId: "dev-server", path: "docker-compose.prod.yml", line: 9 },
      { messageId: "dev-server-flag", path: "docker-compose.prod.yml", line: 11 },
    ]);
  });

  it("compose entrypoint clears the image CMD", async () => {
    await expectPass(check, {
      Dockerfile: 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n',
      "docker-compose.prod.yml": "services:\n  web:\n    build: .\n    entrypoint: [\"gunicorn\", \"app:app\"]\n",
    }, { devPaths: ["Dockerfile"] });
  });

  it("a compose service with a dev profile is development", async () => {
    await expectPass(check, { "docker-compose.prod.yml": "services:\n  web:\n    image: app\n  devserver:\n    image: app\n    profiles: [dev]\n    command: uvicorn app:app --reload\n" });
  });

  it("a compose file that does not parse is a finding, not a crash", async () => {
    const r = await run({ "docker-compose.prod.yml": "services:\n  web:\n    command: [unclosed\n" });
    expect(r.status).toBe("fail");
    expect(r.findings.map((f) => f.messageId)).toEqual(["unparsable-file"]);
  });

  it("compose interpolation: a --reload that only a variable default supplies warns", async () => {
    const r = await run({ "docker-compose.prod.yml": "services:\n  web:\n    image: app\n    command: uvicorn app:app ${RELOAD:---reload}\n" });
    expectResult(check, r, "warn", [{ messageId: "conditional-dev-signal", path: "docker-compose.prod.yml", line: 4 }]);
  });

  it("options: devPaths skips, productionPaths judges, ambiguousCompose fail", async () => {
    const files = { "deploy/app.docker": 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n', "sandbox/Dockerfile": 'FROM python\nCMD ["nodemon"]\n' };
    const r = await run(files, { productionPaths: ["deploy/app.docker"], devPaths: ["sandbox/**"] });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "deploy/app.docker", line: 2 }]);
    const c = await run({ "docker-compose.yml": "services:\n  web:\n    command: uvicorn app:app --reload\n" }, { ambiguousCompose: "fail" });
    expectResult(check, c, "fail", [{ messageId: "dev-server-flag", path: "docker-compose.yml", line: 3 }]);
    expect(() => check.options.parse({ nope: 1 })).toThrow();
  });

  it("an unreadable production Dockerfile is a finding", async () => {
    const r = await runCheck(check, { Dockerfile: new Uint8Array([70, 82, 0, 77]) });
    expectResult(check, r, "warn", [{ messageId: "file-not-read", path: "Dockerfile" }]);
  });

  it("facts and messages never show a secret from a command or a script", async () => {
    const r = await run({
      "docker-compose.prod.yml": "services:\n  cache:\n    image: redis\n    command: redis-server --requirepass hunter2\n  web:\n    build: .\n    command: npm run dev\n",
      Dockerfile: "FROM node\nCOPY . .\n",
      "package.json": JSON.stringify({ scripts: { dev: "SESSION_SECRET=hunter2 nodemon server.js" } }),
    });
    expectResult(check, r, "fail", [{ messageId: "dev-server", path: "docker-compose.prod.yml", line: 7 }]);
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });

  it("facts list the judged production files and their commands", async () => {
    const r = await expectPass(check, {
      Dockerfile: 'FROM python\nCMD ["gunicorn", "app:app"]\n',
      "Dockerfile.dev": 'FROM python\nCMD ["uvicorn", "app:app", "--reload"]\n',
    });
    expect(r.facts?.judged).toEqual([{ path: "Dockerfile", kind: "dockerfile", reason: "not named for development", targets: ["final"], commands: ["gunicorn app:app"] }]);
    expect(r.summary).toBe("no development server or flag in 1 production file (2 Dockerfiles, 0 compose files in the repository); 1 development file skipped");
  });
});

/** Go's `filepath.Match` on a file name, written from its documented grammar: true, false or "bad" (ErrBadPattern). */
function goMatch(pattern: string, name: string): boolean | "bad" {
  type Term = { k: "star" } | { k: "one" } | { k: "char"; c: string } | { k: "class"; neg: boolean; ranges: [string, string][] };
  const p = [...pattern];
  const terms: Term[] = [];
  let i = 0;
  const rangeChar = (): string | null => {
    let c = p[i];
    if (c === undefined || c === "-" || c === "]") return null;
    if (c === "\\") c = p[++i];
    if (c === undefined) return null;
    i++;
    return c;
  };
  while (i < p.length) {
    const c = p[i] as string;
    if (c === "*" || c === "?") {
      terms.push({ k: c === "*" ? "star" : "one" });
      i++;
    } else if (c === "\\") {
      if (p[i + 1] === undefined) return "bad";
      terms.push({ k: "char", c: p[i + 1] as string });
      i += 2;
    } else if (c === "[") {
      i++;
      const neg = p[i] === "^";
      if (neg) i++;
      const ranges: [string, string][] = [];
      while (!(p[i] === "]" && ranges.length > 0)) {
        const lo = rangeChar();
        if (lo === null) return "bad";
        let hi = lo;
        if (p[i] === "-") {
          i++;
          const h = rangeChar();
          if (h === null) return "bad";
          hi = h;
        }
        ranges.push([lo, hi]);
      }
      i++;
      terms.push({ k: "class", neg, ranges });
    } else {
      terms.push({ k: "char", c });
      i++;
    }
  }
  const n = [...name];
  const cp = (s: string) => s.codePointAt(0) as number;
  const one = (t: Term, c: string): boolean => {
    if (c === "/") return false;
    if (t.k === "one") return true;
    if (t.k === "char") return t.c === c;
    if (t.k === "class") return t.ranges.some(([lo, hi]) => cp(lo) <= cp(c) && cp(c) <= cp(hi)) !== t.neg;
    return false;
  };
  const memo = new Map<string, boolean>();
  const at = (ti: number, ni: number): boolean => {
    const key = `${ti},${ni}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    const t = terms[ti];
    if (t === undefined) r = ni === n.length;
    else if (t.k === "star") r = at(ti + 1, ni) || (ni < n.length && n[ni] !== "/" && at(ti, ni + 1));
    else r = ni < n.length && one(t, n[ni] as string) && at(ti + 1, ni + 1);
    memo.set(key, r);
    return r;
  };
  return at(0, 0);
}

describe("dockerfile-reload: COPY source patterns are Go filepath.Match patterns", () => {
  const cases: [string, string, boolean | "bad"][] = [
    ["*.sh", "start.sh", true],
    ["*.sh", ".sh", true],
    ["st?rt.sh", "start.sh", true],
    ["st?rt.sh", "stat.sh", false],
    ["[^s]tart.sh", "start.sh", false],
    ["[^s]tart.sh", "xtart.sh", true],
    ["[!s]tart.sh", "start.sh", true], // `!` is a class member in Go, not a negation
    ["[!s]tart.sh", "!tart.sh", true],
    ["[a-c]x", "bx", true],
    ["[a-c]x", "[a-c]x", false], // a class never matches its own text
    // No POSIX classes: Go reads the class `[[:alpha:]` (one of `[:alph`) and then a literal `]`.
    ["[[:alpha:]]", "a", false],
    ["[[:alpha:]]", "h]", true],
    ["[[:alpha:]]", ":]", true],
    ["[[:alpha:]]", "[a:]", false],
    ["[\\-]", "-", true],
    ["[c-a]", "b", false],
    ["{a,b}.sh", "a.sh", false],
    ["{a,b}.sh", "{a,b}.sh", true],
    ["@(a).sh", "@(a).sh", true],
    ["@(a).sh", "a.sh", false],
    ["!a", "!a", true],
    ["a|b", "a|b", true],
    ["a**b", "axxb", true],
    ["\\*", "*", true],
    ["\\*", "\\*", false],
    ["[]a]", "]", "bad"],
    ["[-]", "-", "bad"],
    ["[x-]", "x", "bad"],
    ["a[", "a[", "bad"],
    ["a\\", "a\\", "bad"],
  ];
  it.each(cases)("%s on %s", (pattern, name, go) => {
    expect(goMatch(pattern, name)).toBe(go);
    expect(copySourceMatches(pattern, name)).toBe(go === true);
  });

  it("agrees with Go's grammar on generated patterns and names", () => {
    const patternChar = fc.constantFrom("a", "b", "-", ".", "*", "?", "[", "]", "^", "!", "\\", "{", "}", "(", ")", "|", ",", "@", "+", ":", "é");
    const nameChar = fc.constantFrom("a", "b", "-", ".", "*", "[", "]", "^", "!", "\\", "{", "(", "|", "é", "c");
    fc.assert(
      fc.property(fc.array(patternChar, { maxLength: 10 }), fc.array(fc.array(nameChar, { minLength: 1, maxLength: 6 }), { maxLength: 10 }), (pat, names) => {
        const pattern = pat.join("");
        for (const name of names.map((n) => n.join(""))) expect([pattern, name, copySourceMatches(pattern, name)]).toEqual([pattern, name, goMatch(pattern, name) === true]);
      }),
      { numRuns: 3000 },
    );
  });

  const script = "#!/bin/sh\nexec uvicorn app:app --reload\n";
  const dockerfile = (src: string, cmd: string) => `FROM python:3.12\nCOPY ${src} /app/\nWORKDIR /app\nCMD ["./${cmd}"]\n`;

  it("follows a script copied by a pattern", async () => {
    const r = await run({ Dockerfile: dockerfile("scripts/st?rt.*", "start.sh"), "scripts/start.sh": script });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: "scripts/start.sh", line: 2 }]);
    await expectPass(check, { Dockerfile: dockerfile("scripts/[^s]tart.sh", "start.sh"), "scripts/start.sh": script });
  });

  it("matches a hostile COPY pattern in linear time", async () => {
    // A backtracking matcher takes minutes on the first: 12 stars, 30 `a`s and no `b`.
    const hostile = `scripts/${"*a".repeat(12)}*b.sh`;
    const name = "a".repeat(30);
    await expectPass(check, { Dockerfile: dockerfile(hostile, `${name}.sh`), [`scripts/${name}.sh`]: script });
    const r = await run({ Dockerfile: dockerfile(hostile, `${name}b.sh`), [`scripts/${name}b.sh`]: script });
    expectResult(check, r, "fail", [{ messageId: "dev-server-flag", path: `scripts/${name}b.sh`, line: 2 }]);
  });
});
