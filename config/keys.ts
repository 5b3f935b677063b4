import { isIP } from "node:net";
import { z } from "zod";

/**
 * Every stack setting this program reads: its Pulumi type, its schema, its default and what is
 * allowed, in words. `Pulumi.yaml` declares the keys with a static default (a test keeps the two
 * identical), so a user sees them in `pulumi config` without reading code. It cannot declare the
 * others: the Pulumi CLI refuses to run a stack that lacks a value for a declared key with no
 * default, and a declared secret's default would be plaintext. Those are listed in the README.
 */

/** How a raw config string is turned into a value before the schema sees it. */
export type ConfigType = "string" | "integer" | "boolean" | "array";

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

const image_ = (description: string, ref: string) =>
  spec({ type: "string", description, allowed: IMAGE_ALLOWED, schema: image, default: ref });
const hostPort_ = (description: string, value: number) =>
  spec({ type: "integer", description, allowed: PORT_ALLOWED, schema: port, default: value });
const memory_ = (service: string, value: number) =>
  spec({
    type: "integer",
    description: `Memory limit of the ${service} container, in MiB.`,
    allowed: MEMORY_ALLOWED,
    schema: memory,
    default: value,
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
  namePrefix: spec({
    type: "string",
    description: "Prefix of every container name: <namePrefix>-<service>, e.g. timemanager-loki.",
    allowed: "lowercase letters, digits and '-', starting with a letter, at most 40 characters",
    schema: z
      .string()
      .max(40)
      .regex(/^[a-z][a-z0-9-]*$/),
    default: "timemanager",
  }),
  composeProject: spec({
    type: "string",
    description:
      "Value of the com.docker.compose.project label on the stack's containers, and so of compose_project in Loki. Keep it apart from the app's compose project, whose `docker compose up --remove-orphans` would delete containers labelled with it.",
    allowed: "lowercase letters, digits, '_' and '-', starting with a letter or digit",
    schema: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    default: "timemanager-monitoring",
  }),
  bindAddress: spec({
    type: "string",
    description:
      "Host address the published ports bind to. Default: 0.0.0.0 in dev, 127.0.0.1 in prod.",
    allowed: 'an IPv4 or IPv6 address, e.g. "127.0.0.1"',
    schema: bindAddress,
  }),
  appNetwork: spec({
    type: "string",
    description:
      "Docker network of the Time Manager app (backend:8080, traefik:8082). Compose names it <project>_default.",
    allowed: DOCKER_NAME_ALLOWED,
    schema: dockerName,
    default: "time-manager_default",
  }),
  createAppNetwork: spec({
    type: "boolean",
    description:
      "Create the app network instead of joining an existing one (for a host where the app is not running yet).",
    allowed: "true or false",
    schema: z.boolean(),
    default: false,
  }),
  backendTarget: spec({
    type: "string",
    description: "Where Prometheus scrapes the backend's /metrics, on the app network.",
    allowed: HOST_PORT_ALLOWED,
    schema: hostPort,
    default: "backend:8080",
  }),
  traefikTarget: spec({
    type: "string",
    description: "Where Prometheus scrapes Traefik's metrics entrypoint, on the app network.",
    allowed: HOST_PORT_ALLOWED,
    schema: hostPort,
    default: "traefik:8082",
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
  promtailMemoryMb: memory_("Promtail", 256),
  tempoMemoryMb: memory_("Tempo", 1024),
  cadvisorMemoryMb: memory_("cAdvisor", 256),
  grafanaMemoryMb: memory_("Grafana", 512),
  alloyMemoryMb: memory_("Alloy", 256),
  logShipper: spec({
    type: "string",
    description:
      "Which log shipper runs: promtail (the seed's; end of life since 2026-03-02) or alloy (its successor). Same labels either way.",
    allowed: '"promtail" or "alloy"',
    schema: z.enum(["promtail", "alloy"]),
    default: "promtail",
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
      "URL the Grafana provider and the stack outputs use. Default: http://localhost:<grafanaPort>, or the bind address when it is neither loopback nor all interfaces.",
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
} as const;

export type Key = keyof typeof KEYS;
export const KEY_NAMES = Object.keys(KEYS) as Key[];

/** Whether Pulumi.yaml declares `key`: only a key with a static default and no secret can be. */
export function declaredInProject(key: Key): boolean {
  const s: KeySpec = KEYS[key];
  return "default" in s && s.secret === undefined;
}

/** Keys with no default of any kind: absent unless the stack sets them. */
type OptionalKey = "alertWebhookUrl" | "smtpPassword";

/** The parsed value of each key: what the schema returns once a value is present. */
export type Values = {
  -readonly [K in Exclude<Key, OptionalKey>]: z.output<(typeof KEYS)[K]["schema"]>;
} & { -readonly [K in OptionalKey]?: z.output<(typeof KEYS)[K]["schema"]> };
