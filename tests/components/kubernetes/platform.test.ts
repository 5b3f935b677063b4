import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type * as k8sModule from "../../../components/kubernetes";
import { CADVISOR_METRIC_RELABELINGS } from "../../../components/kubernetes/adapters";
import { alloyValues } from "../../../components/kubernetes/values/alloy";
import { grafanaValues } from "../../../components/kubernetes/values/grafana";
import { kubePrometheusStackValues } from "../../../components/kubernetes/values/kube-prometheus-stack";
import { lokiValues } from "../../../components/kubernetes/values/loki";
import { tempoValues } from "../../../components/kubernetes/values/tempo";
import { ruleGroups } from "../../../components/observability/prometheus/rules";
import type * as configModule from "../../../config";
import { type ComponentRun, type Registered, runComponent } from "../../helpers/program";

/*
 * KubernetesPlatform built alone from prod settings unlike the defaults (another namespace and
 * StorageClass, object storage, SMTP with a password, Alertmanager, an Ingress, two replicas,
 * the backend elsewhere), asserting each child's type, name, options and inputs.
 */

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const NS = "observability";
const PASSWORD = "correct-horse-battery-staple";

const CONFIG: Record<string, string> = {
  environment: "prod",
  platform: "kubernetes",
  grafanaUrl: "https://grafana.example.org",
  grafanaAdminUser: "root",
  grafanaAdminPassword: PASSWORD,
  kubernetesNamespace: NS,
  storageClass: "fast-ssd",
  prometheusVolumeGb: "40",
  lokiVolumeGb: "30",
  tempoVolumeGb: "20",
  grafanaVolumeGb: "5",
  prometheusReplicas: "2",
  lokiReplicas: "2",
  prometheusRetentionDays: "10",
  prometheusRetentionSize: "30GB",
  lokiRetentionDays: "14",
  tempoRetentionDays: "3",
  prometheusMemoryMb: "2048",
  lokiMemoryMb: "1024",
  tempoMemoryMb: "1536",
  alloyMemoryMb: "384",
  grafanaMemoryMb: "768",
  alertmanager: "true",
  grafanaIngressHost: "grafana.example.org",
  grafanaIngressClass: "nginx",
  objectStorageEndpoint: "minio.storage:9000",
  objectStorageRegion: "eu-west-3",
  objectStorageInsecure: "true",
  lokiChunksBucket: "chunks",
  lokiRulerBucket: "ruler",
  tempoBucket: "traces",
  objectStorageAccessKeyId: "AKIAEXAMPLEKEY",
  objectStorageSecretAccessKey: "example-secret-access-key",
  alertContact: "email",
  alertEmails: '["oncall@example.org"]',
  smtpHost: "smtp.example.org:587",
  smtpUser: "grafana",
  smtpPassword: "smtp-s3cret",
  smtpFromAddress: "alerts@example.org",
  backendNamespace: "shop",
  backendPodLabels: '["app=api"]',
  backendMetricsPort: "metrics",
};

let run: ComponentRun;
beforeAll(async () => {
  run = await runComponent(
    (load) => {
      const { loadSettings } = load("config") as typeof configModule;
      const { KubernetesPlatform } = load("components/kubernetes") as typeof k8sModule;
      const { stack } = new KubernetesPlatform("cluster", loadSettings());
      return {
        namespace: stack.namespace,
        grafanaUrl: stack.grafanaUrl,
        prometheus: stack.urls.prometheus.internal,
        loki: stack.urls.loki.internal,
        otlpGrpc: stack.otlp.grpc,
      };
    },
    { stack: "prod", config: CONFIG },
  );
});

const resource = (name: string): Registered => {
  const found = run.resources.filter((r) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

const chart = (release: string, ref: { chart: string; repo: string; version: string }) => ({
  name: release,
  namespace: NS,
  chart: ref.chart,
  version: ref.version,
  repositoryOpts: { repo: ref.repo },
});
const storage = (sizeGb: number) => ({ sizeGb, storageClass: "fast-ssd" });
const objectStorage = {
  endpoint: "minio.storage:9000",
  region: "eu-west-3",
  insecure: true,
  forcePathStyle: true,
  credentialsSecret: "object-storage-credentials",
};

describe("KubernetesPlatform", () => {
  it("registers the namespace, three Secrets, five charts and the Operator objects", () => {
    // Every child is the platform's; the namespace comes first and holds its data in prod; the
    // charts wait for the Secrets they read, the Operator objects for the Prometheus chart's CRDs
    const shape = (r: Registered) => [
      r.name,
      r.type,
      r.parent,
      r.protect,
      r.retainOnDelete,
      [...r.dependsOn].sort(),
    ];
    const child = (name: string, type: string, dependsOn: string[], keep = false) => [
      name,
      type,
      "cluster",
      keep,
      keep,
      dependsOn.sort(),
    ];
    const CHART = "kubernetes:helm.sh/v4:Chart";
    const SECRET = "kubernetes:core/v1:Secret";
    const ns = "cluster-namespace";
    expect(
      run.resources.map(shape).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ["cluster", "timemanager:monitoring:KubernetesPlatform", undefined, false, false, []],
      child("cluster-alloy", CHART, [ns]),
      child("cluster-backend-monitor", "kubernetes:monitoring.coreos.com/v1:PodMonitor", [
        "cluster-prometheus",
      ]),
      child("cluster-grafana", CHART, [ns, "cluster-grafana-admin", "cluster-grafana-smtp"]),
      child("cluster-grafana-admin", SECRET, [ns]),
      child("cluster-grafana-smtp", SECRET, [ns]),
      child("cluster-loki", CHART, [ns, "cluster-object-storage"]),
      child(ns, "kubernetes:core/v1:Namespace", [], true),
      child("cluster-object-storage", SECRET, [ns]),
      child("cluster-prometheus", CHART, [ns]),
      child("cluster-rules", "kubernetes:monitoring.coreos.com/v1:PrometheusRule", [
        "cluster-prometheus",
      ]),
      child("cluster-tempo", CHART, [ns, "cluster-object-storage"]),
      child("cluster-traefik-monitor", "kubernetes:monitoring.coreos.com/v1:PodMonitor", [
        "cluster-prometheus",
      ]),
    ]);
  });

  it("makes the Secrets from the secret settings, their values secret", () => {
    const meta = (name: string) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: NS },
    });
    expect(resource("cluster-namespace").inputs).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NS, labels: { "app.kubernetes.io/part-of": "timemanager-monitoring" } },
    });
    expect(resource("cluster-grafana-admin").inputs).toEqual({
      ...meta("grafana-admin"),
      stringData: secret({ "admin-user": "root", "admin-password": PASSWORD }),
    });
    expect(resource("cluster-object-storage").inputs).toEqual({
      ...meta("object-storage-credentials"),
      stringData: secret({
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY",
        AWS_SECRET_ACCESS_KEY: "example-secret-access-key",
      }),
    });
    expect(resource("cluster-grafana-smtp").inputs).toEqual({
      ...meta("grafana-smtp"),
      stringData: secret({ user: "grafana", password: "smtp-s3cret" }),
    });
  });

  it("installs each chart at its pinned version with the values of its settings", () => {
    const prometheusUrl = `http://kube-prometheus-stack-prometheus.${NS}.svc:9090`;
    expect(resource("cluster-prometheus").inputs).toEqual({
      ...chart("kube-prometheus-stack", {
        chart: "kube-prometheus-stack",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "88.5.3",
      }),
      values: kubePrometheusStackValues({
        retentionDays: 10,
        retentionSize: "30GB",
        replicas: 2,
        memoryMb: 2048,
        storage: storage(40),
        alertmanager: true,
        scrapeInterval: "15s",
        cadvisorMetricRelabelings: CADVISOR_METRIC_RELABELINGS,
      }),
    });
    expect(resource("cluster-loki").inputs).toEqual({
      ...chart("loki", {
        chart: "loki",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "18.11.0",
      }),
      values: lokiValues({
        retentionDays: 14,
        memoryMb: 1024,
        storage: storage(30),
        objectStorage: { ...objectStorage, buckets: { chunks: "chunks", ruler: "ruler" } },
        replicas: 2,
        retainVolumes: true,
      }),
    });
    expect(resource("cluster-tempo").inputs).toEqual({
      ...chart("tempo", {
        chart: "tempo",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "2.2.4",
      }),
      values: tempoValues({
        retentionDays: 3,
        memoryMb: 1536,
        storage: storage(20),
        objectStorage: { ...objectStorage, bucket: "traces" },
        prometheusRemoteWriteUrl: `${prometheusUrl}/api/v1/write`,
        retainVolumes: true,
      }),
    });
    expect(resource("cluster-alloy").inputs).toEqual({
      ...chart("alloy", {
        chart: "alloy",
        repo: "https://grafana.github.io/helm-charts",
        version: "1.11.1",
      }),
      // On object storage Loki takes pushes on its write path
      values: alloyValues({
        memoryMb: 384,
        lokiPushUrl: `http://loki-write.${NS}.svc:3100/loki/api/v1/push`,
      }),
    });
    expect(resource("cluster-grafana").inputs).toEqual({
      ...chart("grafana", {
        chart: "grafana",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "12.11.1",
      }),
      values: grafanaValues({
        memoryMb: 768,
        storage: storage(5),
        adminSecret: "grafana-admin",
        rootUrl: "https://grafana.example.org",
        ingress: { host: "grafana.example.org", className: "nginx" },
        smtp: {
          host: "smtp.example.org:587",
          user: "grafana",
          fromAddress: "alerts@example.org",
          passwordSecret: { name: "grafana-smtp", key: "password" },
        },
      }),
    });
  });

  it("scrapes the backend where its settings say, and loads every rule group", () => {
    expect(resource("cluster-backend-monitor").inputs).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: { name: "timemanager-backend", namespace: NS },
      spec: {
        namespaceSelector: { matchNames: ["shop"] },
        selector: { matchLabels: { app: "api" } },
        podMetricsEndpoints: [
          {
            port: "metrics",
            path: "/metrics",
            interval: "15s",
            relabelings: [{ action: "replace", targetLabel: "job", replacement: "backend" }],
          },
        ],
      },
    });
    expect(resource("cluster-traefik-monitor").inputs).toMatchObject({
      metadata: { name: "timemanager-traefik", namespace: NS },
      spec: {
        namespaceSelector: { matchNames: ["traefik"] },
        selector: { matchLabels: { "app.kubernetes.io/name": "traefik" } },
      },
    });
    const rule = resource("cluster-rules").inputs as { spec: { groups: { name: string }[] } };
    expect(rule.spec.groups.map((g) => g.name)).toEqual([
      "timemanager-recording",
      "timemanager",
      "timemanager-slo",
    ]);
    expect(rule.spec.groups).toEqual(
      ruleGroups({
        slo: {
          availabilityObjective: 99.5,
          latencyObjective: 99,
          latencyThresholdSeconds: 1,
          windowDays: 30,
        },
      }),
    );
  });

  it("gives the in-cluster URLs: Loki's read path on object storage", () => {
    expect(run.outputs).toEqual({
      namespace: NS,
      grafanaUrl: "https://grafana.example.org",
      prometheus: `http://kube-prometheus-stack-prometheus.${NS}.svc:9090`,
      loki: `http://loki-read.${NS}.svc:3100`,
      otlpGrpc: `http://tempo.${NS}.svc:4317`,
    });
  });
});
