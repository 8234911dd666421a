#!/usr/bin/env node
// The `phase-gate` command. The TypeScript sources are compiled to lib/ by `npm ci` (the prepare script).
import { main } from "../lib/src/cli.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
