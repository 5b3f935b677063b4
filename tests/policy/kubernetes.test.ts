import type { PolicyResourceOptions, ResourceValidationPolicy } from "@pulumi/policy";
import {
  GRAFANA_APP_LABEL,
  TYPES,
  kubernetesChartPinned,
  kubernetesDataProtected,
  kubernetesGrafanaAdminPassword,
  kubernetesIngressGrafanaOnly,
  kubernetesNoPlainCredentials,
  kubernetesServiceClusterInternal,
  kubernetesWorkloadMemory,
} from "../../policy/policies";
import { policyResource, resourceArgs, urnOf, validateResource, validateStack } from "./harness";

const NS = "monitoring";
const PLATFORM = "timemanager:monitoring:KubernetesPlatform";

/** What a check is given: the stack, the Pulumi name and the resource options. */
interface On {
  readonly stack?: string;
  readonly name?: string;
  readonly opts?: Partial<PolicyResourceOptions>;
}

const check = (
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  on: On = {},
) => validateResource(policy, resourceArgs(type, props, on));

/** Object metadata as a chart renders it: the chart's labels, app.kubernetes.io/name first. */
const metadata = (name: string, app: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: NS,
  labels: { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app },
  ...extra,
});

/** The URN of a chart, a child's parent. */
const chartUrn = (stack: string, name: string) => urnOf(stack, TYPES.chart, name);

describe("kubernetes-service-cluster-internal", () => {
  const service = (name: string, app: string, type: string) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(name, app),
    spec: { type, ports: [{ name: "http", port: 9090, targetPort: 9090 }] },
  });

  it.each([
    ["dev", "LoadBalancer"],
    ["prod", "LoadBalancer"],
    ["dev", "NodePort"],
    ["prod", "NodePort"],
  ])("rejects Prometheus's Service in %s when of type %s", async (stack, type) => {
    // Given kube-prometheus-stack's Prometheus Service opened outside the cluster
    const props = service(
      "kube-prometheus-stack-prometheus",
      "kube-prometheus-stack-prometheus",
      type,
    );
    // When the policy looks at it, in dev as in prod
    const messages = await check(kubernetesServiceClusterInternal, TYPES.service, props, {
      stack,
      name: "kubernetes-prometheus:monitoring/kube-prometheus-stack-prometheus",
    });
    // Then it names the Service and says how to reach it instead
    expect(messages).toEqual([
      `Service kubernetes-prometheus:monitoring/kube-prometheus-stack-prometheus is of type ${type}, which opens it outside the cluster; only Grafana's Service (label app.kubernetes.io/name=grafana) may be. Make it ClusterIP: Grafana reaches it inside the cluster, and a person with \`kubectl port-forward\`.`,
    ]);
  });

  it("rejects Grafana's image renderer, which is not Grafana", async () => {
    const props = service("grafana-image-renderer", "grafana-image-renderer", "NodePort");
    expect(await check(kubernetesServiceClusterInternal, TYPES.service, props)).toEqual([
      "Service subject is of type NodePort, which opens it outside the cluster; only Grafana's Service (label app.kubernetes.io/name=grafana) may be. Make it ClusterIP: Grafana reaches it inside the cluster, and a person with `kubectl port-forward`.",
    ]);
  });

  it.each(["LoadBalancer", "NodePort"])("accepts Grafana's Service of type %s", async (type) => {
    const props = service("grafana", GRAFANA_APP_LABEL.value, type);
    expect(await check(kubernetesServiceClusterInternal, TYPES.service, props)).toEqual([]);
  });

  it.each(["ClusterIP", undefined])("accepts Loki's Service of type %s", async (type) => {
    const props = service("loki", "loki", type ?? "");
    expect(await check(kubernetesServiceClusterInternal, TYPES.service, props)).toEqual([]);
  });
});

describe("kubernetes-ingress-grafana-only", () => {
  const service = (name: string, app: string) =>
    policyResource(
      TYPES.service,
      { metadata: metadata(name, app), spec: { type: "ClusterIP" } },
      { name: `svc-${name}` },
    );
  const grafana = service("grafana", GRAFANA_APP_LABEL.value);
  const prometheus = service(
    "kube-prometheus-stack-prometheus",
    "kube-prometheus-stack-prometheus",
  );
  const route = (path: string, serviceName: string) => ({
    path,
    pathType: "Prefix",
    backend: { service: { name: serviceName, port: { number: 80 } } },
  });
  const ingress = (spec: Record<string, unknown>, namespace = NS) =>
    policyResource(
      TYPES.ingress,
      { metadata: { ...metadata("grafana", GRAFANA_APP_LABEL.value), namespace }, spec },
      { name: "kubernetes-grafana:monitoring/grafana" },
    );

  it("accepts an Ingress to Grafana's Service", async () => {
    const toGrafana = ingress({
      rules: [{ host: "grafana.example.org", http: { paths: [route("/", "grafana")] } }],
    });
    expect(
      await validateStack(kubernetesIngressGrafanaOnly, [grafana, prometheus, toGrafana]),
    ).toEqual([]);
  });

  it("rejects a path to Prometheus beside Grafana's, naming the route", async () => {
    // Given Grafana's Ingress with an extra path to Prometheus (the chart's extraPaths)
    const extra = ingress({
      rules: [
        {
          host: "grafana.example.org",
          http: {
            paths: [
              route("/", "grafana"),
              route("/prometheus", "kube-prometheus-stack-prometheus"),
            ],
          },
        },
      ],
    });
    // When the stack policy runs
    const reported = await validateStack(kubernetesIngressGrafanaOnly, [
      grafana,
      prometheus,
      extra,
    ]);
    // Then the Ingress is reported, with the route that leaves Grafana
    expect(reported).toEqual([
      {
        message:
          "Ingress kubernetes-grafana:monitoring/grafana routes grafana.example.org/prometheus to Service kube-prometheus-stack-prometheus: only Grafana's Service (label app.kubernetes.io/name=grafana) may be reached from outside the cluster. Remove those routes; Prometheus, Loki and Tempo are read through Grafana's datasources, or with `kubectl port-forward`.",
        urn: extra.urn,
      },
    ]);
  });

  it("rejects a resource backend, and Grafana's Service name in another namespace", async () => {
    // Given an Ingress in namespace other, whose Service "grafana" is not the stack's Grafana
    const elsewhere = ingress(
      {
        defaultBackend: { resource: { apiGroup: "k8s.example.org", kind: "Bucket", name: "b" } },
        rules: [{ http: { paths: [route("/", "grafana")] } }],
      },
      "other",
    );
    // Then both routes are reported, the default backend first
    expect(await validateStack(kubernetesIngressGrafanaOnly, [grafana, elsewhere])).toEqual([
      {
        message:
          "Ingress kubernetes-grafana:monitoring/grafana routes its default backend to a resource backend, / to Service grafana: only Grafana's Service (label app.kubernetes.io/name=grafana) may be reached from outside the cluster. Remove those routes; Prometheus, Loki and Tempo are read through Grafana's datasources, or with `kubectl port-forward`.",
        urn: elsewhere.urn,
      },
    ]);
  });
});

describe("kubernetes-chart-pinned", () => {
  const chart = (overrides: Record<string, unknown> = {}) => ({
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
    namespace: NS,
    name: "kube-prometheus-stack",
    values: {},
    ...overrides,
  });
  const pinned = (props: Record<string, unknown>) =>
    check(kubernetesChartPinned, TYPES.chart, props, { name: "kubernetes-prometheus" });
  const ADVICE =
    'Pin an exact version, e.g. version: "1.2.3", and set repositoryOpts.repo (or use an oci:// chart reference).';

  it("accepts an exact version from a named repository", async () => {
    expect(await pinned(chart())).toEqual([]);
  });

  it("accepts an OCI chart, whose reference names the registry", async () => {
    const props = chart({
      chart: "oci://ghcr.io/grafana/helm-charts/loki",
      repositoryOpts: undefined,
    });
    expect(await pinned(props)).toEqual([]);
  });

  it("rejects a chart without a version", async () => {
    expect(await pinned(chart({ version: undefined }))).toEqual([
      `Chart kubernetes-prometheus (kube-prometheus-stack) sets no version (Helm takes the newest release). ${ADVICE}`,
    ]);
  });

  it.each(["^88.0.0", "~88.5", "88.5", "88.x", ">=88.5.3", "*"])(
    "rejects the range or partial version %s",
    async (version) => {
      expect(await pinned(chart({ version }))).toEqual([
        `Chart kubernetes-prometheus (kube-prometheus-stack) sets version "${version}", which is not one exact release (a range, or a partial version Helm reads as one). ${ADVICE}`,
      ]);
    },
  );

  it.each(["88.5.3", "v1.2.3", "1.0.0-rc.1", "1.0.0+build.5"])(
    "accepts the exact version %s",
    async (version) => {
      expect(await pinned(chart({ version }))).toEqual([]);
    },
  );

  it("rejects a chart without a repository, and says both problems at once", async () => {
    expect(await pinned(chart({ version: "", repositoryOpts: {} }))).toEqual([
      `Chart kubernetes-prometheus (kube-prometheus-stack) sets no version (Helm takes the newest release) and names no repository (it resolves against the Helm configuration of the machine that runs the preview). ${ADVICE}`,
    ]);
  });

  it("says nothing of a Chart whose inputs the engine did not hand over (pulumi/pulumi#10533)", async () => {
    // In a real preview the Chart component reaches analyzers without its inputs.
    expect(await pinned({})).toEqual([]);
  });
});

describe("kubernetes-data-protected-in-prod", () => {
  const namespace = { metadata: { name: NS } };
  const claim = {
    metadata: metadata("grafana", "grafana"),
    spec: { accessModes: ["ReadWriteOnce"] },
  };
  const statefulSet = (whenDeleted?: string, claims = true) => ({
    metadata: metadata("loki-backend", "loki"),
    spec: {
      ...(whenDeleted === undefined
        ? {}
        : { persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled: "Delete" } }),
      template: { spec: { containers: [{ name: "loki" }] } },
      volumeClaimTemplates: claims ? [{ metadata: { name: "data" } }] : [],
    },
  });

  it("rejects an unprotected Namespace in prod, and says the pack sees protect only", async () => {
    const messages = await check(kubernetesDataProtected, TYPES.namespace, namespace, {
      name: "kubernetes-namespace",
    });
    expect(messages).toEqual([
      "Namespace kubernetes-namespace is not protected in stack prod: `pulumi destroy` or a replacement deletes it, and with it every PersistentVolumeClaim in it. Give it protect: true and retainOnDelete: true (the pack checks protect; Pulumi does not show retainOnDelete to policies).",
    ]);
  });

  it("rejects an unprotected PersistentVolumeClaim in prod", async () => {
    const messages = await check(kubernetesDataProtected, TYPES.persistentVolumeClaim, claim, {
      name: "kubernetes-grafana:monitoring/grafana",
      opts: { parent: chartUrn("prod", "kubernetes-grafana") },
    });
    expect(messages).toEqual([
      "PersistentVolumeClaim kubernetes-grafana:monitoring/grafana is not protected in stack prod: `pulumi destroy` or a replacement deletes it and its volume. Give it protect: true and retainOnDelete: true (the pack checks protect; Pulumi does not show retainOnDelete to policies).",
    ]);
  });

  it.each([
    ["Namespace", TYPES.namespace, namespace],
    ["PersistentVolumeClaim", TYPES.persistentVolumeClaim, claim],
  ])("accepts a protected %s in prod", async (_, type, props) => {
    expect(await check(kubernetesDataProtected, type, props, { opts: { protect: true } })).toEqual(
      [],
    );
  });

  it.each([
    ["Namespace", TYPES.namespace, namespace],
    ["PersistentVolumeClaim", TYPES.persistentVolumeClaim, claim],
  ])("accepts an unprotected %s in dev, whose volumes destroy removes", async (_, type, props) => {
    expect(await check(kubernetesDataProtected, type, props, { stack: "dev" })).toEqual([]);
  });

  it("rejects a StatefulSet that deletes its claims with it in prod", async () => {
    const messages = await check(
      kubernetesDataProtected,
      TYPES.statefulSet,
      statefulSet("Delete"),
      {
        name: "kubernetes-loki:monitoring/loki-backend",
      },
    );
    expect(messages).toEqual([
      "StatefulSet kubernetes-loki:monitoring/loki-backend deletes its PersistentVolumeClaims when it is deleted (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete) in stack prod; they are not Pulumi resources, so retainOnDelete cannot keep them. Set whenDeleted: Retain, Kubernetes' default.",
    ]);
  });

  it("rejects a Prometheus whose operator-made StatefulSet deletes its claims", async () => {
    const props = {
      spec: {
        storage: {
          volumeClaimTemplate: { spec: { resources: { requests: { storage: "20Gi" } } } },
        },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" },
      },
    };
    const messages = await check(kubernetesDataProtected, TYPES.prometheus, props, { name: "p" });
    expect(messages).toEqual([
      expect.stringMatching(/^Prometheus p deletes its PersistentVolumeClaims/),
    ]);
  });

  it.each([
    ["keeps its claims (Retain)", "prod", statefulSet("Retain")],
    ["sets no retention policy (Kubernetes retains)", "prod", statefulSet(undefined)],
    ["has no claim templates", "prod", statefulSet("Delete", false)],
    ["deletes its claims in dev", "dev", statefulSet("Delete")],
  ])("accepts a StatefulSet that %s", async (_, stack, props) => {
    expect(await check(kubernetesDataProtected, TYPES.statefulSet, props, { stack })).toEqual([]);
  });
});

describe("kubernetes-no-plain-credentials", () => {
  const platformUrn = urnOf("prod", PLATFORM, "kubernetes");
  const adminSecret = {
    metadata: { name: "grafana-admin", namespace: NS },
    stringData: { "admin-user": "admin", "admin-password": "correct-horse-battery-staple" },
  };

  describe("a Secret", () => {
    it("accepts one the program registers with new k8s.core.v1.Secret", async () => {
      const opts = { parent: platformUrn, additionalSecretOutputs: ["data", "stringData"] };
      expect(
        await check(kubernetesNoPlainCredentials, TYPES.secret, adminSecret, { opts }),
      ).toEqual([]);
    });

    it("rejects one the program registers without marking its values secret", async () => {
      // Given a Secret registered by hand (a raw CustomResource), without additionalSecretOutputs
      const messages = await check(kubernetesNoPlainCredentials, TYPES.secret, adminSecret, {
        name: "kubernetes-grafana-admin",
        opts: { parent: platformUrn },
      });
      // Then it is reported: the policy cannot see whether the values themselves were secrets
      expect(messages).toEqual([
        "Secret kubernetes-grafana-admin is registered without stringData among its secret outputs (additionalSecretOutputs), so its values can reach the Pulumi state and previews in plain text. Create it with new k8s.core.v1.Secret, which wraps data and stringData in pulumi.secret() and marks them.",
      ]);
    });

    it("accepts one a chart renders, whose data the provider marks secret", async () => {
      const opts = { parent: chartUrn("prod", "kubernetes-grafana") };
      expect(
        await check(kubernetesNoPlainCredentials, TYPES.secret, adminSecret, { opts }),
      ).toEqual([]);
    });
  });

  describe("a workload's env", () => {
    const deployment = (env: Record<string, unknown>[]) => ({
      metadata: metadata("grafana", "grafana"),
      spec: {
        template: {
          spec: { containers: [{ name: "grafana", image: "grafana/grafana:12.3.1", env }] },
        },
      },
    });

    it("rejects a credential given as a literal", async () => {
      const props = deployment([
        { name: "GF_SECURITY_ADMIN_USER", value: "admin" },
        { name: "GF_SECURITY_ADMIN_PASSWORD", value: "hunter2" },
      ]);
      const messages = await check(kubernetesNoPlainCredentials, TYPES.deployment, props, {
        name: "kubernetes-grafana:monitoring/grafana",
      });
      expect(messages).toEqual([
        "Deployment kubernetes-grafana:monitoring/grafana: container grafana sets GF_SECURITY_ADMIN_PASSWORD to a literal value, which anyone who can read the Deployment reads, and which Pulumi stores in plain text. Put it in a Secret and read it with valueFrom.secretKeyRef.",
      ]);
    });

    it.each([
      ["AWS_ACCESS_KEY_ID", TYPES.statefulSet],
      ["AWS_SECRET_ACCESS_KEY", TYPES.statefulSet],
      ["GF_SMTP_PASSWORD", TYPES.deployment],
      ["OAUTH_CLIENT_SECRET", TYPES.daemonSet],
      ["API_TOKEN", TYPES.daemonSet],
    ])("rejects %s as a literal", async (name, type) => {
      const messages = await check(
        kubernetesNoPlainCredentials,
        type,
        deployment([{ name, value: "x" }]),
      );
      expect(messages).toEqual([expect.stringContaining(`sets ${name} to a literal value`)]);
    });

    it.each([
      [
        "read from a Secret",
        {
          name: "GF_SECURITY_ADMIN_PASSWORD",
          valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-password" } },
        },
      ],
      [
        "a file path",
        { name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: "/etc/secrets/admin-password" },
      ],
      [
        "a reference to another variable",
        { name: "DB_PASSWORD", value: "$(PASSWORD_FROM_SECRET)" },
      ],
      ["empty", { name: "GF_SMTP_PASSWORD", value: "" }],
      ["not a credential", { name: "GF_SECURITY_ADMIN_USER", value: "admin" }],
    ])("accepts a credential variable %s", async (_, env) => {
      expect(
        await check(kubernetesNoPlainCredentials, TYPES.deployment, deployment([env])),
      ).toEqual([]);
    });
  });

  describe("a ConfigMap", () => {
    const configMap = (data: Record<string, string>) => ({
      metadata: metadata("tempo", "tempo"),
      data,
    });

    it("rejects credentials in a YAML config, a grafana.ini and a flat key, naming each", async () => {
      const props = configMap({
        "tempo.yaml":
          "storage:\n  trace:\n    s3:\n      access_key: AKIAEXAMPLE\n      secretKey: abc\n",
        "grafana.ini": "[security]\nadmin_user = admin\nadmin_password = hunter2\n",
        AWS_SECRET_ACCESS_KEY: "abc",
      });
      const messages = await check(kubernetesNoPlainCredentials, TYPES.configMap, props, {
        name: "kubernetes-tempo:monitoring/tempo",
      });
      expect(messages).toEqual([
        "ConfigMap kubernetes-tempo:monitoring/tempo holds credentials in plain text (tempo.yaml: storage.trace.s3.access_key, tempo.yaml: storage.trace.s3.secretKey, grafana.ini: security.admin_password, AWS_SECRET_ACCESS_KEY); a ConfigMap is never secret, in the cluster or in the Pulumi state. Move them to a Secret, and let the config refer to them (an environment variable it expands, or a file mounted from the Secret).",
      ]);
    });

    it("accepts configs that refer to credentials held elsewhere", async () => {
      const props = configMap({
        "tempo.yaml":
          "storage:\n  trace:\n    s3:\n      access_key: ${AWS_ACCESS_KEY_ID}\n      secret_key: ${AWS_SECRET_ACCESS_KEY}\n",
        "grafana.ini":
          "[smtp]\npassword = $__file{/etc/secrets/smtp/password}\n[security]\nadmin_password = $__env{GF_ADMIN_PASSWORD}\n",
        "config.alloy": 'remote.s3 "x" { password = env("PW") }',
        "datasources.yaml": "basicAuth:\n  existingSecret: grafana-admin\n",
        "dashboards.json": JSON.stringify({ panels: [{ title: "Tokens per second" }] }),
      });
      expect(await check(kubernetesNoPlainCredentials, TYPES.configMap, props)).toEqual([]);
    });
  });
});

describe("kubernetes-grafana-admin-password-not-default", () => {
  const secret = (password: string, field: "stringData" | "data" = "stringData") => ({
    metadata: { name: "grafana-admin", namespace: NS },
    [field]: {
      "admin-user": field === "data" ? Buffer.from("admin").toString("base64") : "admin",
      "admin-password": field === "data" ? Buffer.from(password).toString("base64") : password,
    },
  });
  const on = (stack: string) => ({ stack, name: "kubernetes-grafana-admin" });

  it.each([
    ["the default admin", "admin", "the default (admin)"],
    ["an empty password", "", "an empty"],
  ])("rejects %s outside dev", async (_, password, what) => {
    const messages = await check(
      kubernetesGrafanaAdminPassword,
      TYPES.secret,
      secret(password),
      on("prod"),
    );
    expect(messages).toEqual([
      `Secret kubernetes-grafana-admin holds ${what} Grafana admin password (admin-password) in stack prod; only the dev stack may. Set grafanaAdminPassword with \`pulumi config set --secret\`.`,
    ]);
  });

  it("reads the password in data, base64-encoded", async () => {
    const props = secret("admin", "data");
    expect(await check(kubernetesGrafanaAdminPassword, TYPES.secret, props, on("prod"))).toEqual([
      "Secret kubernetes-grafana-admin holds the default (admin) Grafana admin password (admin-password) in stack prod; only the dev stack may. Set grafanaAdminPassword with `pulumi config set --secret`.",
    ]);
  });

  it("accepts the seed's admin in the dev stack", async () => {
    expect(
      await check(kubernetesGrafanaAdminPassword, TYPES.secret, secret("admin"), on("dev")),
    ).toEqual([]);
  });

  it("accepts a real password outside dev, and a Secret without the key", async () => {
    expect(
      await check(
        kubernetesGrafanaAdminPassword,
        TYPES.secret,
        secret("correct-horse"),
        on("prod"),
      ),
    ).toEqual([]);
    const storage = { stringData: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" } };
    expect(await check(kubernetesGrafanaAdminPassword, TYPES.secret, storage, on("prod"))).toEqual(
      [],
    );
  });
});

describe("kubernetes-workload-memory (advisory)", () => {
  const memory = { requests: { memory: "256Mi" }, limits: { memory: "512Mi" } };
  const statefulSet = (containers: Record<string, unknown>[]) => ({
    metadata: metadata("loki", "loki"),
    spec: {
      template: {
        spec: { containers, initContainers: [{ name: "init", image: "busybox:1.37" }] },
      },
    },
  });

  it("is advisory", () => {
    expect(kubernetesWorkloadMemory.enforcementLevel).toBe("advisory");
  });

  it("names each container and what it lacks", async () => {
    const props = statefulSet([
      { name: "loki", resources: memory },
      { name: "loki-sc-rules" },
      { name: "gateway", resources: { limits: { memory: "128Mi" } } },
    ]);
    const messages = await check(kubernetesWorkloadMemory, TYPES.statefulSet, props, {
      name: "kubernetes-loki:monitoring/loki",
    });
    expect(messages).toEqual([
      "StatefulSet kubernetes-loki:monitoring/loki: container loki-sc-rules lacks requests.memory and limits.memory; container gateway lacks requests.memory. Without a request the scheduler places it blind to its memory, and without a limit one leak can starve the node. Set resources in the chart's values.",
    ]);
  });

  it("reads the Prometheus the operator runs", async () => {
    const props = { spec: { replicas: 1, resources: { requests: { memory: "1Gi" } } } };
    expect(await check(kubernetesWorkloadMemory, TYPES.prometheus, props, { name: "p" })).toEqual([
      "Prometheus p: prometheus lacks limits.memory. Without a request the scheduler places it blind to its memory, and without a limit one leak can starve the node. Set resources in the chart's values.",
    ]);
  });

  it.each([
    ["Deployment", TYPES.deployment],
    ["StatefulSet", TYPES.statefulSet],
    ["DaemonSet", TYPES.daemonSet],
  ])(
    "accepts a %s whose containers all have both (init containers are not judged)",
    async (_, type) => {
      const props = statefulSet([
        { name: "a", resources: memory },
        { name: "b", resources: { requests: { memory: 268435456 }, limits: { memory: "1Gi" } } },
      ]);
      expect(await check(kubernetesWorkloadMemory, type, props)).toEqual([]);
    },
  );
});
