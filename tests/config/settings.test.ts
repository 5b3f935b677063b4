import * as pulumi from "@pulumi/pulumi";
import { toSettings } from "../../config";
import { parseValues } from "../../config/parse";
import { configMap, PROD_PASSWORD, PROJECT, SECRETS_SET_AS_SECRETS } from "./values";

/** Settings for `settings` (keys without the project prefix), as the stack "test" gets them. */
function settingsOf(settings: Record<string, string>) {
  return toSettings(
    parseValues(configMap(settings), PROJECT, SECRETS_SET_AS_SECRETS),
    PROJECT,
    "test",
  );
}

/** An Output's secrecy and value. */
async function reveal<T>(output: pulumi.Output<T>): Promise<{ secret: boolean; value: T }> {
  const value = await new Promise<T>((resolve) => output.apply(resolve));
  return { secret: await pulumi.isSecret(output), value };
}

/** Paths of the objects and arrays under `value` that are not frozen; Outputs are left alone. */
function unfrozen(value: unknown, at = "settings"): string[] {
  if (value === null || typeof value !== "object" || pulumi.Output.isInstance(value)) return [];
  const children = Object.entries(value).flatMap(([k, v]) => unfrozen(v, `${at}.${k}`));
  return Object.isFrozen(value) ? children : [at, ...children];
}

describe("toSettings", () => {
  it("groups the dev defaults by what they configure", () => {
    // Given a dev stack with no config
    const settings = settingsOf({});

    // When its settings are built
    const { grafana, alerting, ...plain } = settings;

    // Then every value sits in its group
    expect({ plain, adminUser: grafana.adminUser, url: grafana.url, alerting }).toEqual({
      plain: {
        project: PROJECT,
        stack: "test",
        environment: "dev",
        platform: "docker",
        namePrefix: "timemanager",
        composeProject: "timemanager-monitoring",
        bindAddress: "0.0.0.0",
        hostPorts: {
          grafana: 3001,
          prometheus: 9090,
          loki: 3100,
          tempo: 3200,
          tempoOtlpGrpc: 4317,
          tempoOtlpHttp: 4318,
        },
        images: {
          prometheus: "prom/prometheus:v3.13.3",
          loki: "grafana/loki:3.7.6",
          promtail: "grafana/promtail:3.6.11",
          tempo: "grafana/tempo:3.0.3",
          cadvisor: "ghcr.io/google/cadvisor:v0.60.5",
          grafana: "grafana/grafana:13.2.3",
          alloy: "grafana/alloy:v1.20.1",
        },
        memoryMb: {
          prometheus: 1024,
          loki: 512,
          promtail: 256,
          tempo: 1024,
          cadvisor: 256,
          grafana: 512,
          alloy: 256,
        },
        retention: { prometheusDays: 15, prometheusSize: "10GB", lokiDays: 7, tempoDays: 7 },
        appNetwork: { name: "time-manager_default", create: false },
        scrapeTargets: { backend: "backend:8080", traefik: "traefik:8082" },
        logShipper: "promtail",
        protectData: false,
        slo: {
          availabilityObjective: 99.5,
          latencyObjective: 99,
          latencyThresholdSeconds: 1,
          windowDays: 30,
        },
      },
      adminUser: "admin",
      url: "http://localhost:3001",
      alerting: { contact: "none", emails: [] },
    });
  });

  it("gives a docker stack no Kubernetes settings", () => {
    // Given a dev stack with no config
    const settings = settingsOf({});

    // When its top-level keys are listed
    const keys = Object.keys(settings);

    // Then they are Docker's and the platform-neutral ones, without kubernetes
    expect(keys).toEqual([
      "project",
      "stack",
      "environment",
      "platform",
      "namePrefix",
      "composeProject",
      "bindAddress",
      "hostPorts",
      "images",
      "memoryMb",
      "retention",
      "appNetwork",
      "scrapeTargets",
      "logShipper",
      "protectData",
      "grafana",
      "alerting",
      "slo",
    ]);
  });

  it("returns a deeply frozen object", () => {
    // Given e-mail alerting, so that the settings hold a non-empty list too
    const settings = settingsOf({
      alertContact: "email",
      alertEmails: '["oncall@example.org"]',
      smtpHost: "smtp.example.org:587",
    });

    // When every object and array in it is checked
    const mutable = unfrozen(settings);

    // Then none can be changed
    expect(mutable).toEqual([]);
  });

  it("refuses a change to a nested value", () => {
    // Given the dev settings
    const settings = settingsOf({});

    // When a nested value is assigned
    const assign = () => {
      (settings.hostPorts as { grafana: number }).grafana = 80;
    };

    // Then strict mode throws
    expect(assign).toThrow(TypeError);
  });

  it("carries the admin password as a Pulumi secret", async () => {
    // Given prod with a password
    const settings = settingsOf({ environment: "prod", grafanaAdminPassword: PROD_PASSWORD });

    // When the password output is revealed
    const password = await reveal(settings.grafana.adminPassword);

    // Then it is the password, marked secret
    expect(password).toEqual({ secret: true, value: PROD_PASSWORD });
  });

  it("carries the seed's dev password as a Pulumi secret too", async () => {
    // Given a dev stack with no config
    const settings = settingsOf({});

    // When the password output is revealed
    const password = await reveal(settings.grafana.adminPassword);

    // Then it is the seed's, still marked secret
    expect(password).toEqual({ secret: true, value: "admin" });
  });

  it("carries the webhook URL as a Pulumi secret for a webhook contact", async () => {
    // Given webhook alerting
    const settings = settingsOf({
      alertContact: "webhook",
      alertWebhookUrl: "https://hooks.example.org/t0ken",
    });

    // When the webhook URL is revealed
    const { webhookUrl } = settings.alerting;
    const revealed = webhookUrl && (await reveal(webhookUrl));

    // Then it is the URL, marked secret
    expect(revealed).toEqual({ secret: true, value: "https://hooks.example.org/t0ken" });
  });

  test.each<{ contact: string; settings: Record<string, string>; emails: string[] }>([
    { contact: "none", settings: {}, emails: [] },
    {
      contact: "email",
      settings: {
        alertContact: "email",
        alertEmails: '["oncall@example.org"]',
        smtpHost: "smtp.example.org:587",
        alertWebhookUrl: "https://hooks.example.org/unused",
      },
      emails: ["oncall@example.org"],
    },
  ])("has no webhook URL for contact $contact", ({ contact, settings, emails }) => {
    // Given a non-webhook contact (a webhook URL set beside e-mail is ignored)

    // When its alerting settings are built
    const { alerting } = settingsOf(settings);

    // Then they hold the contact and addresses only
    expect(alerting).toStrictEqual({ contact, emails });
  });
});

/** A Kubernetes stack's settings: `platform`, the grafanaUrl it requires, then `settings`. */
function kubernetesOf(settings: Record<string, string> = {}) {
  return settingsOf({ platform: "kubernetes", grafanaUrl: "http://localhost:3000", ...settings });
}

const CHARTS = {
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.5.3",
  },
  loki: {
    chart: "loki",
    repo: "https://grafana-community.github.io/helm-charts",
    version: "18.11.0",
  },
  tempo: {
    chart: "tempo",
    repo: "https://grafana-community.github.io/helm-charts",
    version: "2.2.4",
  },
  alloy: { chart: "alloy", repo: "https://grafana.github.io/helm-charts", version: "1.11.1" },
  grafana: {
    chart: "grafana",
    repo: "https://grafana-community.github.io/helm-charts",
    version: "12.11.1",
  },
};

const TARGETS = {
  backend: {
    namespace: "time-manager",
    matchLabels: { "app.kubernetes.io/name": "timemanager-backend" },
    port: "http",
  },
  traefik: {
    namespace: "traefik",
    matchLabels: { "app.kubernetes.io/name": "traefik" },
    port: "metrics",
  },
};

const OBJECT_STORAGE = {
  objectStorageEndpoint: "minio.storage:9000",
  objectStorageRegion: "eu-west-3",
  objectStorageInsecure: "true",
  objectStorageForcePathStyle: "false",
  lokiChunksBucket: "loki-chunks",
  lokiRulerBucket: "loki-ruler",
  tempoBucket: "tempo-traces",
  objectStorageAccessKeyId: "AKIAEXAMPLE",
  objectStorageSecretAccessKey: "s3cr3t-access-key",
};

describe("toSettings on Kubernetes", () => {
  it("fills the Kubernetes settings with the defaults, without the optional parts", () => {
    // Given a kubernetes stack with only platform and grafanaUrl
    const settings = kubernetesOf();

    // When its platform settings are read
    const { platform, kubernetes } = settings;

    // Then every default is there, and no storage class, object storage or Ingress
    expect({ platform, kubernetes }).toStrictEqual({
      platform: "kubernetes",
      kubernetes: {
        namespace: "monitoring",
        charts: CHARTS,
        volumeGb: { prometheus: 20, loki: 10, tempo: 10, grafana: 2 },
        replicas: { prometheus: 1, loki: 3 },
        targets: TARGETS,
        alertmanager: false,
      },
    });
  });

  it("carries every Kubernetes setting the stack gives, object storage aside", () => {
    // Given a kubernetes stack that sets its Kubernetes settings
    const settings = kubernetesOf({
      ...OBJECT_STORAGE,
      kubernetesNamespace: "observability",
      lokiChartVersion: "18.12.0",
      storageClass: "fast-ssd",
      prometheusVolumeGb: "100",
      prometheusReplicas: "2",
      lokiReplicas: "5",
      backendNamespace: "apps",
      backendPodLabels: '["app.kubernetes.io/name=api","tier=backend"]',
      backendMetricsPort: "metrics",
      alertmanager: "true",
      grafanaIngressHost: "grafana.example.org",
      grafanaIngressClass: "nginx",
    });

    // When the Kubernetes settings, their object storage's endpoint and the Grafana URL are read
    const { objectStorage, ...kubernetes } = settings.kubernetes ?? {};
    const endpoint = objectStorage?.endpoint;

    // Then each value sits in its group, the labels as matchLabels (object storage: next test)
    expect({ url: settings.grafana.url, endpoint, kubernetes }).toStrictEqual({
      url: "http://localhost:3000",
      endpoint: "minio.storage:9000",
      kubernetes: {
        namespace: "observability",
        charts: { ...CHARTS, loki: { ...CHARTS.loki, version: "18.12.0" } },
        storageClass: "fast-ssd",
        volumeGb: { prometheus: 100, loki: 10, tempo: 10, grafana: 2 },
        replicas: { prometheus: 2, loki: 5 },
        targets: {
          ...TARGETS,
          backend: {
            namespace: "apps",
            matchLabels: { "app.kubernetes.io/name": "api", tier: "backend" },
            port: "metrics",
          },
        },
        alertmanager: true,
        grafanaIngress: { host: "grafana.example.org", className: "nginx" },
      },
    });
  });

  it("carries the object storage with its credentials as Pulumi secrets", async () => {
    // Given a kubernetes stack with object storage
    const settings = kubernetesOf(OBJECT_STORAGE);

    // When the object storage is read and its credentials revealed
    const { accessKeyId, secretAccessKey, ...storage } = settings.kubernetes?.objectStorage ?? {};
    const credentials = accessKeyId &&
      secretAccessKey && {
        accessKeyId: await reveal(accessKeyId),
        secretAccessKey: await reveal(secretAccessKey),
      };

    // Then the plain values are kept and both credentials are marked secret
    expect({ storage, credentials }).toStrictEqual({
      storage: {
        endpoint: "minio.storage:9000",
        region: "eu-west-3",
        insecure: true,
        forcePathStyle: false,
        buckets: { lokiChunks: "loki-chunks", lokiRuler: "loki-ruler", tempo: "tempo-traces" },
      },
      credentials: {
        accessKeyId: { secret: true, value: "AKIAEXAMPLE" },
        secretAccessKey: { secret: true, value: "s3cr3t-access-key" },
      },
    });
  });

  it("gives an Ingress without a class the cluster's default class", () => {
    // Given an Ingress host and no class
    const settings = kubernetesOf({ grafanaIngressHost: "grafana.example.org" });

    // When the Ingress settings are read
    const ingress = settings.kubernetes?.grafanaIngress;

    // Then there is a host and no className
    expect(ingress).toStrictEqual({ host: "grafana.example.org" });
  });

  it("returns deeply frozen Kubernetes settings", () => {
    // Given a kubernetes stack with object storage and an Ingress
    const settings = kubernetesOf({
      ...OBJECT_STORAGE,
      grafanaIngressHost: "grafana.example.org",
    });

    // When every object in it is checked
    const mutable = unfrozen(settings);

    // Then none can be changed
    expect(mutable).toEqual([]);
  });
});
