/** Types shared by the modules of the `dockerfile-reload` check. */

/** A place in the repository, 1-based lines. */
export interface Loc {
  readonly path: string;
  readonly line: number;
  readonly endLine?: number;
}

/**
 * A value of the container's environment (or of a build ARG while the image is built), with
 * where it was set. `dependsOn` says what could change it without editing the file that uses
 * it: a build argument, a compose variable, a branch of a script.
 */
export interface EnvValue {
  readonly value: string;
  readonly loc: Loc;
  readonly dependsOn?: string;
  /** The name of the ARG or ENV the value was set by, for messages ("ENV RELOAD"). */
  readonly setBy?: string;
}

export type Env = ReadonlyMap<string, EnvValue>;

/** One argv element after expansion, with the instruction (or script line) it came from. */
export interface Word {
  readonly text: string;
  readonly loc: Loc;
  /** Set when the text came from a value that a build arg, a compose variable or a condition decides. */
  readonly dependsOn?: string;
  /** True when part of the word could not be known statically (command substitution, an unset variable). */
  readonly unknown?: boolean;
}

/** How strongly a signal speaks against a production image. */
export type Level = "error" | "warning" | "notice";

export type SignalKind =
  | "flag" // a production server started with a development flag or env switch
  | "server" // a development server
  | "runner" // a development runner (spring-boot:run, mix phx.server)
  | "setting" // a development setting in the environment (NODE_ENV=development, DEBUG=1)
  | "reload-option" // --reload-dir & co. without --reload
  | "unresolved-script"; // `npm run dev` whose package.json could not be read

/** One development signal found in a command, a script or the environment. */
export interface Signal {
  readonly kind: SignalKind;
  /** What runs: "uvicorn", "flask run", "next dev". */
  readonly server: string;
  /** The offending token or setting: "--reload", "FLASK_DEBUG=1", "runserver". */
  readonly signal: string;
  readonly loc: Loc;
  readonly level: Level;
  /** How the command was reached: ["npm run dev", "package.json: next dev"]. */
  readonly via: readonly string[];
  /** The signal holds only under this condition (a build arg, a script branch): judged `warn`. */
  readonly dependsOn?: string;
  /** The fix, for the help line. */
  readonly fix: string;
}
