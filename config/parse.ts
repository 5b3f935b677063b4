import { BlockList, isIP } from "node:net";
import { isDeepStrictEqual } from "node:util";
import { composeProjectOfDefaultNetwork, publishedUrl } from "./conventions";
import { type ConfigType, KEYS, KEY_NAMES, type Key, type KeySpec, type Values } from "./keys";

/**
 * Turns the raw config map of one stack into validated, complete values. Pure: no Pulumi import,
 * so every rule is tested without a runtime. Secrets come back as plain strings here; the loader
 * wraps them as Pulumi secrets before anything else sees them.
 */

export type Environment = Values["environment"];

/** A rejected stack configuration: one message, one line per bad key. */
export class SettingsError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

/** The password the seed gives dev; refused in any other environment. */
export const SEED_DEV_PASSWORD = "admin";
const PROD_PASSWORD_MIN_LENGTH = 12;

/** Host-port keys: no two may publish the same port. */
const HOST_PORT_KEYS = [
  "grafanaPort",
  "prometheusPort",
  "lokiPort",
  "tempoPort",
  "tempoOtlpGrpcPort",
  "tempoOtlpHttpPort",
] as const satisfies readonly Key[];

/** What Loki's and Tempo's object storage needs beside objectStorageEndpoint. */
const OBJECT_STORAGE_REQUIRED = [
  "lokiChunksBucket",
  "lokiRulerBucket",
  "tempoBucket",
  "objectStorageAccessKeyId",
  "objectStorageSecretAccessKey",
] as const satisfies readonly Key[];
/** Object storage settings that mean nothing without objectStorageEndpoint. */
const OBJECT_STORAGE_DEPENDENT = [
  ...OBJECT_STORAGE_REQUIRED,
  "objectStorageRegion",
  "objectStorageInsecure",
  "objectStorageForcePathStyle",
] as const satisfies readonly Key[];

const PLATFORM_NAMES = { docker: "Docker", kubernetes: "Kubernetes" } as const satisfies Record<
  Values["platform"],
  string
>;

const ENVIRONMENT_DEFAULTS = {
  dev: { bindAddress: "0.0.0.0", protectData: false, grafanaAdminPassword: SEED_DEV_PASSWORD },
  prod: { bindAddress: "127.0.0.1", protectData: true, grafanaAdminPassword: undefined },
} as const satisfies Record<Environment, Partial<Values>>;

/** Pulumi hands every value over as a string; give the schema the type the key declares. */
function coerce(type: ConfigType, raw: string): unknown {
  switch (type) {
    case "string":
      return raw;
    case "integer":
      return /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : raw;
    case "number":
      // Plain decimals only: Number() would also take "", "0x10", "1e2" and "Infinity".
      return /^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(raw.trim()) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
  }
}

function shown(key: Key, value: unknown): string {
  if ("secret" in KEYS[key]) return "a secret value";
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) || String(value);
}

function problem(project: string, key: string, given: string, allowed: string): string {
  return `${project}:${key}: got ${given}; allowed: ${allowed}`;
}

/**
 * Validates `raw` (Pulumi's config map: `<project>:<key>` to string) for `project`.
 * `isSecret(fullKey)` tells whether a value was set as a secret (`pulumi config set --secret`):
 * a secret key set in plaintext is refused, since its value would sit unencrypted in the stack
 * file. (Pulumi.yaml cannot declare these keys `secret: true`, see config/keys.ts.)
 * @throws SettingsError naming every bad key, the value given and what is allowed.
 */
export function parseValues(
  raw: Readonly<Record<string, string>>,
  project: string,
  isSecret: (fullKey: string) => boolean,
  /** DOCKER_HOST and DOCKER_CONTEXT from the environment, which the Docker provider reads. */
  dockerEnv: { readonly host?: string; readonly context?: string } = {},
): Values {
  const prefix = `${project}:`;
  const problems: string[] = [];
  const given: Partial<Record<Key, unknown>> = {};
  const failed = new Set<Key>();
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) continue; // provider settings such as docker:host
    const key = fullKey.slice(prefix.length);
    if (!(key in KEYS)) {
      // Not echoed: a misspelt secret key would otherwise print its plaintext.
      problems.push(
        problem(
          project,
          key,
          "a key this program does not read",
          "one of the settings in the README (config/keys.ts)",
        ),
      );
      continue;
    }
    const k = key as Key;
    if ("secret" in KEYS[k] && !isSecret(fullKey)) {
      failed.add(k);
      problems.push(
        problem(
          project,
          k,
          "a plaintext value",
          `${KEYS[k].allowed}, set with \`pulumi config set --secret ${k}\``,
        ),
      );
      continue;
    }
    const parsed = KEYS[k].schema.safeParse(coerce(KEYS[k].type, value));
    if (parsed.success) given[k] = parsed.data;
    else {
      failed.add(k);
      problems.push(problem(project, k, shown(k, coerce(KEYS[k].type, value)), KEYS[k].allowed));
    }
  }

  // A key that failed stands at its default below, so that the cross-key rules still run (one
  // error lists everything); a rule that reads a failed key is skipped, its verdict unknown.
  const environment = (given.environment ?? KEYS.environment.default) as Environment;
  const values = { ...ENVIRONMENT_DEFAULTS[environment] } as Record<string, unknown>;
  for (const k of KEY_NAMES) {
    const fallback = "default" in KEYS[k] ? KEYS[k].default : values[k];
    values[k] = k in given ? given[k] : fallback;
  }
  // On Kubernetes Grafana has no published port to derive a URL from: the stack gives one.
  if (values.platform === "docker") {
    values.grafanaUrl ??= publishedUrl(values.bindAddress as string, values.grafanaPort as number);
  }
  const complete = values as Values;

  const crossProblems = crossChecks(complete, new Set(Object.keys(given) as Key[]), project);
  const remote = remoteDockerHost(raw, dockerEnv);
  if (complete.platform === "docker" && remote !== undefined && !("grafanaUrl" in given)) {
    // The Grafana provider runs where Pulumi runs: its localhost is not the Docker host's.
    crossProblems.push({
      keys: ["platform", "grafanaUrl"],
      message: problem(
        project,
        "grafanaUrl",
        "nothing",
        `the URL Grafana answers at from the machine running Pulumi, required when the Docker host may be another machine (${remote})`,
      ),
    });
  }
  problems.push(
    ...crossProblems.filter((p) => !p.keys.some((k) => failed.has(k))).map((p) => p.message),
  );
  if (problems.length > 0) throw new SettingsError(problems);
  return complete;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Whether a host name or IP address is this machine: localhost, 127.0.0.0/8, ::1. */
function isLoopback(name: string): boolean {
  const host = name.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  if (mapped !== undefined) return LOOPBACK.check(mapped, "ipv4");
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Whether a Docker host (docker:host or DOCKER_HOST) is another machine. unix://, npipe:// and
 * fd:// are local sockets; ssh:// is remote; any other scheme (tcp://, http://, https://) is
 * remote unless it names a loopback address.
 */
export function isRemoteDockerHost(host: string): boolean {
  const match = /^([a-z]+):\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/]*)/i.exec(host.trim());
  if (match === null) return false;
  const [, scheme, name] = match;
  const kind = scheme.toLowerCase();
  if (["unix", "npipe", "fd"].includes(kind)) return false;
  if (kind === "ssh") return true;
  return !isLoopback(name);
}

/**
 * The Docker host the provider will use, when it may be another machine, as the user wrote it;
 * undefined when it is this one. A Docker context (docker:context or DOCKER_CONTEXT) overrides
 * the host, and only its name is known here: any context but "default" counts.
 */
function remoteDockerHost(
  raw: Readonly<Record<string, string>>,
  env: { readonly host?: string; readonly context?: string },
): string | undefined {
  const context = Object.hasOwn(raw, "docker:context") ? raw["docker:context"] : env.context;
  if (context !== undefined && context !== "" && context !== "default") {
    return `docker context ${context}`;
  }
  const host = Object.hasOwn(raw, "docker:host") ? raw["docker:host"] : env.host;
  return host !== undefined && isRemoteDockerHost(host) ? host : undefined;
}

/** A broken cross-key rule: its message, and every key the rule reads. */
interface CrossProblem {
  readonly keys: readonly Key[];
  readonly message: string;
}

/**
 * Whether the stack gives `key` a value of its own. Compared with the static default, not only
 * with `given`: Pulumi hands the program Pulumi.yaml's defaults as if the stack had set them, so a
 * value equal to that default counts as unset.
 */
function isSet(key: Key, v: Values, given: ReadonlySet<Key>): boolean {
  const s: KeySpec = KEYS[key];
  return given.has(key) && !("default" in s && isDeepStrictEqual(v[key], s.default));
}

/** Rules that span keys, or depend on the environment or the platform. */
function crossChecks(v: Values, given: ReadonlySet<Key>, project: string): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const add = (keys: readonly Key[], key: Key, got: string, allowed: string): void => {
    problems.push({ keys, message: problem(project, key, got, allowed) });
  };
  for (const k of KEY_NAMES) {
    const only = (KEYS[k] as KeySpec).platform;
    if (only !== undefined && only !== v.platform && isSet(k, v, given))
      problems.push({
        keys: ["platform", k],
        message: `${project}:${k}: is a ${PLATFORM_NAMES[only]} setting and has no effect with platform ${v.platform}; remove it`,
      });
  }
  problems.push(...(v.platform === "docker" ? dockerChecks : kubernetesChecks)(v, given, project));
  if (v.environment !== "dev") {
    const password = v.grafanaAdminPassword as string | undefined;
    const rule = `a secret of at least ${String(PROD_PASSWORD_MIN_LENGTH)} characters other than the seed's dev default, set with \`pulumi config set --secret grafanaAdminPassword\``;
    const keys = ["environment", "grafanaAdminPassword"] as const;
    if (password === undefined) add(keys, "grafanaAdminPassword", "nothing", rule);
    else if (password === SEED_DEV_PASSWORD)
      add(keys, "grafanaAdminPassword", "the seed's dev default", rule);
    else if (password.length < PROD_PASSWORD_MIN_LENGTH)
      // The length is not shown: it tells a reader of CI logs how short the password is.
      add(
        keys,
        "grafanaAdminPassword",
        `a secret shorter than ${String(PROD_PASSWORD_MIN_LENGTH)} characters`,
        rule,
      );
  }
  if (v.alertContact === "webhook" && !given.has("alertWebhookUrl"))
    add(
      ["alertContact", "alertWebhookUrl"],
      "alertWebhookUrl",
      "nothing",
      'a webhook URL when alertContact is "webhook"',
    );
  if (v.alertContact === "email" && v.alertEmails.length === 0)
    add(
      ["alertContact", "alertEmails"],
      "alertEmails",
      "[]",
      'at least one address when alertContact is "email"',
    );
  // Grafana OSS sends no e-mail until its [smtp] section is set (Grafana docs, "Configure email").
  if (v.alertContact === "email" && v.smtpHost === "")
    add(
      ["alertContact", "smtpHost"],
      "smtpHost",
      "nothing",
      'the SMTP server\'s host:port when alertContact is "email"',
    );
  // Compared with the defaults, not with `given`: Pulumi hands the program Pulumi.yaml's defaults
  // as if the stack had set them.
  const smtpSettings = {
    smtpUser: v.smtpUser !== KEYS.smtpUser.default,
    smtpPassword: v.smtpPassword !== undefined,
    smtpFromAddress: v.smtpFromAddress !== KEYS.smtpFromAddress.default,
  };
  for (const [k, set] of Object.entries(smtpSettings) as [keyof typeof smtpSettings, boolean][]) {
    if (set && v.smtpHost === "")
      add([k, "smtpHost"], "smtpHost", "nothing", `the SMTP server's host:port that ${k} is for`);
  }
  if (given.has("smtpPassword") && v.smtpUser === "")
    add(
      ["smtpPassword", "smtpUser"],
      "smtpUser",
      "nothing",
      "the SMTP login smtpPassword goes with",
    );
  return problems;
}

/** Rules of the Docker platform: published ports and compose labels. */
function dockerChecks(v: Values, given: ReadonlySet<Key>, project: string): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const add = (keys: readonly Key[], key: Key, got: string, allowed: string): void => {
    problems.push({ keys: ["platform", ...keys], message: problem(project, key, got, allowed) });
  };
  const owner = new Map<number, Key>();
  for (const k of HOST_PORT_KEYS) {
    const other = owner.get(v[k]);
    if (other === undefined) {
      owner.set(v[k], k);
      continue;
    }
    // Name the key the stack sets, not the default it collides with.
    const [clash, holder] = given.has(other) && !given.has(k) ? [other, k] : [k, other];
    add(
      [clash, holder],
      clash,
      `${String(v[k])}, which ${holder} already uses`,
      "a port no other key uses",
    );
  }
  // The app's compose project, when the app network has compose's default name.
  const appProject = composeProjectOfDefaultNetwork(v.appNetwork);
  if (appProject === v.composeProject) {
    const key =
      given.has("appNetwork") && !given.has("composeProject") ? "appNetwork" : "composeProject";
    add(
      ["composeProject", "appNetwork"],
      key,
      `${JSON.stringify(v[key])}, which makes the stack's compose project the app's (${appProject})`,
      "a compose project other than the app's: the app's `docker compose up --remove-orphans` would delete this stack's containers",
    );
  }
  return problems;
}

/** Rules of the Kubernetes platform: the Grafana URL, object storage, Loki replicas, Ingress. */
function kubernetesChecks(v: Values, given: ReadonlySet<Key>, project: string): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const add = (keys: readonly Key[], key: Key, got: string, allowed: string): void => {
    problems.push({ keys: ["platform", ...keys], message: problem(project, key, got, allowed) });
  };
  /** A key that means nothing without another: no "got", so a secret is never shown. */
  const needs = (key: Key, other: Key): void => {
    problems.push({
      keys: ["platform", other, key],
      message: `${project}:${key}: has no effect without ${other}; set ${other} or remove it`,
    });
  };
  if (!given.has("grafanaUrl"))
    add(
      ["grafanaUrl"],
      "grafanaUrl",
      "nothing",
      "an http(s) URL: grafanaUrl is required with platform kubernetes: the URL of Grafana's Ingress or of a `kubectl port-forward`, e.g. http://localhost:3000",
    );
  if (v.objectStorageEndpoint !== "") {
    for (const k of OBJECT_STORAGE_REQUIRED) {
      const spec: KeySpec = KEYS[k];
      if (v[k] === undefined || v[k] === "")
        add(
          ["objectStorageEndpoint", k],
          k,
          "nothing",
          spec.secret === true
            ? `${spec.allowed}, set with \`pulumi config set --secret ${k}\`, required with objectStorageEndpoint`
            : "an S3 bucket name, required with objectStorageEndpoint",
        );
    }
  } else {
    for (const k of OBJECT_STORAGE_DEPENDENT) {
      if (isSet(k, v, given)) needs(k, "objectStorageEndpoint");
    }
    // Without object storage Loki runs its single binary: one pod, one PVC.
    if (v.lokiReplicas !== KEYS.lokiReplicas.default)
      add(
        ["objectStorageEndpoint", "lokiReplicas"],
        "lokiReplicas",
        String(v.lokiReplicas),
        "lokiReplicas needs objectStorageEndpoint: Loki's single binary runs one replica on a PVC; set objectStorageEndpoint or remove lokiReplicas",
      );
  }
  if (v.grafanaIngressClass !== "" && v.grafanaIngressHost === "")
    needs("grafanaIngressClass", "grafanaIngressHost");
  return problems;
}
