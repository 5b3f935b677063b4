/**
 * The Kubernetes rule set: the same intent as the Docker one, in Kubernetes' terms. These policies
 * look only at `kubernetes:*` resources, which exist only on platform kubernetes: what the program
 * registers (the Namespace, Secrets, the helm.v4 Charts, PodMonitors, PrometheusRules) and every
 * object the charts render, which the provider registers as a resource of its own.
 *
 * What a policy cannot see, and so does not judge:
 * - secretness: @pulumi/policy hands resource and stack validations every input with its secrets
 *   unwrapped (policy `deserializeProperties(..., false)`), so a Pulumi secret and a plain string
 *   look the same. Only a Secret's `additionalSecretOutputs` option is left to see.
 * - `retainOnDelete`: the engine does not send it to analyzers (its AnalyzerResourceOptions carry
 *   protect, ignoreChanges, deleteBeforeReplace, additionalSecretOutputs, aliases, customTimeouts
 *   and parent), so the data policy checks `protect`.
 * - a helm.v4 Chart's own inputs: a Chart is a component the provider constructs, and the engine
 *   records and analyzes a component without its inputs (pulumi/pulumi#10533). In a real preview
 *   {@link kubernetesChartPinned} gets no `chart` and says nothing; under the program's mocks, and
 *   once the engine passes component inputs, it checks them.
 */
import type {
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { parse } from "yaml";
import {
  type Props,
  type Subject,
  at,
  forType,
  isDevStack,
  isRecord,
  isUnknown,
  records,
  stackOf,
  str,
  typeOfUrn,
} from "./lib";

export const KUBERNETES_TYPES = {
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  service: "kubernetes:core/v1:Service",
  persistentVolumeClaim: "kubernetes:core/v1:PersistentVolumeClaim",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  chart: "kubernetes:helm.sh/v4:Chart",
  configGroup: "kubernetes:yaml/v2:ConfigGroup",
  configFile: "kubernetes:yaml/v2:ConfigFile",
  prometheus: "kubernetes:monitoring.coreos.com/v1:Prometheus",
  alertmanager: "kubernetes:monitoring.coreos.com/v1:Alertmanager",
} as const;

/**
 * What makes an object Grafana's: Kubernetes' recommended name label, which the Grafana chart
 * sets to `grafana` on its Service and Ingress (its image renderer's is grafana-image-renderer).
 */
export const GRAFANA_APP_LABEL = { label: "app.kubernetes.io/name", value: "grafana" } as const;

/** Service types that open a port outside the cluster. */
const EXPOSING_SERVICE_TYPES = ["LoadBalancer", "NodePort"];

/**
 * Resources whose rendering marks a Secret's data and stringData as Pulumi secrets (the provider's
 * yaml/v2 parser wraps both in ToSecret), but registers it without additionalSecretOutputs.
 */
const RENDERING_PARENTS: readonly string[] = [
  KUBERNETES_TYPES.chart,
  KUBERNETES_TYPES.configGroup,
  KUBERNETES_TYPES.configFile,
];

/** Workloads whose pod template the pack reads. */
const WORKLOADS: readonly string[] = [
  KUBERNETES_TYPES.deployment,
  KUBERNETES_TYPES.statefulSet,
  KUBERNETES_TYPES.daemonSet,
];

/** The Prometheus Operator's resources that stand for a StatefulSet the operator creates. */
const OPERATOR_STATEFUL: readonly string[] = [
  KUBERNETES_TYPES.prometheus,
  KUBERNETES_TYPES.alertmanager,
];

/** The key under which the Grafana chart, and the program's Secret, keep the admin password. */
const GRAFANA_PASSWORD_KEY = "admin-password";

/** Grafana's own default password. */
const GRAFANA_DEFAULT_PASSWORD = "admin";

/**
 * An exact chart version: SemVer 2 with all three numbers (Helm reads `1.2` as the range 1.2.x),
 * an optional leading v as Helm allows, no range operator.
 */
const EXACT_VERSION =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/**
 * Names of environment variables and config keys that hold a credential, in snake case (config
 * keys in camel case are converted first). The word must end the name, so PASSWORD__FILE (a path)
 * is not one; a name that starts with existing (Helm's existingSecret) names a Secret, not a
 * credential.
 */
const CREDENTIAL_NAME =
  /(^|_)(password|passwd|secret|secret_key|secret_access_key|access_key_id|access_key|token|api_key|apikey|private_key|credentials?)$/i;

/** A value that refers to a credential held elsewhere: ${VAR}, Grafana's $__env{} / $__file{}. */
const PLACEHOLDER = /\$\{[^}]*\}|\$__(env|file|vault)\{[^}]*\}/;

/** Kubernetes' dependent environment variable reference, `$(VAR)`. */
const ENV_REFERENCE = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

// ---------------------------------------------------------------------------------------------
// Reading Kubernetes objects.

interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: ReadonlyMap<string, string>;
}

function metadataOf(props: Props): ObjectMeta {
  const metadata = at(props, "metadata");
  const labels = new Map<string, string>();
  for (const [key, value] of Object.entries(at(metadata, "labels"))) {
    const s = str(value);
    if (s !== undefined) labels.set(key, s);
  }
  const name = str(metadata.name);
  const namespace = str(metadata.namespace);
  return {
    labels,
    ...(name !== undefined ? { name } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

function isGrafana(meta: ObjectMeta): boolean {
  return meta.labels.get(GRAFANA_APP_LABEL.label) === GRAFANA_APP_LABEL.value;
}

/** The kind of a Kubernetes type token: `kubernetes:apps/v1:StatefulSet` is StatefulSet. */
function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

/** The containers of a workload's pod template, init containers included when asked. */
function containersOf(props: Props, withInit: boolean): Record<string, unknown>[] {
  const pod = at(props, "spec", "template", "spec");
  return [...records(pod.containers), ...(withInit ? records(pod.initContainers) : [])];
}

/** The string entries of a Secret, stringData as given and data decoded from base64. */
function secretEntries(props: Props): Map<string, string> {
  const entries = new Map<string, string>();
  const data = isRecord(props.data) ? props.data : {};
  for (const [key, value] of Object.entries(data)) {
    const s = str(value);
    if (s !== undefined) entries.set(key, Buffer.from(s, "base64").toString("utf8"));
  }
  const stringData = isRecord(props.stringData) ? props.stringData : {};
  for (const [key, value] of Object.entries(stringData)) {
    const s = str(value);
    if (s !== undefined) entries.set(key, s);
  }
  return entries;
}

/** `secretAccessKey` and `secret_access_key` alike, for {@link CREDENTIAL_NAME}. */
function isCredentialName(name: string): boolean {
  if (/^existing/i.test(name)) return false;
  return CREDENTIAL_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[-.]/g, "_"));
}

/** A non-empty literal: neither empty nor a reference to a value held elsewhere. */
function isLiteralCredential(value: unknown): boolean {
  const s = str(value);
  return s !== undefined && s.trim() !== "" && !PLACEHOLDER.test(s);
}

/** Paths of credential keys with literal values inside a parsed YAML or JSON document. */
function credentialPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => credentialPaths(v, `${path}[${String(i)}]`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const here = path === "" ? key : `${path}.${key}`;
    if (typeof child === "string")
      return isCredentialName(key) && isLiteralCredential(child) ? [here] : [];
    return credentialPaths(child, here);
  });
}

/** Credential keys with literal values in one ConfigMap entry: a flat key, INI or YAML/JSON. */
function configMapCredentials(file: string, content: string): string[] {
  if (isCredentialName(file)) return isLiteralCredential(content) ? [file] : [];
  if (file.endsWith(".ini")) {
    let section = "";
    return content.split("\n").flatMap((line) => {
      const header = /^\s*\[([^\]]+)\]/.exec(line);
      if (header) section = `${header[1]}.`;
      const entry = /^\s*([A-Za-z0-9_.-]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (!entry || !isCredentialName(entry[1]) || !isLiteralCredential(entry[2])) return [];
      return [`${file}: ${section}${entry[1]}`];
    });
  }
  let document: unknown;
  try {
    document = parse(content);
  } catch {
    return [];
  }
  return credentialPaths(document, "").map((p) => `${file}: ${p}`);
}

// ---------------------------------------------------------------------------------------------
// Mandatory resource policies.

/**
 * The Kubernetes form of "ports on 127.0.0.1": no Service but Grafana's opens a port outside the
 * cluster. It applies in dev too, as the Docker rule does: Docker's dev publishes on every
 * interface only because the stack chose it (bindAddress) and says so on the container, not by a
 * dev exemption, and the Kubernetes platform has no such choice for anything but Grafana. A dev
 * stack's LoadBalancer on a shared cluster is as reachable as prod's.
 */
export const kubernetesServiceClusterInternal: ResourceValidationPolicy = {
  name: "kubernetes-service-cluster-internal",
  description:
    "Only Grafana's Service may be of type LoadBalancer or NodePort: Prometheus, Loki, Tempo, Alloy, the operator and the exporters stay inside the cluster.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: forType([KUBERNETES_TYPES.service], (args, report) => {
    const type = str(at(args.props, "spec").type);
    if (type === undefined || !EXPOSING_SERVICE_TYPES.includes(type)) return;
    if (isGrafana(metadataOf(args.props))) return;
    report(
      `Service ${args.name} is of type ${type}, which opens it outside the cluster; only Grafana's Service (label ${GRAFANA_APP_LABEL.label}=${GRAFANA_APP_LABEL.value}) may be. Make it ClusterIP: Grafana reaches it inside the cluster, and a person with \`kubectl port-forward\`.`,
    );
  }),
};

/**
 * Every helm.v4 Chart pins an exact chart version and names its repository, so every preview
 * renders the same chart: the Kubernetes form of a pinned image tag. Limit: see the module's
 * note; a Chart whose inputs did not reach the policy (no `chart`) is not judged.
 */
export const kubernetesChartPinned: ResourceValidationPolicy = {
  name: "kubernetes-chart-pinned",
  description:
    "Every Helm chart pins an exact version and names its repository (repositoryOpts.repo, or an oci:// chart).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: forType([KUBERNETES_TYPES.chart], (args, report) => {
    const chart = str(args.props.chart);
    if (chart === undefined) return;
    if (isUnknown(args.props.version)) return;
    const problems: string[] = [];
    const version = str(args.props.version)?.trim();
    if (version === undefined || version === "")
      problems.push("sets no version (Helm takes the newest release)");
    else if (!EXACT_VERSION.test(version))
      problems.push(
        `sets version "${version}", which is not one exact release (a range, or a partial version Helm reads as one)`,
      );
    const repo = str(at(args.props, "repositoryOpts").repo);
    if (!chart.startsWith("oci://") && (repo === undefined || repo.trim() === ""))
      problems.push(
        "names no repository (it resolves against the Helm configuration of the machine that runs the preview)",
      );
    if (problems.length > 0)
      report(
        `Chart ${args.name} (${chart}) ${problems.join(" and ")}. Pin an exact version, e.g. version: "1.2.3", and set repositoryOpts.repo (or use an oci:// chart reference).`,
      );
  }),
};

/**
 * Outside dev, nothing that holds data is deleted with the stack: the Namespace (deleting it
 * deletes every PersistentVolumeClaim in it) and every PersistentVolumeClaim are protected, and no
 * StatefulSet, Prometheus or Alertmanager deletes its claims when it is deleted. The pack checks
 * protect, the option it can see, and asks for retainOnDelete, which it cannot, beside it (see the
 * module's note). Claims made from a volumeClaimTemplate are not Pulumi resources, so
 * retainOnDelete cannot keep them: their persistentVolumeClaimRetentionPolicy must.
 */
export const kubernetesDataProtected: ResourceValidationPolicy = {
  name: "kubernetes-data-protected-in-prod",
  description:
    "Outside dev, the Namespace and every PersistentVolumeClaim are protected and retained on delete, and no StatefulSet, Prometheus or Alertmanager deletes its volume claims with it.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: forType(
    [
      KUBERNETES_TYPES.namespace,
      KUBERNETES_TYPES.persistentVolumeClaim,
      KUBERNETES_TYPES.statefulSet,
      ...OPERATOR_STATEFUL,
    ],
    (args, report) => {
      if (isDevStack(args.urn)) return;
      const stack = String(stackOf(args.urn));
      const kind = kindOf(args.type);
      if (
        args.type === KUBERNETES_TYPES.namespace ||
        args.type === KUBERNETES_TYPES.persistentVolumeClaim
      ) {
        if (args.opts.protect) return;
        const loses =
          args.type === KUBERNETES_TYPES.namespace
            ? "deletes it, and with it every PersistentVolumeClaim in it"
            : "deletes it and its volume";
        report(
          `${kind} ${args.name} is not protected in stack ${stack}: \`pulumi destroy\` or a replacement ${loses}. Give it protect: true and retainOnDelete: true (the pack checks protect; Pulumi does not show retainOnDelete to policies).`,
        );
        return;
      }
      const spec = at(args.props, "spec");
      const claims =
        args.type === KUBERNETES_TYPES.statefulSet
          ? records(spec.volumeClaimTemplates).length > 0
          : isRecord(at(spec, "storage").volumeClaimTemplate);
      const whenDeleted = str(at(spec, "persistentVolumeClaimRetentionPolicy").whenDeleted);
      if (claims && whenDeleted === "Delete")
        report(
          `${kind} ${args.name} deletes its PersistentVolumeClaims when it is deleted (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete) in stack ${stack}; they are not Pulumi resources, so retainOnDelete cannot keep them. Set whenDeleted: Retain, Kubernetes' default.`,
        );
    },
  ),
};

/**
 * A Secret the program registers itself lists data and stringData as secret outputs, which is
 * what `new k8s.core.v1.Secret` does when it wraps them in pulumi.secret(). A Secret a chart or a
 * ConfigGroup renders is exempt: the provider marks its data secret without that option.
 */
function secretMarkedSecret(subject: Subject, report: (message: string) => void): void {
  const parentType = subject.opts.parent === undefined ? undefined : typeOfUrn(subject.opts.parent);
  if (parentType !== undefined && RENDERING_PARENTS.includes(parentType)) return;
  const unmarked = ["data", "stringData"].filter(
    (field) =>
      subject.props[field] !== undefined && !subject.opts.additionalSecretOutputs.includes(field),
  );
  if (unmarked.length > 0)
    report(
      `Secret ${subject.name} is registered without ${unmarked.join(" and ")} among its secret outputs (additionalSecretOutputs), so its values can reach the Pulumi state and previews in plain text. Create it with new k8s.core.v1.Secret, which wraps data and stringData in pulumi.secret() and marks them.`,
    );
}

/** A credential in a container's env or in a ConfigMap is a plain value, whatever Pulumi did. */
function noCredentialLiterals(subject: Subject, report: (message: string) => void): void {
  if (WORKLOADS.includes(subject.type)) {
    const kind = kindOf(subject.type);
    for (const container of containersOf(subject.props, true)) {
      for (const env of records(container.env)) {
        const name = str(env.name);
        if (name === undefined || !isCredentialName(name)) continue;
        const value = str(env.value);
        if (!isLiteralCredential(value) || ENV_REFERENCE.test(value ?? "")) continue;
        report(
          `${kind} ${subject.name}: container ${str(container.name) ?? "?"} sets ${name} to a literal value, which anyone who can read the ${kind} reads, and which Pulumi stores in plain text. Put it in a Secret and read it with valueFrom.secretKeyRef.`,
        );
      }
    }
    return;
  }
  if (subject.type !== KUBERNETES_TYPES.configMap) return;
  const data = isRecord(subject.props.data) ? subject.props.data : {};
  const found = Object.entries(data).flatMap(([file, v]) => {
    const content = str(v);
    return content === undefined ? [] : configMapCredentials(file, content);
  });
  if (found.length > 0)
    report(
      `ConfigMap ${subject.name} holds credentials in plain text (${found.join(", ")}); a ConfigMap is never secret, in the cluster or in the Pulumi state. Move them to a Secret, and let the config refer to them (an environment variable it expands, or a file mounted from the Secret).`,
    );
}

/**
 * Credentials are never plain values. What the pack can see of that: a program-registered Secret
 * marks its values secret (see the module's note: the values themselves arrive unwrapped), and
 * no credential sits as a literal in a workload's env or in a ConfigMap.
 */
export const kubernetesNoPlainCredentials: ResourceValidationPolicy = {
  name: "kubernetes-no-plain-credentials",
  description:
    "Secrets the program registers mark data and stringData secret, and no workload env or ConfigMap carries a credential as a literal.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: [
    forType([KUBERNETES_TYPES.secret], secretMarkedSecret),
    forType([...WORKLOADS, KUBERNETES_TYPES.configMap], noCredentialLiterals),
  ],
};

/**
 * Outside the dev stack, the Secret that holds Grafana's admin password does not hold Grafana's
 * default nor an empty one: the Kubernetes form of grafana-admin-password-not-default. The
 * password is never echoed.
 */
export const kubernetesGrafanaAdminPassword: ResourceValidationPolicy = {
  name: "kubernetes-grafana-admin-password-not-default",
  description: `A Secret's ${GRAFANA_PASSWORD_KEY} (Grafana's admin password) is neither Grafana's default (admin) nor empty, except in dev.`,
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: forType([KUBERNETES_TYPES.secret], (args, report) => {
    if (isDevStack(args.urn)) return;
    const password = secretEntries(args.props).get(GRAFANA_PASSWORD_KEY);
    if (password !== "" && password !== GRAFANA_DEFAULT_PASSWORD) return;
    report(
      `Secret ${args.name} holds ${password === "" ? "an empty" : "the default (admin)"} Grafana admin password (${GRAFANA_PASSWORD_KEY}) in stack ${String(stackOf(args.urn))}; only the dev stack may. Set grafanaAdminPassword with \`pulumi config set --secret\`.`,
    );
  }),
};

// ---------------------------------------------------------------------------------------------
// Mandatory stack policy.

interface Backend {
  /** Where the Ingress sends it from, e.g. grafana.example.org/ or its default backend. */
  readonly from: string;
  readonly service?: string;
}

function backendsOf(ingress: PolicyResource): Backend[] {
  const spec = at(ingress.props, "spec");
  const backend = (from: string, b: unknown): Backend[] => {
    if (!isRecord(b)) return [];
    const service = str(at(b, "service").name);
    return [{ from, ...(service !== undefined ? { service } : {}) }];
  };
  return [
    ...backend("its default backend", spec.defaultBackend),
    ...records(spec.rules).flatMap((rule) =>
      records(at(rule, "http").paths).flatMap((p) =>
        backend(`${str(rule.host) ?? ""}${str(p.path) ?? "/"}`, p.backend),
      ),
    ),
  ];
}

/**
 * No Ingress routes to anything but Grafana: every backend is a Service of the stack labelled as
 * Grafana's, in the Ingress's namespace. A stack policy, since the Ingress names its Services and
 * only the Services carry the labels.
 */
export const kubernetesIngressGrafanaOnly: StackValidationPolicy = {
  name: "kubernetes-ingress-grafana-only",
  description: "An Ingress routes only to Grafana's Service.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    const grafanaServices = args.resources
      .filter((r) => r.type === KUBERNETES_TYPES.service)
      .map((r) => metadataOf(r.props))
      .filter(isGrafana);
    for (const ingress of args.resources) {
      if (ingress.type !== KUBERNETES_TYPES.ingress) continue;
      const namespace = metadataOf(ingress.props).namespace;
      const isGrafanaService = (name: string) =>
        grafanaServices.some(
          (s) =>
            s.name === name &&
            (namespace === undefined || s.namespace === undefined || s.namespace === namespace),
        );
      const elsewhere = backendsOf(ingress)
        .filter((b) => b.service === undefined || !isGrafanaService(b.service))
        .map(
          (b) =>
            `${b.from} to ${b.service !== undefined ? `Service ${b.service}` : "a resource backend"}`,
        );
      if (elsewhere.length > 0)
        report(
          `Ingress ${ingress.name} routes ${elsewhere.join(", ")}: only Grafana's Service (label ${GRAFANA_APP_LABEL.label}=${GRAFANA_APP_LABEL.value}) may be reached from outside the cluster. Remove those routes; Prometheus, Loki and Tempo are read through Grafana's datasources, or with \`kubectl port-forward\`.`,
          ingress.urn,
        );
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Advisory policies.

/**
 * Every container of a workload, and the Prometheus and Alertmanager the operator runs, has a
 * memory request and limit: the Kubernetes form of the Docker container's memory limit. Advisory,
 * because the charts' defaults leave most of them unset and the values decide. Init containers
 * are not checked (they end before the others start).
 */
export const kubernetesWorkloadMemory: ResourceValidationPolicy = {
  name: "kubernetes-workload-memory",
  description:
    "Every container of a Deployment, StatefulSet or DaemonSet, and every Prometheus and Alertmanager, has resources.requests.memory and resources.limits.memory.",
  enforcementLevel: "advisory",
  severity: "medium",
  validateResource: forType([...WORKLOADS, ...OPERATOR_STATEFUL], (args, report) => {
    const kind = kindOf(args.type);
    const subjects = OPERATOR_STATEFUL.includes(args.type)
      ? [{ what: kind.toLowerCase(), resources: at(args.props, "spec", "resources") }]
      : containersOf(args.props, false).map((c) => ({
          what: `container ${str(c.name) ?? "?"}`,
          resources: at(c, "resources"),
        }));
    const lacking = subjects.flatMap(({ what, resources }) => {
      const missing = ["requests", "limits"]
        .filter((k) => !hasMemory(at(resources, k)))
        .map((k) => `${k}.memory`);
      return missing.length === 0 ? [] : [`${what} lacks ${missing.join(" and ")}`];
    });
    if (lacking.length > 0)
      report(
        `${kind} ${args.name}: ${lacking.join("; ")}. Without a request the scheduler places it blind to its memory, and without a limit one leak can starve the node. Set resources in the chart's values.`,
      );
  }),
};

/** A memory quantity: a string such as 512Mi, or a number of bytes. */
function hasMemory(requestsOrLimits: Record<string, unknown>): boolean {
  const memory = requestsOrLimits.memory;
  return str(memory) !== undefined || typeof memory === "number";
}

/** The Kubernetes rule set, mandatory policies first. */
export const KUBERNETES_RESOURCE_POLICIES: readonly ResourceValidationPolicy[] = [
  kubernetesServiceClusterInternal,
  kubernetesChartPinned,
  kubernetesDataProtected,
  kubernetesNoPlainCredentials,
  kubernetesGrafanaAdminPassword,
  kubernetesWorkloadMemory,
];

export const KUBERNETES_STACK_POLICIES: readonly StackValidationPolicy[] = [
  kubernetesIngressGrafanaOnly,
];
