import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The real binaries some tests run. */
export type Tool = "promtool" | "prometheus";

/** The environment variable that names each tool's binary, e.g. PROMTOOL=/usr/bin/promtool. */
export const TOOL_ENV: Readonly<Record<Tool, string>> = {
  promtool: "PROMTOOL",
  prometheus: "PROMETHEUS",
};

/** The command that installs the tools into the project's `.tools/prometheus/bin`. */
export const INSTALL_COMMAND = "bash scripts/install-prometheus-tools.sh";

const PROJECT_BIN = path.join(__dirname, "..", "..", ".tools", "prometheus", "bin");

/** Where a tool was found, or why it was not. */
export type ToolLookup =
  | { readonly found: true; readonly bin: string; readonly version: string }
  | { readonly found: false; readonly reason: string };

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function candidates(tool: Tool, env: NodeJS.ProcessEnv): { bins: string[]; tried: string } {
  const fromEnv = env[TOOL_ENV[tool]];
  // A variable that is set is authoritative: PROMTOOL=/nonexistent means "no promtool", so the
  // skip path can be exercised on a machine where the tool is installed.
  if (fromEnv !== undefined && fromEnv !== "") {
    return { bins: [fromEnv], tried: `${TOOL_ENV[tool]}=${fromEnv}` };
  }
  const onPath = (env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => path.join(dir, tool));
  return {
    bins: [...onPath, path.join(PROJECT_BIN, tool)],
    tried: `${TOOL_ENV[tool]} unset, not on PATH, not in ${PROJECT_BIN}`,
  };
}

/**
 * Finds a tool: the path in its environment variable if that is set (and nowhere else then),
 * otherwise the first one on PATH, otherwise the project's `.tools/prometheus/bin`. A binary that
 * exists but does not run (`--version` fails, e.g. a missing shared library) counts as missing.
 */
export function findTool(tool: Tool, env: NodeJS.ProcessEnv = process.env): ToolLookup {
  const { bins, tried } = candidates(tool, env);
  const bin = bins.find(isExecutableFile);
  if (bin === undefined) return { found: false, reason: `${tool} not found (${tried})` };
  const run = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim();
    return { found: false, reason: `${bin} does not run (${why})` };
  }
  // "promtool, version 3.5.3+ds1 (branch: ...)": keep the number.
  const version = /version (\S+)/.exec(run.stdout + run.stderr)?.[1] ?? "unknown version";
  return { found: true, bin, version: `${tool} ${version}` };
}

/** What a finished command printed and how it exited. */
export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr, for failure messages. */
  readonly output: string;
}

/** Runs a binary to completion without a shell and captures what it printed. */
export function runTool(bin: string, args: readonly string[], cwd?: string): ToolRun {
  const run = spawnSync(bin, args, { cwd, encoding: "utf8" });
  if (run.error) throw run.error;
  return {
    status: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    output: `$ ${[bin, ...args].join(" ")}\n${run.stdout}${run.stderr}`,
  };
}

/**
 * `describe` for tests that need a real binary; `body` receives its path. When the binary is
 * missing the block is skipped with a warning that says how to install it, except in CI
 * (`CI=true`), where a missing tool is an error: CI must never pass by skipping.
 */
export function describeWithTool(tool: Tool, body: (bin: string) => void): void {
  const lookup = findTool(tool);
  if (lookup.found) {
    describe(`with ${lookup.version} (${lookup.bin})`, () => {
      body(lookup.bin);
    });
    return;
  }
  const message =
    `${lookup.reason}. Install it with \`${INSTALL_COMMAND}\`, ` +
    `or point ${TOOL_ENV[tool]} at the binary.`;
  if (process.env.CI === "true") {
    throw new Error(`${message} CI=true: tests that need ${tool} must run, not skip.`);
  }
  console.warn(`SKIPPING every test that needs ${tool}: ${message}`);
  describe.skip(`SKIPPED, ${tool} missing: ${message}`, () => {
    // The body still runs to register its (skipped) tests; no hook or test in it executes.
    body(path.join(PROJECT_BIN, tool));
  });
}
