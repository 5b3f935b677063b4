import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { parse } from "yaml";

/**
 * The program's registration time under mocks against a floor that loads exactly the same
 * third-party modules and nothing of the program. Both run in fresh processes, two ways:
 *
 * - compiled: the project's TypeScript transpiled ahead of time to CommonJS, run by plain node:
 *   the program's own cost (loading its modules, rendering the configs and the dashboards,
 *   registering the resources), the reference.
 * - pulumi: as `pulumi preview` and `pulumi up` run it. The language host starts
 *   `node [nodeargs] @pulumi/pulumi/cmd/run --monitor ... --pwd <project> <entry>` with
 *   PULUMI_NODEJS_TYPESCRIPT=true unless Pulumi.yaml's runtime option `typescript` is false, and
 *   PULUMI_NODEJS_TSCONFIG_PATH from its `tsconfig` option (pulumi/pulumi,
 *   sdk/nodejs/cmd/pulumi-language-nodejs: parseOptions, execNodejs, constructArguments). The
 *   runner (cmd/run/run.js) registers ts-node from tsconfig.json when TypeScript is on, loads
 *   source-map-support and the v8 hooks whatever the language, and requires the entry point
 *   (Pulumi.yaml's `main`, else package.json's). Here the same runner runs, with the same
 *   environment and arguments, the engine's monitor replaced by the mocks (preload.ts), after
 *   `npm run compile` when the project runs its compiled program. Its floor is the same runner
 *   loading only the module list.
 *
 * The floor's module list is recorded from a warm-up run of the compiled program: every file
 * under node_modules that was in require.cache once it had registered everything, in load order.
 */

const ROOT = path.join(__dirname, "..", "..", "..");
/** What a registration run loads of the project; everything else comes from node_modules. */
const SOURCES = ["index.ts", "config", "components", path.join("scripts", "bench", "registration")];
const PROJECT = "timemanager-monitoring";

export type Mode = "compiled" | "pulumi" | "pulumi-no-source-maps";

export interface Side {
  readonly wallMs: number[];
  /** The child's own CPU time (user + system) up to its report. */
  readonly cpuMs: number[];
  resources: number;
}

export interface Registration {
  readonly mode: Mode;
  /** What the mode is, for the report. */
  readonly title: string;
  readonly program: Side;
  readonly floor: Side;
  /** How many node_modules files the floor loads. */
  readonly modules: number;
}

function sources(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (fs.statSync(full).isFile()) return [dir];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sources(path.join(dir, e.name))
        : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")
          ? [path.join(dir, e.name)]
          : [],
    );
}

/** Transpiles the registration runners and the program into `out`, beside a node_modules link. */
function compile(out: string): void {
  for (const file of SOURCES.flatMap(sources)) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(ROOT, file), "utf8"), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    const target = path.join(out, file.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(out, "node_modules"), "dir");
}

/** The nodejs runtime options of Pulumi.yaml the language host reads. */
interface RuntimeOptions {
  readonly typescript?: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

/**
 * Builds the compiled program as the workflow and `npm run up` do before Pulumi runs it, when the
 * project has a `compile` script; returns its wall time, ms.
 */
export function compileProgram(): number | undefined {
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    }
  ).scripts;
  if (scripts?.compile === undefined) return undefined;
  const t0 = performance.now();
  const child = spawnSync("npm", ["run", "--silent", "compile"], { cwd: ROOT, encoding: "utf8" });
  if (child.status !== 0)
    throw new Error(`npm run compile failed:\n${child.stdout}${child.stderr}`);
  return performance.now() - t0;
}

/** How the language host would start this project's program: node arguments and environment. */
function pulumiLaunch(): { nodeArgs: string[]; env: Record<string, string>; entry: string } {
  const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    main?: string;
    runtime: string | { name: string; options?: RuntimeOptions };
  };
  const options = typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
  const env: Record<string, string> = {};
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (options.tsconfig !== undefined) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  // nodeargs is split like a shell would; this project sets none with quotes in them.
  const nodeArgs = (options.nodeargs ?? "").split(/\s+/).filter((a) => a !== "");
  return { nodeArgs, env, entry: project.main ?? "." };
}

function run(
  mode: Mode,
  out: string,
  script: "program" | "floor",
  env: Record<string, string>,
): { wallMs: number; cpuMs: number; resources: number } {
  const runners = path.join(out, "scripts", "bench", "registration");
  let args: string[];
  let launchEnv: Record<string, string> =
    mode === "pulumi-no-source-maps" ? { BENCH_NO_SOURCE_MAPS: "1" } : {};
  if (mode === "compiled") {
    args = [path.join(runners, `${script}.js`)];
  } else {
    const launch = pulumiLaunch();
    launchEnv = { ...launchEnv, ...launch.env };
    args = [
      ...launch.nodeArgs,
      "-r",
      path.join(runners, "preload.js"),
      path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run"),
      "--monitor=mocks",
      `--project=${PROJECT}`,
      "--stack=dev",
      `--pwd=${ROOT}`,
      script === "program" ? launch.entry : path.join(runners, "floor.js"),
    ];
  }
  const t0 = performance.now();
  const child = spawnSync(process.execPath, args, {
    encoding: "utf8",
    timeout: 300_000,
    cwd: ROOT,
    env: { ...process.env, BENCH_PROJECT_ROOT: ROOT, ...launchEnv, ...env },
  });
  const wallMs = performance.now() - t0;
  if (child.status !== 0) {
    throw new Error(`${mode} ${script} failed:\n${child.stdout}${child.stderr}`);
  }
  const { resources, cpuMs } = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as {
    resources: number;
    cpuMs: number;
  };
  return { wallMs, cpuMs, resources };
}

const TITLES: Readonly<Record<Mode, string>> = {
  compiled: "compiled ahead of time, plain node (the program's own cost)",
  pulumi:
    "as Pulumi runs it (@pulumi/pulumi/cmd/run, started as the language host starts it from Pulumi.yaml and package.json)",
  "pulumi-no-source-maps":
    "as Pulumi runs it, but stack traces left to V8 (for information: what the runner's source-map-support costs)",
};

/**
 * Measures every mode, `repeats` fresh processes per side (`infoRepeats` for the mode shown for
 * information), program and floor interleaved (in alternating order). `dir` is a scratch
 * directory the caller removes.
 */
export function measureRegistration(
  dir: string,
  repeats: number,
  infoRepeats: number,
): Registration[] {
  const out = path.join(dir, "js");
  compile(out);
  const list = path.join(dir, "modules.json");
  // Warm-up: records the floor's module list and fills the file cache for both sides.
  run("compiled", out, "program", { BENCH_MODULES_OUT: list });
  const env = { BENCH_MODULES_IN: list };
  const modules = (JSON.parse(fs.readFileSync(list, "utf8")) as string[]).length;
  return (["compiled", "pulumi", "pulumi-no-source-maps"] as const).map((mode) => {
    const program: Side = { wallMs: [], cpuMs: [], resources: 0 };
    const floor: Side = { wallMs: [], cpuMs: [], resources: 0 };
    // One untimed run of each side in this mode first: the file cache and the loader warm.
    run(mode, out, "program", env);
    run(mode, out, "floor", env);
    for (let i = 0; i < (mode === "pulumi-no-source-maps" ? infoRepeats : repeats); i++) {
      // Program first on even rounds, floor first on odd ones, so a drift in the machine's speed
      // during the runs weighs on both sides alike.
      const pair = [
        [program, "program"],
        [floor, "floor"],
      ] as const;
      for (const [side, script] of i % 2 === 0 ? pair : [...pair].reverse()) {
        const r = run(mode, out, script, env);
        side.wallMs.push(r.wallMs);
        side.cpuMs.push(r.cpuMs);
        side.resources = r.resources;
      }
    }
    return { mode, title: TITLES[mode], program, floor, modules };
  });
}
