/**
 * End to end: a fresh stack on the local Docker engine, through the same Automation API module as
 * `npm run up` (scripts/cli/automation.ts: the CLI on PATH or the pinned one installed into
 * .tools/pulumi, the stack opened with passphrase secrets, plan, up and destroy with the policy
 * pack enforced) and its progress renderer. Needs Docker, and the Pulumi CLI or internet to install
 * it; run with `npm run test:e2e`. State lives in a temporary file backend, names and ports are the
 * test's own, so it runs next to a dev stack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ConfigMap, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { DATASOURCE_UIDS, GRAFANA_UIDS, JOBS } from "../../components/observability/names";
import { cliVersions, engineStack, openStack, pulumiCommand } from "../../scripts/cli/automation";
import type { EngineStack } from "../../scripts/cli/engine";
import { Progress } from "../../scripts/cli/progress";
import { chooseCli } from "../../scripts/cli/pulumi-cli";
import { countChanges } from "../../scripts/cli/summary";

const ROOT = path.join(__dirname, "..", "..");
const STACK = "e2e";
const PASSWORD = "e2e-correct-horse-battery-staple";
const PORTS = { grafana: 13001, prometheus: 19090, loki: 13100, tempo: 13200 } as const;

/** dev defaults (volumes go with destroy), but on loopback and out of a dev stack's way. */
const CONFIG: ConfigMap = {
  environment: { value: "dev" },
  namePrefix: { value: "tm-e2e" },
  composeProject: { value: "tm-e2e" },
  bindAddress: { value: "127.0.0.1" },
  appNetwork: { value: "tm-e2e-app" },
  createAppNetwork: { value: "true" },
  grafanaPort: { value: String(PORTS.grafana) },
  prometheusPort: { value: String(PORTS.prometheus) },
  lokiPort: { value: String(PORTS.loki) },
  tempoPort: { value: String(PORTS.tempo) },
  tempoOtlpGrpcPort: { value: "14317" },
  tempoOtlpHttpPort: { value: "14318" },
  grafanaAdminPassword: { value: PASSWORD, secret: true },
};

/** Jobs whose targets are this stack's own containers (the app's are not running here). */
const OWN_JOBS = [
  JOBS.prometheus,
  JOBS.loki,
  JOBS.tempo,
  JOBS.grafana,
  JOBS.cadvisor,
  JOBS.logShipper,
];

const grafanaAuth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`;

/** The program's plain progress, on the test's output. */
function shown(progress: Progress): (event: EngineEvent) => void {
  return (event) => {
    process.stdout.write(progress.event(event));
  };
}

/** Polls `check` until it returns without throwing, or throws its last error after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((ok) => setTimeout(ok, 3000));
    }
  }
}

async function getOk(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, { headers });
  if (!response.ok)
    throw new Error(`GET ${url}: ${String(response.status)} ${await response.text()}`);
  return response;
}

interface Targets {
  data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
}

async function expectServicesHealthy(): Promise<void> {
  await eventually(() => getOk(`http://127.0.0.1:${String(PORTS.loki)}/ready`));
  await eventually(() => getOk(`http://127.0.0.1:${String(PORTS.tempo)}/ready`));
  const health = await eventually(() =>
    getOk(`http://127.0.0.1:${String(PORTS.grafana)}/api/health`),
  );
  expect(((await health.json()) as { database: string }).database).toBe("ok");

  await eventually(async () => {
    const response = await getOk(`http://127.0.0.1:${String(PORTS.prometheus)}/api/v1/targets`);
    const { data } = (await response.json()) as Targets;
    const own = data.activeTargets.filter((t) =>
      (OWN_JOBS as readonly string[]).includes(t.labels.job),
    );
    const down = own.filter((t) => t.health !== "up");
    const jobs = new Set(own.map((t) => t.labels.job));
    if (down.length > 0 || OWN_JOBS.some((j) => !jobs.has(j)))
      throw new Error(
        `targets not up: ${JSON.stringify(down.map((t) => [t.labels.job, t.lastError]))}`,
      );
  });

  for (const uid of Object.values(DATASOURCE_UIDS)) {
    await eventually(async () => {
      const url = `http://127.0.0.1:${String(PORTS.grafana)}/api/datasources/uid/${uid}/health`;
      const response = await getOk(url, { Authorization: grafanaAuth });
      const body = (await response.json()) as { status: string; message: string };
      if (body.status !== "OK") throw new Error(`${uid}: ${body.status} ${body.message}`);
    });
  }
}

/** Plans and applies an up as `npm run up` does: the renderer's count ends at the plan's total. */
async function up(ops: EngineStack): Promise<void> {
  const planned = await ops.plan("up", {
    onEvent: shown(new Progress({ mode: "plan", tty: false })),
  });
  const progress = new Progress({ mode: "apply", tty: false, total: countChanges(planned) });
  const result = await ops.up({ onEvent: shown(progress) });
  expect([progress.failed, progress.completed]).toEqual([0, countChanges(planned)]);
  const grafana = `http://localhost:${String(PORTS.grafana)}`;
  expect([result.outputs.grafanaUrl.value, result.outputs.dashboardUrl.value]).toEqual([
    grafana,
    `${grafana}/d/${GRAFANA_UIDS.dashboard}`,
  ]);
}

describe("the monitoring stack on a real Docker engine", () => {
  let backend: string;
  let stack: Stack;
  let ops: EngineStack;

  beforeAll(async () => {
    backend = fs.mkdtempSync(path.join(os.tmpdir(), "tm-e2e-state-"));
    const command = await pulumiCommand(ROOT, chooseCli(await cliVersions(ROOT)));
    const opened = await openStack({
      checkout: ROOT,
      command,
      stackName: STACK,
      envVars: {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      },
      create: true,
    });
    if (opened === undefined) throw new Error("the e2e stack was neither selected nor created");
    stack = opened.stack;
    ops = engineStack(stack, opened.created, ROOT);
    await stack.setAllConfig(CONFIG);
  });

  afterAll(async () => {
    // Leave nothing behind, even when a test failed half-way.
    await ops.destroy({ onEvent: shown(new Progress({ mode: "apply", tty: false })) });
    await stack.workspace.removeStack(STACK);
    fs.rmSync(backend, { recursive: true, force: true });
  });

  it("comes up healthy, with the policy pack passing", async () => {
    await up(ops);
    await expectServicesHealthy();
  });

  it("plans no change right after an up", async () => {
    const planned = await ops.plan("up", {
      onEvent: shown(new Progress({ mode: "plan", tty: false })),
    });
    expect(countChanges(planned)).toBe(0);
  });

  it("is destroyed, and comes up again from nothing", async () => {
    const planned = await ops.plan("destroy", {
      onEvent: shown(new Progress({ mode: "plan", tty: false })),
    });
    const progress = new Progress({ mode: "apply", tty: false, total: countChanges(planned) });
    await ops.destroy({ onEvent: shown(progress) });
    expect([progress.failed, progress.completed]).toEqual([0, countChanges(planned)]);
    await up(ops);
    await expectServicesHealthy();
  });
});
