/**
 * The Docker rule set: Grafana's admin login, host ports, the Docker socket, privileged mode, image
 * tags and the hardening every service container shares. These policies look only at `docker:*`
 * resources, which exist only on platform docker.
 *
 * What a policy sees: the resource's inputs, with secrets already unwrapped by @pulumi/policy
 * (so the Grafana password is readable) and values not known yet during a preview replaced by
 * {@link UNKNOWN}. A policy that needs a value it cannot see says nothing: it cannot prove a
 * violation. Everything this program checks is known at preview time (stack config, literals),
 * except a container's `image`, which is the RemoteImage's id: images are checked on the
 * RemoteImage's `name` instead.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  DEV_STACK,
  type Props,
  UNKNOWN,
  forType,
  isRecord,
  isUnknown,
  records,
  stackOf,
  str,
} from "./lib";

export const DOCKER_TYPES = {
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
} as const;

/**
 * Container label that says "publishing on every interface is deliberate". The program sets the
 * same label (components/observability/names); the pack keeps its own copy, since a policy pack
 * is loaded and published on its own and does not import the program's components, and
 * tests/policy pins the two equal.
 */
export const BIND_ALL_LABEL = {
  label: "org.timemanager.bind-all-interfaces",
  value: "explicit",
} as const;

/** Grafana's own default password, used when GF_SECURITY_ADMIN_PASSWORD is not set. */
const GRAFANA_DEFAULT_PASSWORD = "admin";

/** Compose service label, which names the service a container runs. */
const SERVICE_LABEL = "com.docker.compose.service";

/** Only cAdvisor may be privileged, and only with one of its published images. */
export const PRIVILEGED_ALLOW_LIST = [
  {
    service: "cadvisor",
    images: ["ghcr.io/google/cadvisor", "gcr.io/cadvisor/cadvisor"],
    reason:
      "cAdvisor reads every container's cgroups and the kernel log (/dev/kmsg, OOM events), which needs privileged mode on cgroup v2 hosts",
  },
] as const;

/** Restart policies that bring a service back after a crash or a reboot. */
const RESTARTING = ["always", "unless-stopped", "on-failure"];

/** Host paths that are, or contain, the Docker socket. */
const DOCKER_SOCKET_PATHS = ["/var/run/docker.sock", "/run/docker.sock", "/var/run", "/run", "/"];

/** Promtail's end of life (Grafana Labs, "Promtail is deprecated"): no release after it. */
export const PROMTAIL_EOL = "2026-03-02";

// ---------------------------------------------------------------------------------------------
// Reading container inputs.

/** Container labels as a map (the provider takes a list of `{ label, value }`). */
function labelsOf(props: Props): Map<string, string> {
  const labels = new Map<string, string>();
  for (const l of records(props.labels)) {
    const key = str(l.label);
    const value = str(l.value);
    if (key !== undefined && value !== undefined) labels.set(key, value);
  }
  return labels;
}

/** `KEY=value` environment entries as a map; undefined when the list is not known yet. */
function envOf(props: Props): Map<string, string> | undefined {
  if (isUnknown(props.envs)) return undefined;
  const env = new Map<string, string>();
  if (!Array.isArray(props.envs)) return env;
  for (const entry of props.envs) {
    if (isUnknown(entry)) return undefined;
    if (typeof entry !== "string") continue;
    const eq = entry.indexOf("=");
    if (eq < 0) continue;
    const value = entry.slice(eq + 1);
    env.set(entry.slice(0, eq), value.includes(UNKNOWN) ? UNKNOWN : value);
  }
  return env;
}

/** An image reference split into repository, tag and digest; undefined for an image id. */
export function parseImageRef(
  ref: string,
): { repository: string; tag?: string; digest?: string } | undefined {
  if (/^(sha256:)?[a-f0-9]{64}$/.test(ref)) return undefined;
  const at = ref.indexOf("@");
  const nameAndTag = at < 0 ? ref : ref.slice(0, at);
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  return {
    repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
    ...(hasTag ? { tag: nameAndTag.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** The repository without Docker Hub's implicit prefixes: `docker.io/library/x` is `x`. */
function normaliseRepository(repository: string): string {
  return repository.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "");
}

/** The literal image reference of a RemoteImage or a container, when it is one. */
function literalImage(args: { type: string; props: Props }): string | undefined {
  if (args.type === DOCKER_TYPES.remoteImage) return str(args.props.name);
  if (args.type === DOCKER_TYPES.container) return str(args.props.image);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Mandatory resource policies.

/**
 * Outside the dev stack, Grafana must not keep its default `admin` password nor an empty one.
 * The stack is the URN's, so a stack named dev is the only exemption, whatever its `environment`.
 * Limits: a password given through `GF_SECURITY_ADMIN_PASSWORD__FILE` or a value unknown at
 * preview time cannot be read and is not judged; the password is never echoed.
 */
export const grafanaAdminPassword: ResourceValidationPolicy = {
  name: "grafana-admin-password-not-default",
  description:
    "Grafana's admin password is neither Grafana's default (admin) nor empty, except in dev.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    if (stackOf(args.urn) === DEV_STACK) return;
    const env = envOf(args.props);
    if (env === undefined) return;
    const isGrafana =
      [...env.keys()].some((k) => k.startsWith("GF_")) ||
      literalImage(args)?.includes("grafana/grafana") === true;
    if (!isGrafana || env.has("GF_SECURITY_ADMIN_PASSWORD__FILE")) return;
    const password = env.get("GF_SECURITY_ADMIN_PASSWORD");
    if (password === UNKNOWN) return;
    if (password === undefined)
      report(
        `Grafana container ${args.name} sets no GF_SECURITY_ADMIN_PASSWORD, so Grafana keeps its default password "${GRAFANA_DEFAULT_PASSWORD}" in stack ${String(stackOf(args.urn))}. Set grafanaAdminPassword with \`pulumi config set --secret\`.`,
      );
    else if (password === "" || password === GRAFANA_DEFAULT_PASSWORD)
      report(
        `Grafana container ${args.name} has an ${password === "" ? "empty" : "default (admin)"} admin password in stack ${String(stackOf(args.urn))}; only the dev stack may. Set grafanaAdminPassword with \`pulumi config set --secret\`.`,
      );
  }),
};

/** Anonymous users must never be Grafana admins. */
export const grafanaAnonymousAdmin: ResourceValidationPolicy = {
  name: "grafana-no-anonymous-admin",
  description: "Grafana does not give anonymous visitors the Admin role.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    const env = envOf(args.props);
    if (env === undefined) return;
    const enabled = env.get("GF_AUTH_ANONYMOUS_ENABLED")?.toLowerCase() === "true";
    const role = env.get("GF_AUTH_ANONYMOUS_ORG_ROLE");
    if (enabled && role?.toLowerCase() === "admin")
      report(
        `Grafana container ${args.name} enables anonymous access with GF_AUTH_ANONYMOUS_ORG_ROLE=${role}: anyone who reaches the port administers Grafana. Use Viewer, or disable anonymous access.`,
      );
  }),
};

/**
 * A published port on every interface (ip 0.0.0.0, ::, or none, which Docker reads as 0.0.0.0)
 * must be deliberate: the container carries {@link BIND_ALL_LABEL}.
 */
export const hostPortAllInterfaces: ResourceValidationPolicy = {
  name: "host-port-all-interfaces-explicit",
  description: `A host port bound to every interface is marked deliberate with the label ${BIND_ALL_LABEL.label}=${BIND_ALL_LABEL.value}.`,
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    if (labelsOf(args.props).get(BIND_ALL_LABEL.label) === BIND_ALL_LABEL.value) return;
    for (const port of records(args.props.ports)) {
      if (isUnknown(port.ip)) continue;
      const ip = str(port.ip) ?? "";
      if (!["", "0.0.0.0", "::", "[::]"].includes(ip)) continue;
      report(
        `Container ${args.name} publishes host port ${String(port.external ?? port.internal)} on ${ip === "" ? "every interface (no ip given)" : ip}. Bind it to 127.0.0.1 (bindAddress), or mark it deliberate with the label ${BIND_ALL_LABEL.label}=${BIND_ALL_LABEL.value}.`,
      );
    }
  }),
};

/**
 * The Docker socket (or a directory holding it) is mounted read-only. Limit: read-only stops the
 * socket file being replaced, not API calls through it; a reader of the socket can still ask the
 * daemon for anything, so the mount is kept to the services that need it (Promtail, cAdvisor).
 */
export const dockerSocketReadOnly: ResourceValidationPolicy = {
  name: "docker-socket-read-only",
  description: "The Docker socket, or a host directory containing it, is mounted read-only.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    const mounts = [
      ...records(args.props.mounts)
        .filter((m) => str(m.type) === "bind")
        .map((m) => ({ source: str(m.source), readOnly: m.readOnly === true })),
      ...records(args.props.volumes).map((v) => ({
        source: str(v.hostPath),
        readOnly: v.readOnly === true,
      })),
    ];
    for (const m of mounts) {
      if (m.source === undefined || m.readOnly) continue;
      const source = m.source.replace(/\/+$/, "") || "/";
      if (DOCKER_SOCKET_PATHS.includes(source))
        report(
          `Container ${args.name} mounts ${source}${source.endsWith("docker.sock") ? "" : ", which holds the Docker socket,"} writable: set readOnly: true.`,
        );
    }
  }),
};

/** Privileged mode, root on the host, only for the allow-listed services, each with its reason. */
export const privilegedAllowList: ResourceValidationPolicy = {
  name: "privileged-only-allow-listed",
  description: `Only ${PRIVILEGED_ALLOW_LIST.map((a) => a.service).join(", ")} may run privileged.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    if (args.props.privileged !== true) return;
    const service = labelsOf(args.props).get(SERVICE_LABEL);
    const allowed = PRIVILEGED_ALLOW_LIST.find((a) => a.service === service);
    const image = literalImage(args);
    const repository = image === undefined ? undefined : parseImageRef(image)?.repository;
    const imageAllowed =
      repository === undefined ||
      (allowed?.images as readonly string[] | undefined)?.includes(
        normaliseRepository(repository),
      ) === true;
    if (allowed !== undefined && imageAllowed) return;
    const list = PRIVILEGED_ALLOW_LIST.map((a) => `${a.service} (${a.reason})`).join("; ");
    report(
      `Container ${args.name} (service ${service ?? "unlabelled"}${repository !== undefined ? `, image ${repository}` : ""}) runs privileged: it gets every capability and every host device, i.e. root on the host. Only these may: ${list}.`,
    );
  }),
};

/** Every image reference names a pinned tag (not `latest`) or a digest. */
export const imagePinnedTag: ResourceValidationPolicy = {
  name: "image-pinned-tag",
  description: "Images are pulled by a pinned tag other than latest, or by digest.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: forType([DOCKER_TYPES.remoteImage, DOCKER_TYPES.container], (args, report) => {
    const image = literalImage(args);
    if (image === undefined) return;
    const ref = parseImageRef(image);
    if (ref === undefined || ref.digest !== undefined) return;
    if (ref.tag === undefined || ref.tag === "latest")
      report(
        `${args.name} uses image ${image}, which ${ref.tag === undefined ? "has no tag (Docker pulls latest)" : "is tagged latest"}: every pull may bring another version. Pin a version tag, e.g. ${ref.repository}:1.2.3.`,
      );
  }),
};

/** The hardening every service container shares: memory limit, restart policy, log rotation. */
export const containerHardening: ResourceValidationPolicy = {
  name: "container-limits-restart-log-rotation",
  description:
    "Containers have a memory limit, a restart policy that brings them back, and json-file logs rotated by max-size.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    const missing: string[] = [];
    const memory = args.props.memory;
    if (!isUnknown(memory) && !(typeof memory === "number" && memory > 0))
      missing.push("a memory limit (memory, in MiB)");
    const restart = args.props.restart;
    if (!isUnknown(restart) && !RESTARTING.includes(str(restart) ?? "no"))
      missing.push(
        `a restart policy (restart: ${RESTARTING.join(" | ")}; got ${str(restart) ?? "no"})`,
      );
    // The provider's default log driver is json-file.
    const driver = str(args.props.logDriver) ?? "json-file";
    const opts = isRecord(args.props.logOpts) ? args.props.logOpts : {};
    if (driver !== "json-file")
      missing.push(`json-file logs (logDriver: json-file; got ${driver})`);
    else if (str(opts["max-size"]) === undefined && !isUnknown(opts["max-size"]))
      missing.push('log rotation (logOpts["max-size"], e.g. 10m)');
    if (missing.length > 0) report(`Container ${args.name} lacks ${missing.join(", ")}.`);
  }),
};

// ---------------------------------------------------------------------------------------------
// Advisory policies.

/** Promtail gets no more releases, security fixes included. */
export const promtailEndOfLife: ResourceValidationPolicy = {
  name: "promtail-end-of-life",
  description: `Promtail is end of life since ${PROMTAIL_EOL}; Grafana Alloy replaces it.`,
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: forType([DOCKER_TYPES.remoteImage, DOCKER_TYPES.container], (args, report) => {
    const image = literalImage(args);
    const ref = image === undefined ? undefined : parseImageRef(image);
    if (ref === undefined || normaliseRepository(ref.repository) !== "grafana/promtail") return;
    report(
      `${args.name} runs ${image ?? ""}: Promtail reached end of life on ${PROMTAIL_EOL} and gets no further releases or security fixes. Plan the move to Grafana Alloy (\`alloy convert --source-format=promtail\` translates the config).`,
    );
  }),
};

/** Without a healthcheck, `pulumi up` cannot wait for the service, nor Docker report it. */
export const containerHealthcheck: ResourceValidationPolicy = {
  name: "container-healthcheck",
  description: "Containers declare a healthcheck.",
  enforcementLevel: "advisory",
  severity: "low",
  validateResource: forType([DOCKER_TYPES.container], (args, report) => {
    const hc = args.props.healthcheck;
    if (isUnknown(hc)) return;
    const tests = isRecord(hc) && Array.isArray(hc.tests) ? hc.tests : [];
    if (tests.length === 0 || tests[0] === "NONE")
      report(
        `Container ${args.name} has no healthcheck: Docker cannot tell when it is unhealthy and \`pulumi up\` cannot wait for it to be ready.`,
      );
  }),
};

/** The Docker rule set, mandatory policies first. */
export const DOCKER_POLICIES: readonly ResourceValidationPolicy[] = [
  grafanaAdminPassword,
  grafanaAnonymousAdmin,
  hostPortAllInterfaces,
  dockerSocketReadOnly,
  privilegedAllowList,
  imagePinnedTag,
  containerHardening,
  promtailEndOfLife,
  containerHealthcheck,
];
