/**
 * End to end: a fresh stack on the local Docker engine, through the Automation API, with the
 * policy pack enforced. Needs the Pulumi CLI and Docker; run with `npm run test:e2e`. State lives
 * in a temporary file backend, names and ports are the test's own, so it runs next to a dev stack.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ConfigMap, LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { DATASOURCE_UIDS, JOBS } from "../../components/observability/names";

const ROOT = path.join(__dirname, "..", "..");
const POLICY_PACK = path.join(ROOT, "policy");
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
const log = (line: string) => {
  process.stdout.write(line);
};

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

describe("the monitoring stack on a real Docker engine", () => {
  let backend: string;
  let stack: Stack;

  beforeAll(async () => {
    backend = fs.mkdtempSync(path.join(os.tmpdir(), "tm-e2e-state-"));
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, workDir: ROOT },
      {
        envVars: {
          PULUMI_BACKEND_URL: `file://${backend}`,
          PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        },
      },
    );
    await stack.setAllConfig(CONFIG);
  });

  afterAll(async () => {
    // Leave nothing behind, even when a test failed half-way.
    await stack.destroy({ onOutput: log });
    await stack.workspace.removeStack(STACK);
    fs.rmSync(backend, { recursive: true, force: true });
  });

  it("comes up healthy, with the policy pack passing", async () => {
    const up = await stack.up({ onOutput: log, policyPacks: [POLICY_PACK] });
    expect(up.summary.result).toBe("succeeded");
    await expectServicesHealthy();
  });

  it("plans no change right after an up", async () => {
    const preview = await stack.preview({ policyPacks: [POLICY_PACK] });
    const changes = Object.entries(preview.changeSummary).filter(([op]) => op !== "same");
    expect(changes).toEqual([]);
  });

  it("is destroyed, and comes up again from nothing", async () => {
    const destroyed = await stack.destroy({ onOutput: log });
    expect(destroyed.summary.result).toBe("succeeded");
    const up = await stack.up({ onOutput: log, policyPacks: [POLICY_PACK] });
    expect(up.summary.result).toBe("succeeded");
    await expectServicesHealthy();
  });
});
