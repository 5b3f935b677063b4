import { isIP } from "node:net";
import { z } from "zod";
import { BACKEND_LATENCY_BUCKETS } from "./conventions";

/**
 * Every stack setting this program reads: its Pulumi type, its schema, its default and what is
 * allowed, in words. `Pulumi.yaml` declares the keys with a static default (a test keeps the two
 * identical), so a user sees them in `pulumi config` without reading code. It cannot declare the
 * others: the Pulumi CLI refuses to run a stack that lacks a value for a declared key with no
 * default, and a declared secret's default would be plaintext. Those are listed in the README.
 */

/**
 * How a raw config string is turned into a value before the schema sees it. Pulumi's project
 * config has no type for decimals: Pulumi.yaml declares a `number` key as a string.
 */
export type ConfigType = "string" | "integer" | "number" | "boolean" | "array";

/** The type Pulumi.yaml declares for a key of `type`, and its default there. */
export function projectDeclaration(
  type: ConfigType,
  value: unknown,
): { readonly type: Exclude<ConfigType, "number">; readonly default: unknown } {
  return type === "number" ? { type: "string", default: String(value) } : { type, default: value };
}

export interface KeySpec<S extends z.ZodType = z.ZodType> {
  /** Pulumi project-level config type, as declared in Pulumi.yaml. */
  readonly type: ConfigType;
  /** Shown by `pulumi config` and in the README's settings table. */
  readonly description: string;
  /** What a valid value looks like, quoted in every error about this key. */
  readonly allowed: string;
  /** The schema of a present value (defaults are applied separately). */
  readonly schema: S;
  /** Same for every stack; absent when the default depends on `environment`. */
  readonly default?: z.output<S>;
  /** Set with `pulumi config set --secret`; never echoed in an error. */
  readonly secret?: true;
  /** The only platform the key means something on; absent: both. */
  readonly platform?: Platform;
}

const spec = <S extends z.ZodType>(s: KeySpec<S>): KeySpec<S> => s;

const port = z.int().min(1).max(65535);
const PORT_ALLOWED = "an integer from 1 to 65535";
const days = z.int().min(1).max(3650);
const DAYS_ALLOWED = "a whole number of days from 1 to 3650";
const memory = z.int().min(32).max(262144);
const MEMORY_ALLOWED = "a whole number of MiB from 32 to 262144";

/**
 * `[registry[:port]/]path:tag[@sha256:digest]`, tag required. Docker's reference grammar, with
 * the tag made mandatory so every deployment is reproducible.
 */
const IMAGE_RE =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(?:@sha256:[a-f0-9]{64})?$/;
const image = z
  .string()
  .regex(IMAGE_RE)
  .refine((ref) => IMAGE_RE.exec(ref)?.[1] !== "latest");
const IMAGE_ALLOWED =
  'an image reference with a pinned tag, e.g. "grafana/loki:3.7.6" (not "latest")';

const dockerName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
const DOCKER_NAME_ALLOWED = "letters, digits, '_', '.', '-', starting with a letter or digit";

const hostPort = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?:[0-9]{1,5}$/);
const HOST_PORT_ALLOWED = 'host:port as another container reaches it, e.g. "backend:8080"';

const httpUrl = z.url({ protocol: /^https?$/ });
const HTTP_URL_ALLOWED = 'an http(s) URL, e.g. "http://localhost:3001"';

const bindAddress = z.string().refine((a) => isIP(a) !== 0);

const platform = z.enum(["docker", "kubernetes"]);
type Platform = z.output<typeof platform>;

/** Kubernetes object names (namespaces, Services): RFC 1123 labels, as the API server checks. */
const DNS_LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const dnsLabel = z.string().max(63).regex(DNS_LABEL_RE);
const DNS_LABEL_ALLOWED =
  "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** RFC 1123 subdomain: StorageClass and IngressClass names, Ingress hosts, label key prefixes. */
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const dnsSubdomain = z.string().max(253).regex(DNS_SUBDOMAIN_RE);
const DNS_SUBDOMAIN_ALLOWED =
  "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit, at most 253 characters";

/** Helm's best practice for chart names: lowercase words separated by dashes. */
const chartName = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);
const CHART_NAME_ALLOWED = "lowercase letters and digits, words separated by '-'";

const OCI_RE = /^oci:\/\/[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const chartRepo = z.union([z.url({ protocol: /^https$/ }), z.string().regex(OCI_RE)]);
const CHART_REPO_ALLOWED =
  'an https URL of a Helm repository, e.g. "https://grafana.github.io/helm-charts", or an OCI reference, e.g. "oci://ghcr.io/example/charts"';

/** semver.org's regular expression: one exact version, so a range or "latest" never matches. */
const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const chartVersion = z.string().regex(SEMVER_RE);
const CHART_VERSION_ALLOWED =
  'an exact chart version, e.g. "88.5.3" (not a range such as "^88" or "88.x", nor "latest")';

const volumeGb = z.int().min(1).max(65536);
const VOLUME_ALLOWED = "a whole number of GiB from 1 to 65536";

/** A label key: [prefix/]name, the prefix a DNS subdomain (apimachinery IsQualifiedName). */
const LABEL_NAME_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const [prefix, name] =
    slash === -1 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && !dnsSubdomain.safeParse(prefix).success) return false;
  return name.length <= 63 && LABEL_NAME_RE.test(name);
}
/** A Kubernetes label value: empty, or at most 63 characters of the label name alphabet. */
function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && LABEL_NAME_RE.test(value));
}
/** `key=value`, split at the first '='. */
export function splitLabel(label: string): [string, string] {
  const at = label.indexOf("=");
  return [label.slice(0, at), label.slice(at + 1)];
}
const podLabels = z
  .array(
    z.string().refine((label) => {
      if (!label.includes("=")) return false;
      const [key, value] = splitLabel(label);
      return isLabelKey(key) && isLabelValue(value);
    }),
  )
  .min(1)
  .refine((labels) => new Set(labels.map((l) => splitLabel(l)[0])).size === labels.length);
const POD_LABELS_ALLOWED =
  'a non-empty list of distinct "key=value" Kubernetes labels the pods carry, e.g. ["app.kubernetes.io/name=traefik"]';

/** A container port's name (IANA_SVC_NAME, as apimachinery IsValidPortName checks it). */
const portName = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)
  .refine((name) => /[a-z]/.test(name) && !name.includes("--"));
const PORT_NAME_ALLOWED =
  "the name of the pods' container port serving /metrics: 1 to 15 lowercase letters, digits and '-', with a letter, no '--', not starting or ending with '-'";

/** host[:port], no scheme: what the S3 clients of Loki and Tempo take as their endpoint. */
const endpoint = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/)
  .refine((e) => !e.includes(":") || Number(e.split(":")[1]) <= 65535);

/** AWS's bucket naming rules, less the rarely met reserved prefixes and suffixes. */
const bucket = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
  .refine((b) => !b.includes("..") && isIP(b) === 0);
const BUCKET_ALLOWED =
  "empty, or an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, not an IP address";

/** The objectives of a stack that sets none. */
export const SLO_DEFAULTS = {
  availabilityObjective: 99.5,
  latencyObjective: 99,
  latencyThresholdSeconds: 1,
  windowDays: 30,
} as const;

/** An objective: a percentage of requests strictly between 0 and 100. */
const objective = z.number().gt(0).lt(100);
const OBJECTIVE_ALLOWED = "a percentage strictly between 0 and 100, e.g. 99.9";
const sloWindowDays = z.int().min(1).max(365);
const bucketBoundary = z
  .number()
  .refine((seconds) => (BACKEND_LATENCY_BUCKETS as readonly number[]).includes(seconds));

const image_ = (description: string, ref: string) =>
  spec({
    type: "string",
    description,
    allowed: IMAGE_ALLOWED,
    schema: image,
    default: ref,
    platform: "docker",
  });
const hostPort_ = (description: string, value: number) =>
  spec({
    type: "integer",
    description,
    allowed: PORT_ALLOWED,
    schema: port,
    default: value,
    platform: "docker",
  });
const memory_ = (service: string, value: number, only?: Platform) =>
  spec({
    type: "integer",
    description: `Memory limit of the ${service} container, in MiB.`,
    allowed: MEMORY_ALLOWED,
    schema: memory,
    default: value,
    ...(only === undefined ? {} : { platform: only }),
  });
const chart_ = (description: string, name: string) =>
  spec({
    type: "string",
    description,
    allowed: CHART_NAME_ALLOWED,
    schema: chartName,
    default: name,
    platform: "kubernetes",
  });
const chartRepo_ = (chart: string, repo: string) =>
  spec({
    type: "string",
    description: `Helm repository of the ${chart} chart.`,
    allowed: CHART_REPO_ALLOWED,
    schema: chartRepo,
    default: repo,
    platform: "kubernetes",
  });
const chartVersion_ = (chart: string, version: string) =>
  spec({
    type: "string",
    description: `Version of the ${chart} chart, pinned.`,
    allowed: CHART_VERSION_ALLOWED,
    schema: chartVersion,
    default: version,
    platform: "kubernetes",
  });
const volume_ = (service: string, gb: number) =>
  spec({
    type: "integer",
    description: `Size of ${service}'s PersistentVolumeClaim, in GiB.`,
    allowed: VOLUME_ALLOWED,
    schema: volumeGb,
    default: gb,
    platform: "kubernetes",
  });
const bucket_ = (description: string) =>
  spec({
    type: "string",
    description,
    allowed: BUCKET_ALLOWED,
    schema: z.union([z.literal(""), bucket]),
    default: "",
    platform: "kubernetes",
  });
const namespace_ = (description: string, name: string) =>
  spec({
    type: "string",
    description,
    allowed: DNS_LABEL_ALLOWED,
    schema: dnsLabel,
    default: name,
    platform: "kubernetes",
  });

export const KEYS = {
  environment: spec({
    type: "string",
    description:
      "Which defaults apply: dev (the seed's: ports on all interfaces, admin/admin, volumes removed by destroy) or prod (ports on 127.0.0.1, admin password required, volumes protected).",
    allowed: '"dev" or "prod"',
    schema: z.enum(["dev", "prod"]),
    default: "dev",
  }),
  platform: spec({
    type: "string",
    description:
      "Where the services run: docker (containers on one Docker host, the seed's) or kubernetes (Helm charts in one namespace of a cluster).",
    allowed: '"docker" or "kubernetes"',
    schema: platform,
    default: "docker",
  }),
  namePrefix: spec({
    type: "string",
    description: "Prefix of every container name: <namePrefix>-<service>, e.g. timemanager-loki.",
    allowed: "lowercase letters, digits and '-', starting with a letter, at most 40 characters",
    schema: z
      .string()
      .max(40)
      .regex(/^[a-z][a-z0-9-]*$/),
    default: "timemanager",
    platform: "docker",
  }),
  composeProject: spec({
    type: "string",
    description:
      "Value of the com.docker.compose.project label on the stack's containers, and so of compose_project in Loki. Keep it apart from the app's compose project, whose `docker compose up --remove-orphans` would delete containers labelled with it.",
    allowed: "lowercase letters, digits, '_' and '-', starting with a letter or digit",
    schema: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    default: "timemanager-monitoring",
    platform: "docker",
  }),
  bindAddress: spec({
    type: "string",
    description:
      "Host address the published ports bind to. Default: 0.0.0.0 in dev, 127.0.0.1 in prod.",
    allowed: 'an IPv4 or IPv6 address, e.g. "127.0.0.1"',
    schema: bindAddress,
    platform: "docker",
  }),
  appNetwork: spec({
    type: "string",
    description:
      "Docker network of the Time Manager app (backend:8080, traefik:8082). Compose names it <project>_default.",
    allowed: DOCKER_NAME_ALLOWED,
    schema: dockerName,
    default: "time-manager_default",
    platform: "docker",
  }),
  createAppNetwork: spec({
    type: "boolean",
    description:
      "Create the app network instead of joining an existing one (for a host where the app is not running yet).",
    allowed: "true or false",
    schema: z.boolean(),
    default: false,
    platform: "docker",
  }),
  backendTarget: spec({
    type: "string",
    description: "Where Prometheus scrapes the backend's /metrics, on the app network.",
    allowed: HOST_PORT_ALLOWED,
    schema: hostPort,
    default: "backend:8080",
    platform: "docker",
  }),
  traefikTarget: spec({
    type: "string",
    description: "Where Prometheus scrapes Traefik's metrics entrypoint, on the app network.",
    allowed: HOST_PORT_ALLOWED,
    schema: hostPort,
    default: "traefik:8082",
    platform: "docker",
  }),
  prometheusImage: image_("Prometheus image (3.13 LTS line).", "prom/prometheus:v3.13.3"),
  lokiImage: image_("Loki image.", "grafana/loki:3.7.6"),
  promtailImage: image_("Promtail image (3.6.11 is its last release).", "grafana/promtail:3.6.11"),
  tempoImage: image_("Tempo image (3.x).", "grafana/tempo:3.0.3"),
  cadvisorImage: image_("cAdvisor image.", "ghcr.io/google/cadvisor:v0.60.5"),
  grafanaImage: image_("Grafana image.", "grafana/grafana:13.2.3"),
  alloyImage: image_(
    "Grafana Alloy image, used when logShipper is alloy.",
    "grafana/alloy:v1.20.1",
  ),
  grafanaPort: hostPort_("Host port of Grafana (container port 3000).", 3001),
  prometheusPort: hostPort_("Host port of Prometheus.", 9090),
  lokiPort: hostPort_("Host port of Loki's HTTP API.", 3100),
  tempoPort: hostPort_("Host port of Tempo's HTTP API.", 3200),
  tempoOtlpGrpcPort: hostPort_("Host port of Tempo's OTLP gRPC receiver.", 4317),
  tempoOtlpHttpPort: hostPort_("Host port of Tempo's OTLP HTTP receiver.", 4318),
  prometheusRetentionDays: spec({
    type: "integer",
    description: "Days of metrics Prometheus keeps.",
    allowed: DAYS_ALLOWED,
    schema: days,
    default: 15,
  }),
  prometheusRetentionSize: spec({
    type: "string",
    description:
      "Most disk the Prometheus TSDB may use; the oldest blocks go first past it (Prometheus units: MB, GB, TB).",
    allowed: 'a positive size with a unit B, KB, MB, GB, TB or PB, e.g. "10GB"',
    schema: z.string().regex(/^[1-9][0-9]*(B|KB|MB|GB|TB|PB)$/),
    default: "10GB",
  }),
  lokiRetentionDays: spec({
    type: "integer",
    description: "Days of logs Loki keeps (enforced by its compactor).",
    allowed: DAYS_ALLOWED,
    schema: days,
    default: 7,
  }),
  tempoRetentionDays: spec({
    type: "integer",
    description: "Days of traces Tempo keeps.",
    allowed: DAYS_ALLOWED,
    schema: days,
    default: 7,
  }),
  prometheusMemoryMb: memory_("Prometheus", 1024),
  lokiMemoryMb: memory_("Loki", 512),
  promtailMemoryMb: memory_("Promtail", 256, "docker"),
  tempoMemoryMb: memory_("Tempo", 1024),
  cadvisorMemoryMb: memory_("cAdvisor", 256, "docker"),
  grafanaMemoryMb: memory_("Grafana", 512),
  alloyMemoryMb: memory_("Alloy", 256),
  logShipper: spec({
    type: "string",
    description:
      "Which log shipper runs: promtail (the seed's; end of life since 2026-03-02) or alloy (its successor). Same labels either way.",
    allowed: '"promtail" or "alloy"',
    schema: z.enum(["promtail", "alloy"]),
    default: "promtail",
    platform: "docker",
  }),
  protectData: spec({
    type: "boolean",
    description:
      "Protect the data volumes and keep them when the stack is destroyed. Default: false in dev, true in prod.",
    allowed: "true or false",
    schema: z.boolean(),
  }),
  grafanaAdminUser: spec({
    type: "string",
    description: "Grafana admin login, also used by the Grafana provider.",
    allowed: "letters, digits, '.', '_', '@' or '-'",
    schema: z.string().regex(/^[A-Za-z0-9._@-]+$/),
    default: "admin",
  }),
  grafanaAdminPassword: spec({
    type: "string",
    description:
      "Grafana admin password (set with --secret). dev defaults to the seed's admin; prod requires one of at least 12 characters.",
    allowed: "a non-empty secret",
    schema: z.string().min(1),
    secret: true,
  }),
  grafanaUrl: spec({
    type: "string",
    description:
      "URL the Grafana provider and the stack outputs use. Docker default: http://localhost:<grafanaPort>, or the bind address when it is neither loopback nor all interfaces. Required with platform kubernetes: the URL of Grafana's Ingress or of a `kubectl port-forward`.",
    allowed: HTTP_URL_ALLOWED,
    schema: httpUrl,
  }),
  alertContact: spec({
    type: "string",
    description:
      "Where Grafana sends alerts: none (alerts stay visible in Grafana), webhook (alertWebhookUrl) or email (alertEmails).",
    allowed: '"none", "webhook" or "email"',
    schema: z.enum(["none", "webhook", "email"]),
    default: "none",
  }),
  alertWebhookUrl: spec({
    type: "string",
    description: "Webhook receiving alerts when alertContact is webhook (set with --secret).",
    allowed: "an http(s) URL",
    schema: httpUrl,
    secret: true,
  }),
  alertEmails: spec({
    type: "array",
    description: "Addresses receiving alerts when alertContact is email.",
    allowed: 'a list of e-mail addresses, e.g. ["oncall@example.org"]',
    schema: z.array(z.email()),
    default: [],
  }),
  smtpHost: spec({
    type: "string",
    description:
      'SMTP server Grafana sends alert e-mail through, host:port (e.g. "smtp.example.org:587"); required when alertContact is email, empty otherwise.',
    allowed: 'empty, or host:port, e.g. "smtp.example.org:587"',
    schema: z.union([z.literal(""), hostPort]),
    default: "",
  }),
  smtpUser: spec({
    type: "string",
    description: "SMTP login, if the server wants one (its password: smtpPassword).",
    allowed: "any string",
    schema: z.string(),
    default: "",
  }),
  smtpPassword: spec({
    type: "string",
    description: "SMTP password (set with --secret).",
    allowed: "a non-empty secret",
    schema: z.string().min(1),
    secret: true,
  }),
  smtpFromAddress: spec({
    type: "string",
    description: "Sender address of Grafana's alert e-mail.",
    allowed: 'an e-mail address, e.g. "grafana@example.org"',
    schema: z.email(),
    default: "admin@grafana.localhost",
  }),
  kubernetesNamespace: namespace_("Namespace every object of the stack goes into.", "monitoring"),
  kubePrometheusStackChart: chart_(
    "Chart of Prometheus, its Operator, node-exporter and kube-state-metrics.",
    "kube-prometheus-stack",
  ),
  kubePrometheusStackChartRepo: chartRepo_(
    "kube-prometheus-stack",
    "https://prometheus-community.github.io/helm-charts",
  ),
  kubePrometheusStackChartVersion: chartVersion_("kube-prometheus-stack", "88.5.3"),
  lokiChart: chart_("Chart of Loki.", "loki"),
  lokiChartRepo: chartRepo_("Loki", "https://grafana-community.github.io/helm-charts"),
  lokiChartVersion: chartVersion_("Loki", "18.11.0"),
  tempoChart: chart_("Chart of Tempo.", "tempo"),
  tempoChartRepo: chartRepo_("Tempo", "https://grafana-community.github.io/helm-charts"),
  tempoChartVersion: chartVersion_("Tempo", "2.2.4"),
  alloyChart: chart_("Chart of Grafana Alloy, the log shipper on Kubernetes.", "alloy"),
  alloyChartRepo: chartRepo_("Alloy", "https://grafana.github.io/helm-charts"),
  alloyChartVersion: chartVersion_("Alloy", "1.11.1"),
  grafanaChart: chart_("Chart of Grafana.", "grafana"),
  grafanaChartRepo: chartRepo_("Grafana", "https://grafana-community.github.io/helm-charts"),
  grafanaChartVersion: chartVersion_("Grafana", "12.11.1"),
  storageClass: spec({
    type: "string",
    description: "StorageClass of every PersistentVolumeClaim; empty means the cluster's default.",
    allowed: `empty, or ${DNS_SUBDOMAIN_ALLOWED}`,
    schema: z.union([z.literal(""), dnsSubdomain]),
    default: "",
    platform: "kubernetes",
  }),
  prometheusVolumeGb: volume_("Prometheus", 20),
  lokiVolumeGb: volume_("Loki", 10),
  tempoVolumeGb: volume_("Tempo", 10),
  grafanaVolumeGb: volume_("Grafana", 2),
  prometheusReplicas: spec({
    type: "integer",
    description: "Prometheus replicas, each scraping every target into its own volume.",
    allowed: "an integer from 1 to 10",
    schema: z.int().min(1).max(10),
    default: 1,
    platform: "kubernetes",
  }),
  lokiReplicas: spec({
    type: "integer",
    description:
      "Replicas of each of Loki's read, write and backend targets; only with objectStorageEndpoint (without it Loki runs as one single-binary pod on a PVC).",
    allowed: "an integer from 1 to 20",
    schema: z.int().min(1).max(20),
    default: 3,
    platform: "kubernetes",
  }),
  objectStorageEndpoint: spec({
    type: "string",
    description:
      "S3-compatible object storage for Loki and Tempo, host[:port] without scheme; empty means none (Loki and Tempo keep their data on PVCs).",
    allowed:
      'empty, or host[:port] without a scheme, e.g. "s3.eu-west-3.amazonaws.com" or "minio.storage:9000"',
    schema: z.union([z.literal(""), endpoint]),
    default: "",
    platform: "kubernetes",
  }),
  objectStorageRegion: spec({
    type: "string",
    description: "Region of the object storage.",
    allowed: "lowercase letters, digits, '_' and '-', starting with a letter or digit",
    schema: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    default: "us-east-1",
    platform: "kubernetes",
  }),
  objectStorageInsecure: spec({
    type: "boolean",
    description: "Talk plain HTTP to the object storage endpoint.",
    allowed: "true or false",
    schema: z.boolean(),
    default: false,
    platform: "kubernetes",
  }),
  objectStorageForcePathStyle: spec({
    type: "boolean",
    description:
      "Path-style bucket URLs (endpoint/bucket), as MinIO and most stores other than AWS want.",
    allowed: "true or false",
    schema: z.boolean(),
    default: true,
    platform: "kubernetes",
  }),
  lokiChunksBucket: bucket_(
    "Bucket of Loki's chunks and index; required with objectStorageEndpoint.",
  ),
  lokiRulerBucket: bucket_("Bucket of Loki's ruler; required with objectStorageEndpoint."),
  tempoBucket: bucket_("Bucket of Tempo's traces; required with objectStorageEndpoint."),
  objectStorageAccessKeyId: spec({
    type: "string",
    description:
      "Access key id of the object storage (set with --secret); required with objectStorageEndpoint.",
    allowed: "a non-empty secret",
    schema: z.string().min(1),
    secret: true,
    platform: "kubernetes",
  }),
  objectStorageSecretAccessKey: spec({
    type: "string",
    description:
      "Secret access key of the object storage (set with --secret); required with objectStorageEndpoint.",
    allowed: "a non-empty secret",
    schema: z.string().min(1),
    secret: true,
    platform: "kubernetes",
  }),
  backendNamespace: namespace_("Namespace of the Time Manager backend's pods.", "time-manager"),
  backendPodLabels: spec({
    type: "array",
    description: "Labels that select the backend's pods, which Prometheus scrapes (PodMonitor).",
    allowed: POD_LABELS_ALLOWED,
    schema: podLabels,
    default: ["app.kubernetes.io/name=timemanager-backend"],
    platform: "kubernetes",
  }),
  backendMetricsPort: spec({
    type: "string",
    description: "Name of the backend container's port serving /metrics.",
    allowed: PORT_NAME_ALLOWED,
    schema: portName,
    default: "http",
    platform: "kubernetes",
  }),
  traefikNamespace: namespace_("Namespace of Traefik's pods.", "traefik"),
  traefikPodLabels: spec({
    type: "array",
    description: "Labels that select Traefik's pods, which Prometheus scrapes (PodMonitor).",
    allowed: POD_LABELS_ALLOWED,
    schema: podLabels,
    default: ["app.kubernetes.io/name=traefik"],
    platform: "kubernetes",
  }),
  traefikMetricsPort: spec({
    type: "string",
    description: "Name of Traefik's container port serving its metrics entrypoint.",
    allowed: PORT_NAME_ALLOWED,
    schema: portName,
    default: "metrics",
    platform: "kubernetes",
  }),
  alertmanager: spec({
    type: "boolean",
    description:
      "Deploy kube-prometheus-stack's Alertmanager (off: Grafana's alerting notifies alertContact).",
    allowed: "true or false",
    schema: z.boolean(),
    default: false,
    platform: "kubernetes",
  }),
  grafanaIngressHost: spec({
    type: "string",
    description:
      "Host of an Ingress for Grafana; empty means none (reach Grafana with `kubectl port-forward`).",
    allowed: 'empty, or a DNS name, e.g. "grafana.example.org"',
    schema: z.union([z.literal(""), dnsSubdomain]),
    default: "",
    platform: "kubernetes",
  }),
  grafanaIngressClass: spec({
    type: "string",
    description:
      "IngressClass of Grafana's Ingress; empty means the cluster's default class. Needs grafanaIngressHost.",
    allowed: `empty, or ${DNS_SUBDOMAIN_ALLOWED}`,
    schema: z.union([z.literal(""), dnsSubdomain]),
    default: "",
    platform: "kubernetes",
  }),
  sloAvailabilityObjective: spec({
    type: "number",
    description:
      "Availability objective of the backend: the percentage of its requests not answered 5xx over sloWindowDays.",
    allowed: OBJECTIVE_ALLOWED,
    schema: objective,
    default: SLO_DEFAULTS.availabilityObjective,
  }),
  sloLatencyObjective: spec({
    type: "number",
    description:
      "Latency objective of the backend: the percentage of its requests answered within sloLatencyThresholdSeconds over sloWindowDays.",
    allowed: OBJECTIVE_ALLOWED,
    schema: objective,
    default: SLO_DEFAULTS.latencyObjective,
  }),
  sloLatencyThresholdSeconds: spec({
    type: "number",
    description:
      "The latency objective's threshold, in seconds: a bucket boundary of the backend's request-duration histogram.",
    allowed: `one of the backend histogram's bucket boundaries, in seconds: ${BACKEND_LATENCY_BUCKETS.join(", ")}`,
    schema: bucketBoundary,
    default: SLO_DEFAULTS.latencyThresholdSeconds,
  }),
  sloWindowDays: spec({
    type: "integer",
    description:
      "The SLO window in days: the error budgets are counted over the last sloWindowDays days.",
    allowed: "a whole number of days from 1 to 365",
    schema: sloWindowDays,
    default: SLO_DEFAULTS.windowDays,
  }),
} as const;

export type Key = keyof typeof KEYS;
export const KEY_NAMES = Object.keys(KEYS) as Key[];

/** Whether Pulumi.yaml declares `key`: only a key with a static default and no secret can be. */
export function declaredInProject(key: Key): boolean {
  const s: KeySpec = KEYS[key];
  return "default" in s && s.secret === undefined;
}

/** Keys with no default of any kind: absent unless the stack sets them. */
type OptionalKey =
  "alertWebhookUrl" | "smtpPassword" | "objectStorageAccessKeyId" | "objectStorageSecretAccessKey";

/** The parsed value of each key: what the schema returns once a value is present. */
export type Values = {
  -readonly [K in Exclude<Key, OptionalKey>]: z.output<(typeof KEYS)[K]["schema"]>;
} & { -readonly [K in OptionalKey]?: z.output<(typeof KEYS)[K]["schema"]> };
