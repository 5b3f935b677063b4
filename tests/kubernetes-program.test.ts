import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { parse } from "yaml";
import { retainVolumeClaims } from "../components/kubernetes";
import { renderRules } from "../components/observability/prometheus/rules";
import { type ProgramRun, type Registered, runProgram, stackFileConfig } from "./helpers/program";
import { DEFAULT_SLO } from "../config";

/** How a Pulumi secret reaches a provider: the value wrapped in the secret signature. */
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

const PROD_PASSWORD = "correct-horse-battery-staple";
const GRAFANA_URL = "https://grafana.example.com";
const KUBERNETES = { platform: "kubernetes", grafanaUrl: GRAFANA_URL };

const CHART = "kubernetes:helm.sh/v4:Chart";
const SECRET = "kubernetes:core/v1:Secret";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

/** Object storage fully configured, credentials set as secrets. */
const STORAGE = {
  objectStorageEndpoint: "minio.storage:9000",
  lokiChunksBucket: "tm-loki-chunks",
  lokiRulerBucket: "tm-loki-ruler",
  tempoBucket: "tm-tempo",
  objectStorageAccessKeyId: "AKIAEXAMPLEKEY",
  objectStorageSecretAccessKey: "example-secret-access-key",
};
const STORAGE_SECRETS = ["objectStorageAccessKeyId", "objectStorageSecretAccessKey"];

function runKubernetesDev(extra: Record<string, string> = {}, secrets: string[] = []) {
  return runProgram("dev", { ...stackFileConfig("dev"), ...KUBERNETES, ...extra }, secrets);
}
function runKubernetesProd(extra: Record<string, string> = {}, secrets: string[] = []) {
  return runProgram(
    "prod",
    { ...stackFileConfig("prod"), ...KUBERNETES, grafanaAdminPassword: PROD_PASSWORD, ...extra },
    ["grafanaAdminPassword", ...secrets],
  );
}
function runDockerDev() {
  return runProgram("dev", { ...stackFileConfig("dev"), grafanaUrl: GRAFANA_URL });
}

function only(run: ProgramRun, type: string, name: string): Registered {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("platform kubernetes, dev with only platform and grafanaUrl set", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runKubernetesDev();
  });

  it("registers no Docker resource", () => {
    expect(run.resources.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
    expect(run.resources.filter((r) => r.type.startsWith("pulumi:providers:docker"))).toEqual([]);
  });

  it("registers exactly the platform, its namespace, the admin Secret, five charts and three Operator objects", () => {
    const kubernetes = run.resources
      .filter((r) => r.type.startsWith("kubernetes:") || r.type.includes("KubernetesPlatform"))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(kubernetes).toEqual(
      [
        "timemanager:monitoring:KubernetesPlatform kubernetes",
        `${NAMESPACE} kubernetes-namespace`,
        `${SECRET} kubernetes-grafana-admin`,
        `${CHART} kubernetes-prometheus`,
        `${CHART} kubernetes-loki`,
        `${CHART} kubernetes-tempo`,
        `${CHART} kubernetes-alloy`,
        `${CHART} kubernetes-grafana`,
        `${POD_MONITOR} kubernetes-backend-monitor`,
        `${POD_MONITOR} kubernetes-traefik-monitor`,
        `${PROMETHEUS_RULE} kubernetes-rules`,
      ].sort(),
    );
  });

  it.each([
    [
      "kubernetes-prometheus",
      "kube-prometheus-stack",
      "https://prometheus-community.github.io/helm-charts",
      "88.5.3",
    ],
    ["kubernetes-loki", "loki", "https://grafana-community.github.io/helm-charts", "18.11.0"],
    ["kubernetes-tempo", "tempo", "https://grafana-community.github.io/helm-charts", "2.2.4"],
    ["kubernetes-alloy", "alloy", "https://grafana.github.io/helm-charts", "1.11.1"],
    ["kubernetes-grafana", "grafana", "https://grafana-community.github.io/helm-charts", "12.11.1"],
  ])(
    "%s installs chart %s from %s at %s into the monitoring namespace",
    (name, chart, repo, version) => {
      const { inputs, dependsOn, parent } = only(run, CHART, name);
      expect(inputs).toMatchObject({
        chart,
        version,
        repositoryOpts: { repo },
        namespace: "monitoring",
      });
      expect(parent).toBe("kubernetes");
      expect(dependsOn).toContain("kubernetes-namespace");
    },
  );

  it("names each Helm release after its service", () => {
    const releases = run.resources
      .filter((r) => r.type === CHART)
      .map((r) => [r.name, r.inputs.name]);
    expect(Object.fromEntries(releases)).toEqual({
      "kubernetes-prometheus": "kube-prometheus-stack",
      "kubernetes-loki": "loki",
      "kubernetes-tempo": "tempo",
      "kubernetes-alloy": "alloy",
      "kubernetes-grafana": "grafana",
    });
  });

  it("creates the namespace without protection in dev", () => {
    const ns = only(run, NAMESPACE, "kubernetes-namespace");
    expect(ns.inputs).toMatchObject({ metadata: { name: "monitoring" } });
    expect([ns.protect, ns.retainOnDelete]).toEqual([false, false]);
  });

  it("turns the admin password into a Kubernetes Secret whose data is a Pulumi secret", () => {
    const { inputs } = only(run, SECRET, "kubernetes-grafana-admin");
    expect(inputs.metadata).toEqual({ name: "grafana-admin", namespace: "monitoring" });
    expect(inputs.stringData).toEqual(secret({ "admin-user": "admin", "admin-password": "admin" }));
  });

  it("points the Grafana chart at that Secret, never at the password", () => {
    const values = JSON.stringify(only(run, CHART, "kubernetes-grafana").inputs.values);
    expect(values).toContain('"existingSecret":"grafana-admin"');
    expect(values).not.toContain('"admin"}');
  });

  it("scrapes the backend and Traefik through PodMonitors that keep the Docker job names", () => {
    const monitor = (target: string, namespace: string, labels: object, port: string) => ({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: `timemanager-${target}`, namespace: "monitoring" },
      spec: {
        namespaceSelector: { matchNames: [namespace] },
        selector: { matchLabels: labels },
        podMetricsEndpoints: [
          {
            port,
            path: "/metrics",
            interval: "15s",
            relabelings: [{ targetLabel: "job", replacement: target, action: "replace" }],
          },
        ],
      },
    });
    expect(only(run, POD_MONITOR, "kubernetes-backend-monitor").inputs).toEqual(
      monitor(
        "backend",
        "time-manager",
        { "app.kubernetes.io/name": "timemanager-backend" },
        "http",
      ),
    );
    expect(only(run, POD_MONITOR, "kubernetes-traefik-monitor").inputs).toEqual(
      monitor("traefik", "traefik", { "app.kubernetes.io/name": "traefik" }, "metrics"),
    );
  });

  it("loads exactly the rule groups of the Docker Prometheus's rules file, in one PrometheusRule", () => {
    const { inputs } = only(run, PROMETHEUS_RULE, "kubernetes-rules");
    expect(inputs).toMatchObject({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { namespace: "monitoring" },
    });
    expect((inputs.spec as { groups: unknown }).groups).toEqual(
      (parse(renderRules({ slo: DEFAULT_SLO })) as { groups: unknown }).groups,
    );
  });

  it("creates the Operator objects after the chart that brings their CRDs", () => {
    for (const [type, name] of [
      [POD_MONITOR, "kubernetes-backend-monitor"],
      [POD_MONITOR, "kubernetes-traefik-monitor"],
      [PROMETHEUS_RULE, "kubernetes-rules"],
    ])
      expect(only(run, type, name).dependsOn).toContain("kubernetes-prometheus");
  });

  it("gives Grafana the cluster's service names as datasource URLs", () => {
    const urls: Record<string, unknown> = Object.fromEntries(
      run.resources
        .filter((r) => r.type === "grafana:oss/dataSource:DataSource")
        .map((r) => [String(r.inputs.type), r.inputs.url]),
    );
    expect(urls).toEqual({
      prometheus: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
      loki: "http://loki.monitoring.svc:3100",
      tempo: "http://tempo.monitoring.svc:3200",
    });
  });

  it("waits for the Grafana chart before the Grafana provider and content", () => {
    expect(only(run, "pulumi:providers:grafana", "grafana-content-provider").dependsOn).toEqual([
      "kubernetes-grafana",
    ]);
    expect(only(run, "timemanager:monitoring:GrafanaContent", "grafana-content").dependsOn).toEqual(
      ["kubernetes-grafana"],
    );
  });

  it("exports the cluster URLs, the OTLP endpoints and the releases", () => {
    expect(run.outputs).toMatchObject({
      grafanaUrl: GRAFANA_URL,
      urls: {
        grafana: { host: GRAFANA_URL, internal: "http://grafana.monitoring.svc:3000" },
        prometheus: { internal: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090" },
        loki: { internal: "http://loki.monitoring.svc:3100" },
        tempo: { internal: "http://tempo.monitoring.svc:3200" },
      },
      otlp: { grpc: "http://tempo.monitoring.svc:4317", http: "http://tempo.monitoring.svc:4318" },
      backendOtelEnv: {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://tempo.monitoring.svc:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_SERVICE_NAME: "timemanager-backend",
      },
      namespace: "monitoring",
    });
    expect(run.outputs.containerNames).toBeUndefined();
  });
});

describe("platform kubernetes, prod", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runKubernetesProd();
  });

  it("protects the namespace and keeps it on destroy: deleting it would delete every PVC", () => {
    const ns = only(run, NAMESPACE, "kubernetes-namespace");
    expect([ns.protect, ns.retainOnDelete]).toEqual([true, true]);
  });

  it("puts the prod password in the admin Secret as a Pulumi secret", () => {
    expect(only(run, SECRET, "kubernetes-grafana-admin").inputs.stringData).toEqual(
      secret({ "admin-user": "admin", "admin-password": PROD_PASSWORD }),
    );
  });

  it("keeps the password out of every chart's values", () => {
    for (const chart of run.resources.filter((r) => r.type === CHART))
      expect(JSON.stringify(chart.inputs.values)).not.toContain(PROD_PASSWORD);
  });
});

describe("platform kubernetes with object storage", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runKubernetesDev(STORAGE, STORAGE_SECRETS);
  });

  it("turns the credentials into a Kubernetes Secret whose data is a Pulumi secret", () => {
    const { inputs } = only(run, SECRET, "kubernetes-object-storage");
    expect(inputs.stringData).toEqual(
      secret({
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY",
        AWS_SECRET_ACCESS_KEY: "example-secret-access-key",
      }),
    );
  });

  it("never writes a credential into chart values", () => {
    for (const chart of run.resources.filter((r) => r.type === CHART)) {
      const values = JSON.stringify(chart.inputs.values);
      expect(values).not.toContain("AKIAEXAMPLEKEY");
      expect(values).not.toContain("example-secret-access-key");
    }
  });

  it("installs Loki and Tempo after the Secret they read", () => {
    expect(only(run, CHART, "kubernetes-loki").dependsOn).toContain("kubernetes-object-storage");
    expect(only(run, CHART, "kubernetes-tempo").dependsOn).toContain("kubernetes-object-storage");
  });

  it("queries Loki's read path and pushes to its write path", () => {
    const loki = run.resources.find(
      (r) => r.type === "grafana:oss/dataSource:DataSource" && r.inputs.type === "loki",
    );
    expect(loki?.inputs.url).toBe("http://loki-read.monitoring.svc:3100");
    const alloy = JSON.stringify(only(run, CHART, "kubernetes-alloy").inputs.values);
    expect(alloy).toContain("http://loki-write.monitoring.svc:3100/loki/api/v1/push");
  });
});

describe("content written once", () => {
  let docker: ProgramRun;
  let kubernetes: ProgramRun;
  beforeAll(async () => {
    docker = await runDockerDev();
    kubernetes = await runKubernetesDev();
  });

  it("renders the same dashboard JSON, byte for byte, on both platforms", () => {
    const json = (run: ProgramRun) =>
      only(run, "grafana:oss/dashboard:Dashboard", "grafana-content-dashboard").inputs.configJson;
    expect(typeof json(docker)).toBe("string");
    expect(json(kubernetes)).toBe(json(docker));
  });

  it("creates the same Grafana alert rule group on both platforms", () => {
    const group = (run: ProgramRun) =>
      JSON.stringify(
        only(run, "grafana:alerting/ruleGroup:RuleGroup", "grafana-content-alerts").inputs,
      );
    expect(group(kubernetes)).toBe(group(docker));
  });

  it("gives the datasources the same settings on both platforms, but for their URLs", () => {
    const withoutUrl = (run: ProgramRun) =>
      run.resources
        .filter((r) => r.type === "grafana:oss/dataSource:DataSource")
        .map((r) => JSON.stringify({ ...r.inputs, url: undefined }));
    expect(withoutUrl(kubernetes)).toEqual(withoutUrl(docker));
  });
});

describe("retainVolumeClaims, the prod transform of chart children", () => {
  const args = (type: string) => ({
    type,
    name: "data",
    custom: true,
    props: { spec: {} },
    opts: { protect: false },
  });

  it("protects a PersistentVolumeClaim and keeps it on delete", () => {
    expect(retainVolumeClaims(args("kubernetes:core/v1:PersistentVolumeClaim"))).toEqual({
      props: { spec: {} },
      opts: { protect: true, retainOnDelete: true },
    });
  });

  it("leaves every other kind alone", () => {
    expect(retainVolumeClaims(args("kubernetes:apps/v1:StatefulSet"))).toBeUndefined();
  });
});

describe("every object the program registers outside the charts, against its real schema", () => {
  /** The inputs as the API server would get them: Pulumi's secret wrapping removed. */
  const plain = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(plain);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return plain(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, plain(v)]));
  };
  const VALIDATE: Record<string, (object: never) => { validate(): void }> = {
    [NAMESPACE]: (o) => new Namespace(o),
    [SECRET]: (o) => new Secret(o),
    [POD_MONITOR]: (o) => new PodMonitor(o),
    [PROMETHEUS_RULE]: (o) => new PrometheusRule(o),
  };
  const manifest = (r: Registered) => {
    const [group, version] = r.type.split(":")[1].split("/");
    const kind = r.type.split(":")[2];
    return {
      apiVersion: group === "core" ? version : `${group}/${version}`,
      kind,
      ...(plain(r.inputs) as Record<string, unknown>),
    };
  };
  let objects: Registered[];
  beforeAll(async () => {
    const dev = await runKubernetesProd(
      {
        ...STORAGE,
        smtpHost: "smtp.example.com:587",
        smtpUser: "grafana",
        smtpPassword: "smtp-secret-value",
        smtpFromAddress: "grafana@example.com",
      },
      [...STORAGE_SECRETS, "smtpPassword"],
    );
    objects = dev.resources.filter((r) => r.type in VALIDATE);
  });

  it("registers the namespace, three Secrets, two PodMonitors and the PrometheusRule", () => {
    expect(objects.map((r) => r.name).sort()).toEqual([
      "kubernetes-backend-monitor",
      "kubernetes-grafana-admin",
      "kubernetes-grafana-smtp",
      "kubernetes-namespace",
      "kubernetes-object-storage",
      "kubernetes-rules",
      "kubernetes-traefik-monitor",
    ]);
  });

  it("validates each of them", () => {
    for (const r of objects) {
      const object = manifest(r);
      expect(() => {
        VALIDATE[r.type](object as never).validate();
      }).not.toThrow();
    }
  });

  it("would refuse a Secret whose data is not a string map", () => {
    const secretObject = objects.find((r) => r.type === SECRET);
    const broken = { ...manifest(secretObject as Registered), stringData: { key: 1 } };
    expect(() => {
      new Secret(broken as never).validate();
    }).toThrow(/stringData/);
  });
});
