/** The files this check reads, as globs (`src/check/glob.ts`: picomatch syntax, `dot: true`). */

/** Files that may be detect-secrets baselines. Hooks and CI name the one they use; these must match it. */
export const DEFAULT_BASELINE_GLOBS: readonly string[] = ["**/.secrets.baseline", "**/*.baseline", "**/*baseline*.json"];

export const PRE_COMMIT_CONFIG = ".pre-commit-config.yaml";

export const WORKFLOW_GLOBS: readonly string[] = [".github/workflows/*.yml", ".github/workflows/*.yaml"];
export const MAKEFILES: readonly string[] = ["Makefile", "makefile", "GNUmakefile"];
export const TOX_INI = "tox.ini";

/** Nix modules that generate `.pre-commit-config.yaml` (devenv, cachix/git-hooks.nix). */
export const NIX_HOOK_FILES: readonly string[] = ["devenv.nix", "flake.nix", "nix/**/*.nix", "**/git-hooks.nix", "**/pre-commit-hooks.nix"];

/** Config files of the alternative scanners: their existence is enough. */
export const ALTERNATIVE_FILES: readonly { glob: string; tool: "gitleaks" | "trufflehog" | "secretlint" | "ggshield" }[] = [
  { glob: ".gitleaks.toml", tool: "gitleaks" },
  { glob: ".gitleaksignore", tool: "gitleaks" },
  { glob: ".secretlintrc", tool: "secretlint" },
  { glob: ".secretlintrc.{json,yaml,yml,js,cjs,mjs}", tool: "secretlint" },
  { glob: ".secretlintignore", tool: "secretlint" },
  { glob: ".gitguardian.{yaml,yml}", tool: "ggshield" },
];

/** Where secrets are most often committed: env files, keys and credential files, config, CI. */
export const LIKELY_SECRET_FILES: readonly string[] = [
  // env files
  "**/.env",
  "**/.env.*",
  "**/*.env",
  "**/.envrc",
  // keys and credential stores
  "**/*.pem",
  "**/*.key",
  "**/*.p8",
  "**/*.ppk",
  "**/id_{rsa,dsa,ecdsa,ed25519}",
  "**/.npmrc",
  "**/.yarnrc.yml",
  "**/.pypirc",
  "**/{.,_}netrc",
  "**/.git-credentials",
  "**/.dockercfg",
  "**/.docker/config.json",
  "**/.s3cfg",
  "**/.htpasswd",
  "**/credentials",
  "**/credentials.*",
  "**/*credentials*.json",
  "**/*secret*.{json,yml,yaml,toml,ini,env,txt,properties,conf,cfg,xml}",
  "**/service-account*.json",
  "**/*.tfvars",
  "**/*.tfvars.json",
  "**/*.tfstate",
  // application config
  "**/settings.py",
  "**/settings/*.py",
  "**/*_settings.py",
  "**/config.{js,cjs,mjs,ts,py,rb,php,json,yml,yaml,toml,ini}",
  "**/config/*.{js,cjs,mjs,ts,py,rb,php,json,yml,yaml,toml,ini,exs}",
  "**/*.{ini,cfg,conf,properties}",
  "**/application*.{yml,yaml,properties}",
  "**/appsettings*.json",
  "**/wp-config.php",
  "**/database.yml",
  "**/{docker-,}compose*.{yml,yaml}",
  "**/Dockerfile",
  "**/Dockerfile.*",
  "**/*.dockerfile",
  "**/values*.{yml,yaml}",
  // CI
  ".github/workflows/*.{yml,yaml}",
  ".github/actions/**/*.{yml,yaml}",
  ".gitlab-ci.yml",
  ".gitlab/**/*.{yml,yaml}",
  ".circleci/config.yml",
  ".travis.yml",
  "**/Jenkinsfile",
  "azure-pipelines.yml",
  "bitbucket-pipelines.yml",
  ".drone.yml",
  "**/buildspec.yml",
  "**/cloudbuild.{yml,yaml}",
  "appveyor.yml",
  ".buildkite/**/*.{yml,yaml}",
];

/** Every file, for `scan: all`. */
export const ALL_FILES: readonly string[] = ["**"];

/** Vendored code and generated files: never scanned, and never taken for the project's baseline. */
export const DEFAULT_SCAN_EXCLUDE: readonly string[] = [
  "**/node_modules/**",
  "**/vendor/**",
  "**/third_party/**",
  "**/bower_components/**",
  "**/.git/**",
  "**/*.lock",
  "**/package-lock.json",
  "**/npm-shrinkwrap.json",
  "**/pnpm-lock.yaml",
  "**/go.sum",
  "**/*.min.js",
  "**/*.map",
  "**/*.svg",
];

export const VENDORED: readonly string[] = ["**/node_modules/**", "**/vendor/**", "**/third_party/**", "**/bower_components/**"];
