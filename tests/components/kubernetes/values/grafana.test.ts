import {
  type GrafanaOptions,
  grafanaValues,
} from "../../../../components/kubernetes/values/grafana";
import { credentialLeaves, pathsOutside } from "./chart-keys";

// Key paths checked against grafana-community/helm-charts charts/grafana/values.yaml
// @ grafana-12.11.1 (line numbers there). `persistence.storageClassName` (L492) and
// `ingress.ingressClassName` (L306) are documented in comments and rendered as given
// (templates/pvc.yaml, templates/ingress.yaml). `grafana.ini` is Grafana's own configuration,
// written out as is; `envValueFrom` maps variable names to Kubernetes valueFrom objects;
// `resources` is copied into the pod spec.
const CHART_KEYS = [
  "testFramework.enabled", // L127
  "deploymentStrategy.type", // L80
  "service.type", // L253
  "service.port", // L261
  "ingress.enabled", // L305
  "ingress.ingressClassName",
  "ingress.path", // L312
  "ingress.pathType", // L313
  "ingress.hosts", // L315
  "resources", // L427
  "persistence.type", // L490
  "persistence.enabled", // L491
  "persistence.storageClassName",
  "persistence.size", // L497
  "initChownData.enabled", // L535
  "admin.existingSecret", // L577
  "admin.userKey", // L578
  "admin.passwordKey", // L579
  "envValueFrom", // L628
  "grafana.ini", // L959
  "sidecar.dashboards.enabled", // L1163
  "sidecar.datasources.enabled", // L1282
];

const dev: GrafanaOptions = {
  memoryMb: 256,
  storage: { sizeGb: 5 },
  adminSecret: "grafana-admin",
  rootUrl: "http://localhost:3000",
};

const prod: GrafanaOptions = {
  memoryMb: 512,
  storage: { storageClass: "fast-ssd", sizeGb: 10 },
  adminSecret: "grafana-admin",
  rootUrl: "https://grafana.example.com",
  ingress: { host: "grafana.example.com", className: "nginx" },
  smtp: {
    host: "smtp.example.com:587",
    user: "alerts@example.com",
    fromAddress: "alerts@example.com",
    passwordSecret: { name: "grafana-smtp", key: "password" },
  },
};

/** The Docker container's settings, the same in every case but root_url and SMTP. */
const ini = {
  users: { allow_sign_up: false },
  "auth.anonymous": { enabled: false },
  analytics: {
    reporting_enabled: false,
    check_for_updates: false,
    check_for_plugin_updates: false,
  },
};

const fixed = {
  testFramework: { enabled: false },
  admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
  deploymentStrategy: { type: "Recreate" },
  initChownData: { enabled: false },
  service: { type: "ClusterIP", port: 3000 },
  sidecar: { dashboards: { enabled: false }, datasources: { enabled: false } },
};

describe("grafanaValues", () => {
  it("renders the dev values: admin from the Secret, a PVC, no Ingress, no e-mail", () => {
    // Given dev options, when the values are rendered
    const values = grafanaValues(dev);

    // Then they are exactly these
    expect(values).toStrictEqual({
      ...fixed,
      "grafana.ini": { server: { root_url: "http://localhost:3000" }, ...ini },
      persistence: { enabled: true, type: "pvc", size: "5Gi" },
      resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "256Mi" } },
    });
  });

  it("renders the prod values: Ingress, storage class, SMTP password from its Secret", () => {
    // Given prod options, when the values are rendered
    const values = grafanaValues(prod);

    // Then they are exactly these
    expect(values).toStrictEqual({
      ...fixed,
      "grafana.ini": {
        server: { root_url: "https://grafana.example.com" },
        ...ini,
        smtp: {
          enabled: true,
          host: "smtp.example.com:587",
          from_address: "alerts@example.com",
          user: "alerts@example.com",
        },
      },
      envValueFrom: {
        GF_SMTP_PASSWORD: { secretKeyRef: { name: "grafana-smtp", key: "password" } },
      },
      persistence: { enabled: true, type: "pvc", size: "10Gi", storageClassName: "fast-ssd" },
      resources: { requests: { cpu: "50m", memory: "512Mi" }, limits: { memory: "512Mi" } },
      ingress: {
        enabled: true,
        ingressClassName: "nginx",
        hosts: ["grafana.example.com"],
        path: "/",
        pathType: "Prefix",
      },
    });
  });

  it("sends e-mail through a relay without login or password", () => {
    // Given SMTP without a user or a password, and an Ingress of the default class
    const values = grafanaValues({
      ...dev,
      ingress: { host: "grafana.local" },
      smtp: { host: "relay:25", user: "", fromAddress: "grafana@example.com" },
    });

    // Then grafana.ini has no user, there is no password variable, and no ingressClassName
    expect(values["grafana.ini"].smtp).toStrictEqual({
      enabled: true,
      host: "relay:25",
      from_address: "grafana@example.com",
    });
    expect(values.envValueFrom).toBeUndefined();
    expect(values.ingress).toStrictEqual({
      enabled: true,
      hosts: ["grafana.local"],
      path: "/",
      pathType: "Prefix",
    });
  });

  it.each([
    ["dev", dev],
    ["prod", prod],
  ])("sets only keys the chart declares (%s)", (_, opts) => {
    expect(pathsOutside(grafanaValues(opts), CHART_KEYS)).toEqual([]);
  });

  it("holds no credential, only the Secrets' names and keys", () => {
    // Given prod options with an SMTP password Secret, when the values are rendered
    const values = grafanaValues(prod);

    // Then no key holds a password or a secret key
    expect(credentialLeaves(values)).toEqual([]);
  });
});
