import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * The program's registration time under mocks against a floor that loads exactly the same
 * third-party modules and nothing of the program. Both run in fresh processes:
 *
 * - compiled: the project's TypeScript transpiled ahead of time to CommonJS (what ts-node's
 *   transpile-only mode would produce), run by plain node. This is the program's own cost:
 *   loading its modules, rendering the configs and the dashboard, registering the resources.
 * - ts-node: both sides under `-r ts-node/register/transpile-only`, so the per-run cost of
 *   transpiling the program's files is included (for information; `pulumi up` loads TypeScript
 *   through ts-node).
 *
 * The floor's module list is recorded from a warm-up run of the program: every file under
 * node_modules that was in require.cache once it had registered everything, in load order.
 */

const ROOT = path.join(__dirname, "..", "..", "..");
/** What a registration run loads of the project; everything else comes from node_modules. */
const SOURCES = ["index.ts", "config", "components", path.join("scripts", "bench", "registration")];

export interface Side {
  readonly wallMs: number[];
  /** The child's own CPU time (user + system) up to its report. */
  readonly cpuMs: number[];
  resources: number;
}

export interface Registration {
  readonly mode: "compiled" | "ts-node";
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

function run(
  mode: Registration["mode"],
  out: string,
  script: "program" | "floor",
  env: Record<string, string>,
): { wallMs: number; cpuMs: number; resources: number } {
  const args =
    mode === "compiled"
      ? [path.join(out, "scripts", "bench", "registration", `${script}.js`)]
      : [
          "-r",
          "ts-node/register/transpile-only",
          path.join(ROOT, "scripts", "bench", "registration", `${script}.ts`),
        ];
  const t0 = performance.now();
  const child = spawnSync(process.execPath, args, {
    encoding: "utf8",
    timeout: 120_000,
    cwd: ROOT,
    env: { ...process.env, BENCH_PROJECT_ROOT: ROOT, ...env },
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

/**
 * Measures both modes, `repeats` fresh processes per side, program and floor interleaved (in
 * alternating order).
 * `dir` is a scratch directory the caller removes.
 */
export function measureRegistration(dir: string, repeats: number): Registration[] {
  const out = path.join(dir, "js");
  compile(out);
  const list = path.join(dir, "modules.json");
  // Warm-up: records the floor's module list and fills the file cache for both sides.
  run("compiled", out, "program", { BENCH_MODULES_OUT: list });
  const env = { BENCH_MODULES_IN: list };
  const modules = (JSON.parse(fs.readFileSync(list, "utf8")) as string[]).length;
  return (["compiled", "ts-node"] as const).map((mode) => {
    const program: Side = { wallMs: [], cpuMs: [], resources: 0 };
    const floor: Side = { wallMs: [], cpuMs: [], resources: 0 };
    // One untimed run of each side in this mode first: the file cache and the loader warm.
    run(mode, out, "program", env);
    run(mode, out, "floor", env);
    for (let i = 0; i < repeats; i++) {
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
    return { mode, program, floor, modules };
  });
}
