import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { parse } from "yaml";

/**
 * Imported first by each registration runner: sets Pulumi's mocks and the dev stack's config
 * before the program (or nothing but the SDKs) loads. `report` waits for every registration and
 * prints how many resources were registered and the process's time so far, as JSON.
 */

const PROJECT = "timemanager-monitoring";
const STACK = "dev";
/** The project, wherever the runner was compiled to. */
const ROOT = process.env.BENCH_PROJECT_ROOT ?? path.join(__dirname, "..", "..", "..");

let registered = 0;

/** How many resources have been registered so far. */
export const resources = (): number => registered;

void pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered++;
      const inputs = args.inputs as Record<string, unknown>;
      const computed =
        args.type === "docker:index/remoteImage:RemoteImage"
          ? { imageId: String(inputs.name) }
          : {};
      return { id: `${args.name}-id`, state: { ...inputs, ...computed } };
    },
    call: (args) => args.inputs as Record<string, unknown>,
  },
  PROJECT,
  STACK,
  false,
);

const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${STACK}.yaml`), "utf8")) as {
  config?: Record<string, unknown> | null;
};
pulumi.runtime.setAllConfig(
  Object.fromEntries(
    Object.entries(file.config ?? {}).map(([k, v]) => [
      k.includes(":") ? k : `${PROJECT}:${k}`,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  ),
);

/**
 * Waits for the registrations, then prints `{ resources, ms, cpuMs }` on stdout: the process's
 * time so far, and its CPU time (user + system), which other load on the machine disturbs less.
 */
export async function report(): Promise<void> {
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ resources: registered, ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
  );
}

/**
 * With BENCH_MODULES_OUT set, writes there every file under node_modules this process loaded,
 * in load order: the floor loads exactly these.
 */
export function recordModules(): void {
  const out = process.env.BENCH_MODULES_OUT;
  if (out === undefined) return;
  const files = Object.keys(require.cache).filter((f) =>
    f.includes(`${path.sep}node_modules${path.sep}`),
  );
  fs.writeFileSync(out, JSON.stringify(files));
}
