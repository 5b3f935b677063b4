import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { type Environment, parseValues } from "./parse";
import { SLO_DEFAULTS, splitLabel, type Values } from "./keys";

export { SettingsError, SEED_DEV_PASSWORD } from "./parse";
export type { Environment } from "./parse";

/** A published port: where on the host it binds. */
export interface HostPorts {
  readonly grafana: number;
  readonly prometheus: number;
  readonly loki: number;
  readonly tempo: number;
  readonly tempoOtlpGrpc: number;
  readonly tempoOtlpHttp: number;
}

/** Where the services run. */
export type Platform = "docker" | "kubernetes";

/** One upstream Helm chart, pinned. */
export interface ChartRef {
  /** Chart name in its repository, e.g. "kube-prometheus-stack". */
  readonly chart: string;
  /** Helm repository URL. */
  readonly repo: string;
  /** Exact chart version, e.g. "88.5.3". */
  readonly version: string;
}

/** A workload of the app that Prometheus scrapes on Kubernetes, through a PodMonitor. */
export interface PodTarget {
  /** Namespace of the app's pods. */
  readonly namespace: string;
  /** Labels the pods carry (matchLabels). */
  readonly matchLabels: Readonly<Record<string, string>>;
  /** Name of the container port serving /metrics. */
  readonly port: string;
}

/** S3-compatible object storage for Loki and Tempo. */
export interface ObjectStorage {
  /** host[:port], no scheme, e.g. "s3.eu-west-3.amazonaws.com" or "minio.storage:9000". */
  readonly endpoint: string;
  readonly region: string;
  /** Plain HTTP to the endpoint. */
  readonly insecure: boolean;
  /** Path-style bucket URLs (MinIO and most non-AWS stores). */
  readonly forcePathStyle: boolean;
  readonly buckets: {
    readonly lokiChunks: string;
    readonly lokiRuler: string;
    readonly tempo: string;
  };
  /** Pulumi secrets. */
  readonly accessKeyId: pulumi.Output<string>;
  readonly secretAccessKey: pulumi.Output<string>;
}

/** What only the Kubernetes platform reads. */
export interface KubernetesSettings {
  /** The one namespace every object of the stack goes into. */
  readonly namespace: string;
  readonly charts: {
    readonly kubePrometheusStack: ChartRef;
    readonly loki: ChartRef;
    readonly tempo: ChartRef;
    readonly alloy: ChartRef;
    readonly grafana: ChartRef;
  };
  /** StorageClass of every PVC; absent means the cluster's default class. */
  readonly storageClass?: string;
  /** PVC sizes, in GiB. */
  readonly volumeGb: {
    readonly prometheus: number;
    readonly loki: number;
    readonly tempo: number;
    readonly grafana: number;
  };
  readonly replicas: {
    readonly prometheus: number;
    /** Each of Loki's read, write and backend targets; only with object storage. */
    readonly loki: number;
  };
  /** Absent: Loki single binary and Tempo on PVCs. */
  readonly objectStorage?: ObjectStorage;
  readonly targets: { readonly backend: PodTarget; readonly traefik: PodTarget };
  /** Deploy kube-prometheus-stack's Alertmanager (off by default: Grafana alerts notify). */
  readonly alertmanager: boolean;
  /** An Ingress for Grafana at this host; absent means none (reach it by port-forward). */
  readonly grafanaIngress?: { readonly host: string; readonly className?: string };
}

/** The backend's service level objectives, the same on both platforms. */
export interface SloSettings {
  /** Percentage of requests not answered 5xx over the window, in (0, 100). */
  readonly availabilityObjective: number;
  /** Percentage of requests answered within `latencyThresholdSeconds`, in (0, 100). */
  readonly latencyObjective: number;
  /** A bucket boundary of the backend's duration histogram (BACKEND_LATENCY_BUCKETS). */
  readonly latencyThresholdSeconds: number;
  /** The window the error budgets are counted over, in days. */
  readonly windowDays: number;
}

/** The objectives of a stack that sets none (the benchmark's and the tests' too). */
export const DEFAULT_SLO: SloSettings = Object.freeze({ ...SLO_DEFAULTS });

/** Everything the program needs from the stack's configuration, validated and complete. */
export interface Settings {
  readonly project: string;
  readonly stack: string;
  readonly environment: Environment;
  readonly platform: Platform;
  /** Present exactly when `platform` is kubernetes. */
  readonly kubernetes?: KubernetesSettings;
  /** Container names are `<namePrefix>-<service>`. */
  readonly namePrefix: string;
  /** Value of the compose project label on every container. */
  readonly composeProject: string;
  readonly bindAddress: string;
  readonly hostPorts: HostPorts;
  readonly images: {
    readonly prometheus: string;
    readonly loki: string;
    readonly promtail: string;
    readonly tempo: string;
    readonly cadvisor: string;
    readonly grafana: string;
    readonly alloy: string;
  };
  readonly memoryMb: {
    readonly prometheus: number;
    readonly loki: number;
    readonly promtail: number;
    readonly tempo: number;
    readonly cadvisor: number;
    readonly grafana: number;
    readonly alloy: number;
  };
  readonly retention: {
    readonly prometheusDays: number;
    readonly prometheusSize: string;
    readonly lokiDays: number;
    readonly tempoDays: number;
  };
  readonly appNetwork: { readonly name: string; readonly create: boolean };
  readonly scrapeTargets: { readonly backend: string; readonly traefik: string };
  readonly logShipper: Values["logShipper"];
  /** Protect data volumes and retain them on destroy. */
  readonly protectData: boolean;
  readonly grafana: {
    readonly adminUser: string;
    /** Always a Pulumi secret. */
    readonly adminPassword: pulumi.Output<string>;
    /** What the Grafana provider and the outputs use. */
    readonly url: string;
    /** The SMTP server Grafana sends e-mail through; absent when smtpHost is empty. */
    readonly smtp?: {
      readonly host: string;
      readonly user: string;
      /** A Pulumi secret, when the server wants a login. */
      readonly password?: pulumi.Output<string>;
      readonly fromAddress: string;
    };
  };
  readonly alerting: {
    readonly contact: Values["alertContact"];
    /** A Pulumi secret; set when `contact` is webhook. */
    readonly webhookUrl?: pulumi.Output<string>;
    readonly emails: readonly string[];
  };
  readonly slo: SloSettings;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !pulumi.Output.isInstance(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** `key=value` labels as matchLabels. */
function labelRecord(labels: readonly string[]): Record<string, string> {
  return Object.fromEntries(labels.map(splitLabel));
}

/** What only the Kubernetes platform reads, from validated values. */
function kubernetesSettings(v: Values): KubernetesSettings {
  const chart = (chart: string, repo: string, version: string): ChartRef => ({
    chart,
    repo,
    version,
  });
  return {
    namespace: v.kubernetesNamespace,
    charts: {
      kubePrometheusStack: chart(
        v.kubePrometheusStackChart,
        v.kubePrometheusStackChartRepo,
        v.kubePrometheusStackChartVersion,
      ),
      loki: chart(v.lokiChart, v.lokiChartRepo, v.lokiChartVersion),
      tempo: chart(v.tempoChart, v.tempoChartRepo, v.tempoChartVersion),
      alloy: chart(v.alloyChart, v.alloyChartRepo, v.alloyChartVersion),
      grafana: chart(v.grafanaChart, v.grafanaChartRepo, v.grafanaChartVersion),
    },
    ...(v.storageClass === "" ? {} : { storageClass: v.storageClass }),
    volumeGb: {
      prometheus: v.prometheusVolumeGb,
      loki: v.lokiVolumeGb,
      tempo: v.tempoVolumeGb,
      grafana: v.grafanaVolumeGb,
    },
    replicas: { prometheus: v.prometheusReplicas, loki: v.lokiReplicas },
    // parseValues refuses an endpoint without its buckets and credentials.
    ...(v.objectStorageEndpoint === "" ||
    v.objectStorageAccessKeyId === undefined ||
    v.objectStorageSecretAccessKey === undefined
      ? {}
      : {
          objectStorage: {
            endpoint: v.objectStorageEndpoint,
            region: v.objectStorageRegion,
            insecure: v.objectStorageInsecure,
            forcePathStyle: v.objectStorageForcePathStyle,
            buckets: {
              lokiChunks: v.lokiChunksBucket,
              lokiRuler: v.lokiRulerBucket,
              tempo: v.tempoBucket,
            },
            accessKeyId: pulumi.secret(v.objectStorageAccessKeyId),
            secretAccessKey: pulumi.secret(v.objectStorageSecretAccessKey),
          },
        }),
    targets: {
      backend: {
        namespace: v.backendNamespace,
        matchLabels: labelRecord(v.backendPodLabels),
        port: v.backendMetricsPort,
      },
      traefik: {
        namespace: v.traefikNamespace,
        matchLabels: labelRecord(v.traefikPodLabels),
        port: v.traefikMetricsPort,
      },
    },
    alertmanager: v.alertmanager,
    ...(v.grafanaIngressHost === ""
      ? {}
      : {
          grafanaIngress: {
            host: v.grafanaIngressHost,
            ...(v.grafanaIngressClass === "" ? {} : { className: v.grafanaIngressClass }),
          },
        }),
  };
}

/** Shapes validated values into Settings; secrets become Pulumi secrets here. */
export function toSettings(v: Values, project: string, stack: string): Settings {
  return deepFreeze<Settings>({
    project,
    stack,
    environment: v.environment,
    platform: v.platform,
    ...(v.platform === "kubernetes" ? { kubernetes: kubernetesSettings(v) } : {}),
    namePrefix: v.namePrefix,
    composeProject: v.composeProject,
    bindAddress: v.bindAddress,
    hostPorts: {
      grafana: v.grafanaPort,
      prometheus: v.prometheusPort,
      loki: v.lokiPort,
      tempo: v.tempoPort,
      tempoOtlpGrpc: v.tempoOtlpGrpcPort,
      tempoOtlpHttp: v.tempoOtlpHttpPort,
    },
    images: {
      prometheus: v.prometheusImage,
      loki: v.lokiImage,
      promtail: v.promtailImage,
      tempo: v.tempoImage,
      cadvisor: v.cadvisorImage,
      grafana: v.grafanaImage,
      alloy: v.alloyImage,
    },
    memoryMb: {
      prometheus: v.prometheusMemoryMb,
      loki: v.lokiMemoryMb,
      promtail: v.promtailMemoryMb,
      tempo: v.tempoMemoryMb,
      cadvisor: v.cadvisorMemoryMb,
      grafana: v.grafanaMemoryMb,
      alloy: v.alloyMemoryMb,
    },
    retention: {
      prometheusDays: v.prometheusRetentionDays,
      prometheusSize: v.prometheusRetentionSize,
      lokiDays: v.lokiRetentionDays,
      tempoDays: v.tempoRetentionDays,
    },
    appNetwork: { name: v.appNetwork, create: v.createAppNetwork },
    scrapeTargets: { backend: v.backendTarget, traefik: v.traefikTarget },
    logShipper: v.logShipper,
    protectData: v.protectData,
    grafana: {
      adminUser: v.grafanaAdminUser,
      adminPassword: pulumi.secret(v.grafanaAdminPassword),
      url: v.grafanaUrl,
      ...(v.smtpHost === ""
        ? {}
        : {
            smtp: {
              host: v.smtpHost,
              user: v.smtpUser,
              ...(v.smtpPassword === undefined ? {} : { password: pulumi.secret(v.smtpPassword) }),
              fromAddress: v.smtpFromAddress,
            },
          }),
    },
    alerting: {
      contact: v.alertContact,
      ...(v.alertContact === "webhook" && v.alertWebhookUrl !== undefined
        ? { webhookUrl: pulumi.secret(v.alertWebhookUrl) }
        : {}),
      emails: v.alertEmails,
    },
    slo: {
      availabilityObjective: v.sloAvailabilityObjective,
      latencyObjective: v.sloLatencyObjective,
      latencyThresholdSeconds: v.sloLatencyThresholdSeconds,
      windowDays: v.sloWindowDays,
    },
  });
}

/**
 * Whether a config value was set as a secret: the list of secret keys the CLI hands the program
 * (PULUMI_CONFIG_SECRET_KEYS, "<project>:<key>" names), read by the SDK's runtime/config. The
 * SDK marks the function internal, so it is looked up, not typed.
 */
function isConfigSecret(fullKey: string): boolean {
  const lookup = (runtimeConfig as { isConfigSecret?: unknown }).isConfigSecret;
  if (typeof lookup !== "function") {
    throw new Error("@pulumi/pulumi no longer exports runtime/config isConfigSecret");
  }
  return (lookup as (key: string) => boolean)(fullKey);
}

/**
 * Reads this stack's configuration once, validates every key and returns the settings.
 * The only place in the program that reads Pulumi config.
 * @throws SettingsError before any resource is registered when a value is invalid.
 */
export function loadSettings(): Settings {
  const project = pulumi.getProject();
  const values = parseValues(pulumi.runtime.allConfig(), project, isConfigSecret, {
    host: process.env.DOCKER_HOST,
    context: process.env.DOCKER_CONTEXT,
  });
  return toSettings(values, project, pulumi.getStack());
}
