import { renderLokiConfig } from "../components/observability/loki/config";
import { renderPrometheusConfig } from "../components/observability/prometheus/config";
import { renderRules } from "../components/observability/prometheus/rules";
import { renderPromtailConfig } from "../components/observability/logs/promtail";
import { renderTempoConfig } from "../components/observability/tempo/config";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { type ProgramRun, type Registered, runProgram, stackFileConfig } from "./helpers/program";
import { DEFAULT_SLO } from "../config";

/** How a Pulumi secret reaches a provider: the value wrapped in the secret signature. */
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

const PROD_PASSWORD = "correct-horse-battery-staple";

function runDev(): Promise<ProgramRun> {
  return runProgram("dev", stackFileConfig("dev"));
}

function runProd(): Promise<ProgramRun> {
  return runProgram("prod", { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD }, [
    "grafanaAdminPassword",
  ]);
}

function only(run: ProgramRun, type: string, name: string): Registered {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";
const NETWORK = "docker:index/network:Network";
const IMAGE = "docker:index/remoteImage:RemoteImage";

const labels = (service: string) => [
  { label: "com.docker.compose.project", value: "timemanager-monitoring" },
  { label: "com.docker.compose.service", value: service },
];
const monitoring = (alias: string) => ({ name: "timemanager-monitoring", aliases: [alias] });
const app = (alias: string) => ({ name: "time-manager_default", aliases: [alias] });
const volume = (service: string, target: string) => ({
  type: "volume",
  source: `timemanager_${service}_data`,
  target,
});
const health = (tests: string[], startPeriod = "10s") => ({
  healthcheck: { tests, interval: "15s", timeout: "5s", retries: 5, startPeriod },
  wait: true,
  waitTimeout: 180,
});

/** What every container has, written out once here and not derived from the code. */
function hardened(service: string, image: string, memory: number) {
  return {
    name: `timemanager-${service}`,
    image,
    restart: "unless-stopped",
    memory,
    memorySwap: memory,
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    securityOpts: ["no-new-privileges:true"],
    labels: labels(service),
  };
}

function expectedContainers(ip: string, adminPassword: string): Record<string, unknown> {
  const port = (p: number, external = p) => ({ internal: p, external, ip });
  return {
    "prometheus-container": {
      ...hardened("prometheus", "prom/prometheus:v3.13.3", 1024),
      networksAdvanced: [monitoring("prometheus"), app("prometheus")],
      ports: [port(9090)],
      uploads: [
        {
          file: "/etc/prometheus/prometheus.yml",
          content: renderPrometheusConfig({
            backendTarget: "backend:8080",
            traefikTarget: "traefik:8082",
            logShipperTarget: "log-shipper:9080",
          }),
        },
        {
          file: "/etc/prometheus/rules/timemanager.rules.yml",
          content: renderRules({ slo: DEFAULT_SLO }),
        },
      ],
      mounts: [volume("prometheus", "/prometheus")],
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        "--storage.tsdb.retention.time=15d",
        "--storage.tsdb.retention.size=10GB",
        "--web.enable-remote-write-receiver",
        "--enable-feature=exemplar-storage",
      ],
      ...health(["CMD", "/bin/promtool", "check", "ready"]),
    },
    "loki-container": {
      ...hardened("loki", "grafana/loki:3.7.6", 512),
      networksAdvanced: [monitoring("loki")],
      ports: [port(3100)],
      uploads: [{ file: "/etc/loki/config.yaml", content: renderLokiConfig({ retentionDays: 7 }) }],
      mounts: [volume("loki", "/loki")],
      command: ["-config.file=/etc/loki/config.yaml"],
      ...health(["CMD", "/usr/bin/loki", "-health"], "30s"),
    },
    "promtail-container": {
      ...hardened("promtail", "grafana/promtail:3.6.11", 256),
      networksAdvanced: [{ name: "timemanager-monitoring", aliases: ["promtail", "log-shipper"] }],
      ports: [],
      uploads: [
        {
          file: "/etc/promtail/config.yml",
          content: renderPromtailConfig({ lokiPushUrl: "http://loki:3100/loki/api/v1/push" }),
        },
      ],
      mounts: [
        volume("promtail", "/var/lib/promtail"),
        {
          type: "bind",
          source: "/var/run/docker.sock",
          target: "/var/run/docker.sock",
          readOnly: true,
        },
      ],
      command: ["-config.file=/etc/promtail/config.yml"],
      ...health([
        "CMD",
        "bash",
        "-c",
        "exec 3<>/dev/tcp/127.0.0.1/9080 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3",
      ]),
    },
    "tempo-container": {
      ...hardened("tempo", "grafana/tempo:3.0.3", 1024),
      networksAdvanced: [monitoring("tempo"), app("tempo")],
      ports: [port(3200), port(4317), port(4318)],
      uploads: [
        {
          file: "/etc/tempo.yaml",
          content: renderTempoConfig({
            retentionDays: 7,
            prometheusRemoteWriteUrl: "http://prometheus:9090/api/v1/write",
          }),
        },
      ],
      mounts: [volume("tempo", "/var/tempo")],
      command: ["-config.file=/etc/tempo.yaml"],
      ...health(["CMD", "/tempo", "-health"], "30s"),
    },
    "cadvisor-container": {
      ...hardened("cadvisor", "ghcr.io/google/cadvisor:v0.60.5", 256),
      networksAdvanced: [monitoring("cadvisor")],
      ports: [],
      uploads: [],
      mounts: [
        ["/", "/rootfs"],
        ["/var/run", "/var/run"],
        ["/sys", "/sys"],
        ["/var/lib/docker", "/var/lib/docker"],
        ["/dev/disk", "/dev/disk"],
      ].map(([source, target]) => ({ type: "bind", source, target, readOnly: true })),
      command: [
        "--port=8080",
        "--docker_only=true",
        "--housekeeping_interval=30s",
        "--global_housekeeping_interval=2m",
        "--store_container_labels=false",
        "--whitelisted_container_labels=com.docker.compose.project,com.docker.compose.service",
        "--disable_metrics=advtcp,cpu_topology,cpuset,hugetlb,memory_numa,percpu,process,referenced_memory,resctrl,sched,tcp,udp",
      ],
      privileged: true,
      devices: [{ hostPath: "/dev/kmsg", containerPath: "/dev/kmsg" }],
      ...health([
        "CMD",
        "wget",
        "--quiet",
        "--tries=1",
        "--spider",
        "http://localhost:8080/healthz",
      ]),
    },
    "grafana-container": {
      ...hardened("grafana", "grafana/grafana:13.2.3", 512),
      networksAdvanced: [monitoring("grafana")],
      ports: [port(3000, 3001)],
      uploads: [],
      mounts: [volume("grafana", "/var/lib/grafana")],
      // The password makes the whole variable list a secret.
      envs: secret([
        "GF_SECURITY_ADMIN_USER=admin",
        `GF_SECURITY_ADMIN_PASSWORD=${adminPassword}`,
        "GF_SERVER_ROOT_URL=http://localhost:3001",
        "GF_USERS_ALLOW_SIGN_UP=false",
        "GF_AUTH_ANONYMOUS_ENABLED=false",
        "GF_ANALYTICS_REPORTING_ENABLED=false",
        "GF_ANALYTICS_CHECK_FOR_UPDATES=false",
        "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES=false",
      ]),
      ...health(["CMD", "curl", "-fsS", "http://localhost:3000/api/health"], "30s"),
    },
  };
}

describe.each([
  { stack: "dev", run: runDev, ip: "0.0.0.0", password: "admin", protect: false },
  { stack: "prod", run: runProd, ip: "127.0.0.1", password: PROD_PASSWORD, protect: true },
])("the whole program on $stack", ({ run, ip, password, protect }) => {
  let result: ProgramRun;
  beforeAll(async () => {
    result = await run();
  });

  test("registers exactly the six services, their images, volumes, the networks and the Grafana content", () => {
    const names = result.resources.map((r) => `${r.type} ${r.name}`).sort();
    expect(names).toEqual(
      [
        "timemanager:monitoring:Networks networks",
        `${NETWORK} networks-monitoring`,
        ...["prometheus", "loki", "promtail", "tempo", "cadvisor", "grafana"].flatMap((s) => [
          `timemanager:monitoring:${{ prometheus: "Prometheus", loki: "Loki", promtail: "Promtail", tempo: "Tempo", cadvisor: "Cadvisor", grafana: "GrafanaServer" }[s]} ${s}`,
          `${CONTAINER} ${s}-container`,
          `${IMAGE} ${s}-container-image`,
        ]),
        ...["prometheus", "loki", "promtail", "tempo", "grafana"].map((s) => `${VOLUME} ${s}-data`),
        "timemanager:monitoring:GrafanaContent grafana-content",
        "pulumi:providers:grafana grafana-content-provider",
        "grafana:oss/dataSource:DataSource grafana-content-datasource-prometheus",
        "grafana:oss/dataSource:DataSource grafana-content-datasource-loki",
        "grafana:oss/dataSource:DataSource grafana-content-datasource-tempo",
        "grafana:oss/folder:Folder grafana-content-folder",
        "grafana:oss/dashboard:Dashboard grafana-content-dashboard",
        "grafana:oss/dashboard:Dashboard grafana-content-slo-dashboard",
        "grafana:alerting/ruleGroup:RuleGroup grafana-content-alerts",
      ].sort(),
    );
  });

  test.each(Object.keys(expectedContainers("", "")))(
    "%s has exactly the expected inputs",
    (name) => {
      const container = only(result, CONTAINER, name);
      const expected = expectedContainers(ip, password)[name] as {
        ports: unknown[];
        labels: unknown[];
      };
      // Ports on every interface are marked as chosen, for the policy pack.
      const bindAll = ip === "0.0.0.0" && expected.ports.length > 0;
      expect(container.inputs).toEqual({
        ...expected,
        labels: [
          ...expected.labels,
          ...(bindAll ? [{ label: "org.timemanager.bind-all-interfaces", value: "explicit" }] : []),
        ],
      });
      expect(container.deleteBeforeReplace).toBe(true);
    },
  );

  test.each(["prometheus", "loki", "tempo", "grafana"])(
    "the %s data volume is named like the seed's and protected only in prod",
    (service) => {
      const v = only(result, VOLUME, `${service}-data`);
      expect(v.inputs).toEqual({ name: `timemanager_${service}_data`, labels: labels(service) });
      expect(v.protect).toBe(protect);
      expect(v.retainOnDelete).toBe(protect);
      // A label change must not replace a volume by one of the same name.
      expect(v.ignoreChanges).toEqual(["labels"]);
    },
  );

  test("Promtail's positions volume is kept in prod but not protected: a logShipper switch drops it", () => {
    const v = only(result, VOLUME, "promtail-data");
    expect(v.inputs).toEqual({ name: "timemanager_promtail_data", labels: labels("promtail") });
    expect(v.protect).toBe(false);
    expect(v.retainOnDelete).toBe(protect);
  });

  test("the monitoring network is created and the app network only joined", () => {
    const network = only(result, NETWORK, "networks-monitoring");
    expect(network.inputs).toEqual({
      name: "timemanager-monitoring",
      driver: "bridge",
      labels: [{ label: "com.docker.compose.project", value: "timemanager-monitoring" }],
    });
    expect(network.ignoreChanges).toEqual(["labels"]);
  });

  test("each image is pulled by its pinned tag and kept on destroy", () => {
    const images = result.resources.filter((r) => r.type === IMAGE).map((r) => r.inputs);
    expect(images).toEqual(
      expect.arrayContaining([
        { name: "prom/prometheus:v3.13.3", keepLocally: true },
        { name: "grafana/loki:3.7.6", keepLocally: true },
        { name: "grafana/promtail:3.6.11", keepLocally: true },
        { name: "grafana/tempo:3.0.3", keepLocally: true },
        { name: "ghcr.io/google/cadvisor:v0.60.5", keepLocally: true },
        { name: "grafana/grafana:13.2.3", keepLocally: true },
      ]),
    );
    expect(images).toHaveLength(6);
  });

  test("every child resource is parented to its component", () => {
    // The Grafana provider stands beside GrafanaContent, which receives it through opts.
    const children = result.resources.filter(
      (r) => !r.type.startsWith("timemanager:") && r.type !== "pulumi:providers:grafana",
    );
    for (const child of children)
      expect(child.name.startsWith(`${String(child.parent)}-`)).toBe(true);
  });

  test("the Grafana provider is the stack's own, handed to GrafanaContent", () => {
    const providers = result.resources.filter((r) => r.type === "pulumi:providers:grafana");
    expect(providers.map((p) => [p.name, p.parent])).toEqual([
      ["grafana-content-provider", undefined],
    ]);
    const content = result.resources.filter((r) => r.type.startsWith("grafana:"));
    expect(content.length).toBeGreaterThan(0);
    for (const r of content) expect(r.provider).toMatch(/::grafana-content-provider::/);
  });
});

describe("stack outputs", () => {
  test("dev outputs name every URL, the OTLP endpoints and the backend's OTEL variables", async () => {
    const { outputs } = await runDev();
    expect(outputs).toMatchObject({
      grafanaUrl: "http://localhost:3001",
      urls: {
        grafana: { host: "http://localhost:3001", internal: "http://grafana:3000" },
        prometheus: { host: "http://localhost:9090", internal: "http://prometheus:9090" },
        loki: { host: "http://localhost:3100", internal: "http://loki:3100" },
        tempo: { host: "http://localhost:3200", internal: "http://tempo:3200" },
        cadvisor: { internal: "http://cadvisor:8080" },
      },
      otlp: {
        grpc: "http://tempo:4317",
        http: "http://tempo:4318",
        hostGrpc: "http://localhost:4317",
        hostHttp: "http://localhost:4318",
      },
      backendOtelEnv: {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://tempo:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_SERVICE_NAME: "timemanager-backend",
      },
      containerNames: {
        prometheus: "timemanager-prometheus",
        loki: "timemanager-loki",
        logShipper: "timemanager-promtail",
        tempo: "timemanager-tempo",
        cadvisor: "timemanager-cadvisor",
        grafana: "timemanager-grafana",
      },
    });
  });

  test("a bind address that is not loopback or any shows up in the host URLs", async () => {
    const { outputs } = await runProgram("dev", { bindAddress: "192.0.2.10" });
    expect(outputs).toMatchObject({
      urls: { prometheus: { host: "http://192.0.2.10:9090" } },
      otlp: { hostGrpc: "http://192.0.2.10:4317" },
    });
  });
});

describe("settings reach the containers", () => {
  test("a name prefix leaves the backend's OTEL service name, the app's container name", async () => {
    // Tempo's trace-to-logs link looks service.name up as Loki's container_name, which the app's
    // compose sets, not this stack.
    const { outputs } = await runProgram("dev", { namePrefix: "tm-staging" });
    expect(outputs.backendOtelEnv).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://tempo:4317",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
      OTEL_SERVICE_NAME: "timemanager-backend",
    });
  });

  test("a name prefix renames every container, volume and the network", async () => {
    const run = await runProgram("dev", { namePrefix: "tm-staging" });
    const names = run.resources
      .filter((r) => [CONTAINER, VOLUME, NETWORK].includes(r.type))
      .map((r) => r.inputs.name as string);
    expect(names.sort()).toEqual(
      [
        "tm-staging-monitoring",
        ...["prometheus", "loki", "promtail", "tempo", "cadvisor", "grafana"].map(
          (s) => `tm-staging-${s}`,
        ),
        ...["prometheus", "loki", "promtail", "tempo", "grafana"].map(
          (s) => `tm-staging_${s}_data`,
        ),
      ].sort(),
    );
  });

  test("createAppNetwork creates the app network instead of joining it", async () => {
    const run = await runProgram("dev", { createAppNetwork: "true", appNetwork: "tm_app" });
    // A name compose would not derive: no compose labels (the app declares it external).
    expect(only(run, NETWORK, "networks-app").inputs).toEqual({
      name: "tm_app",
      driver: "bridge",
      labels: [],
    });
    expect(only(run, CONTAINER, "prometheus-container").inputs.networksAdvanced).toEqual([
      monitoring("prometheus"),
      { name: "tm_app", aliases: ["prometheus"] },
    ]);
  });

  test("a created <project>_default app network carries the labels compose adopts it by", async () => {
    // compose refuses an existing <project>_default network whose com.docker.compose.network
    // label is not "default"; with it, the app's `docker compose up` joins the network.
    const run = await runProgram("dev", { createAppNetwork: "true" });
    expect(only(run, NETWORK, "networks-app").inputs).toEqual({
      name: "time-manager_default",
      driver: "bridge",
      labels: [
        { label: "com.docker.compose.project", value: "time-manager" },
        { label: "com.docker.compose.network", value: "default" },
      ],
    });
  });

  test("retention settings reach Prometheus's flags, Loki's and Tempo's configs", async () => {
    const run = await runProgram("dev", {
      prometheusRetentionDays: "30",
      prometheusRetentionSize: "50GB",
      lokiRetentionDays: "14",
      tempoRetentionDays: "3",
    });
    expect(only(run, CONTAINER, "prometheus-container").inputs.command).toEqual(
      expect.arrayContaining([
        "--storage.tsdb.retention.time=30d",
        "--storage.tsdb.retention.size=50GB",
      ]),
    );
    expect(only(run, CONTAINER, "loki-container").inputs.uploads).toEqual([
      { file: "/etc/loki/config.yaml", content: renderLokiConfig({ retentionDays: 14 }) },
    ]);
    expect(only(run, CONTAINER, "tempo-container").inputs.uploads).toEqual([
      {
        file: "/etc/tempo.yaml",
        content: renderTempoConfig({
          retentionDays: 3,
          prometheusRemoteWriteUrl: "http://prometheus:9090/api/v1/write",
        }),
      },
    ]);
  });
});
