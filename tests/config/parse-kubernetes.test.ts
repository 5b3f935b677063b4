import { KEY_NAMES, KEYS, type KeySpec } from "../../config/keys";
import { parseValues } from "../../config/parse";
import {
  configMap,
  DEV_VALUES,
  invalid,
  parse,
  PROD_PASSWORD,
  PROJECT,
  rejection,
  rejectionOf,
  SECRETS_SET_AS_SECRETS,
} from "./values";

const P = PROJECT;
const GRAFANA_URL = "http://localhost:3000";

/** A Kubernetes stack: `platform` and the grafanaUrl it requires, then `settings`. */
function k8s(settings: Record<string, string> = {}): Record<string, string> {
  return { platform: "kubernetes", grafanaUrl: GRAFANA_URL, ...settings };
}

/** What a Kubernetes dev stack with only platform and grafanaUrl gets. */
const K8S_VALUES = { ...DEV_VALUES, platform: "kubernetes", grafanaUrl: GRAFANA_URL } as const;

/** One value other than the default for each Docker-only key: as set, and as parsed. */
const DOCKER_SAMPLES: Record<string, readonly [string, unknown]> = {
  namePrefix: ["tm", "tm"],
  composeProject: ["observability", "observability"],
  bindAddress: ["127.0.0.1", "127.0.0.1"],
  appNetwork: ["app_default", "app_default"],
  createAppNetwork: ["true", true],
  backendTarget: ["api:8080", "api:8080"],
  traefikTarget: ["proxy:8082", "proxy:8082"],
  prometheusImage: ["prom/prometheus:v3.13.2", "prom/prometheus:v3.13.2"],
  lokiImage: ["grafana/loki:3.7.5", "grafana/loki:3.7.5"],
  promtailImage: ["grafana/promtail:3.6.10", "grafana/promtail:3.6.10"],
  tempoImage: ["grafana/tempo:3.0.2", "grafana/tempo:3.0.2"],
  cadvisorImage: ["ghcr.io/google/cadvisor:v0.60.4", "ghcr.io/google/cadvisor:v0.60.4"],
  grafanaImage: ["grafana/grafana:13.2.2", "grafana/grafana:13.2.2"],
  alloyImage: ["grafana/alloy:v1.20.0", "grafana/alloy:v1.20.0"],
  grafanaPort: ["5001", 5001],
  prometheusPort: ["5090", 5090],
  lokiPort: ["5100", 5100],
  tempoPort: ["5200", 5200],
  tempoOtlpGrpcPort: ["5317", 5317],
  tempoOtlpHttpPort: ["5318", 5318],
  promtailMemoryMb: ["128", 128],
  cadvisorMemoryMb: ["128", 128],
  logShipper: ["alloy", "alloy"],
};

/** One value other than the default for each Kubernetes-only key: as set, and as parsed. */
const KUBERNETES_SAMPLES: Record<string, readonly [string, unknown]> = {
  kubernetesNamespace: ["observability", "observability"],
  kubePrometheusStackChart: ["kps-mirror", "kps-mirror"],
  kubePrometheusStackChartRepo: [
    "oci://ghcr.io/prometheus-community/charts",
    "oci://ghcr.io/prometheus-community/charts",
  ],
  kubePrometheusStackChartVersion: ["88.6.0", "88.6.0"],
  lokiChart: ["loki-mirror", "loki-mirror"],
  lokiChartRepo: ["https://charts.example.org/grafana", "https://charts.example.org/grafana"],
  lokiChartVersion: ["18.12.0-rc.1", "18.12.0-rc.1"],
  tempoChart: ["tempo-mirror", "tempo-mirror"],
  tempoChartRepo: [
    "oci://registry.example.org:5000/charts",
    "oci://registry.example.org:5000/charts",
  ],
  tempoChartVersion: ["2.3.0", "2.3.0"],
  alloyChart: ["alloy-mirror", "alloy-mirror"],
  alloyChartRepo: ["https://charts.example.org", "https://charts.example.org"],
  alloyChartVersion: ["1.12.0+build.7", "1.12.0+build.7"],
  grafanaChart: ["grafana-mirror", "grafana-mirror"],
  grafanaChartRepo: [
    "https://charts.example.org/community",
    "https://charts.example.org/community",
  ],
  grafanaChartVersion: ["12.12.0", "12.12.0"],
  storageClass: ["fast-ssd", "fast-ssd"],
  prometheusVolumeGb: ["100", 100],
  lokiVolumeGb: ["50", 50],
  tempoVolumeGb: ["40", 40],
  grafanaVolumeGb: ["5", 5],
  prometheusReplicas: ["2", 2],
  lokiReplicas: ["5", 5],
  objectStorageEndpoint: ["minio.storage:9000", "minio.storage:9000"],
  objectStorageRegion: ["eu-west-3", "eu-west-3"],
  objectStorageInsecure: ["true", true],
  objectStorageForcePathStyle: ["false", false],
  lokiChunksBucket: ["loki-chunks", "loki-chunks"],
  lokiRulerBucket: ["loki-ruler", "loki-ruler"],
  tempoBucket: ["tempo-traces", "tempo-traces"],
  objectStorageAccessKeyId: ["AKIAEXAMPLE", "AKIAEXAMPLE"],
  objectStorageSecretAccessKey: ["s3cr3t-access-key", "s3cr3t-access-key"],
  backendNamespace: ["apps", "apps"],
  backendPodLabels: [
    '["app.kubernetes.io/name=api","tier=backend"]',
    ["app.kubernetes.io/name=api", "tier=backend"],
  ],
  backendMetricsPort: ["metrics", "metrics"],
  traefikNamespace: ["ingress", "ingress"],
  traefikPodLabels: ['["app=traefik"]', ["app=traefik"]],
  traefikMetricsPort: ["prom", "prom"],
  alertmanager: ["true", true],
  grafanaIngressHost: ["grafana.example.org", "grafana.example.org"],
  grafanaIngressClass: ["nginx", "nginx"],
};

const raw = (samples: Record<string, readonly [string, unknown]>) =>
  Object.fromEntries(Object.entries(samples).map(([k, [value]]) => [k, value]));
const parsed = (samples: Record<string, readonly [string, unknown]>) =>
  Object.fromEntries(Object.entries(samples).map(([k, [, value]]) => [k, value]));

/** Object storage that passes every rule. */
const OBJECT_STORAGE = {
  objectStorageEndpoint: "s3.eu-west-3.amazonaws.com",
  lokiChunksBucket: "loki-chunks",
  lokiRulerBucket: "loki-ruler",
  tempoBucket: "tempo-traces",
  objectStorageAccessKeyId: "AKIAEXAMPLE",
  objectStorageSecretAccessKey: "s3cr3t-access-key",
} as const;

describe("the platform setting", () => {
  it("gives a Kubernetes dev stack with only platform and grafanaUrl every default", () => {
    // Given a Kubernetes stack that sets nothing else
    const settings = { platform: "kubernetes", grafanaUrl: GRAFANA_URL };

    // When it is parsed
    const values = parse(settings);

    // Then every other key has its default
    expect(values).toEqual(K8S_VALUES);
  });

  it("marks exactly these keys as Docker settings", () => {
    // Given the key table

    // When the keys that only mean something on Docker are picked
    const docker = KEY_NAMES.filter((k) => (KEYS[k] as KeySpec).platform === "docker");

    // Then they are the ones sampled here: ports, images, networks, compose labels, Promtail,
    // cAdvisor and the shipper choice (Alloy's memory and the retention apply on both)
    expect(docker).toEqual(Object.keys(DOCKER_SAMPLES));
  });

  it("marks every key added for Kubernetes, and only those, as a Kubernetes setting", () => {
    // Given the key table

    // When the keys that only mean something on Kubernetes are picked
    const kubernetes = KEY_NAMES.filter((k) => (KEYS[k] as KeySpec).platform === "kubernetes");

    // Then they are the ones sampled here
    expect(kubernetes).toEqual(Object.keys(KUBERNETES_SAMPLES));
  });

  it("takes a value other than the default for every Docker setting on Docker", () => {
    // Given every Docker setting set on a docker stack
    const settings = raw(DOCKER_SAMPLES);

    // When it is parsed
    const values = parse(settings);

    // Then each is kept, and the URL follows the Grafana port
    expect(values).toEqual({
      ...DEV_VALUES,
      ...parsed(DOCKER_SAMPLES),
      grafanaUrl: "http://localhost:5001",
    });
  });

  it("takes a value other than the default for every Kubernetes setting on Kubernetes", () => {
    // Given every Kubernetes setting set on a kubernetes stack
    const settings = k8s(raw(KUBERNETES_SAMPLES));

    // When it is parsed
    const values = parse(settings);

    // Then each is kept
    expect(values).toEqual({ ...K8S_VALUES, ...parsed(KUBERNETES_SAMPLES) });
  });

  test.each(Object.entries(DOCKER_SAMPLES))(
    "refuses the Docker setting %s on Kubernetes",
    (key, [value]) => {
      // Given a kubernetes stack that sets a Docker setting
      const settings = k8s({ [key]: value });

      // When it is parsed
      const error = rejection(settings);

      // Then the key is named as one that does nothing there
      expect(error.message).toBe(
        invalid(
          `${P}:${key}: is a Docker setting and has no effect with platform kubernetes; remove it`,
        ),
      );
    },
  );

  test.each(Object.entries(KUBERNETES_SAMPLES))(
    "refuses the Kubernetes setting %s on Docker",
    (key, [value]) => {
      // Given a docker stack that sets a Kubernetes setting
      const settings = { [key]: value };

      // When it is parsed
      const error = rejection(settings);

      // Then the key is named as one that does nothing there
      expect(error.message).toBe(
        invalid(
          `${P}:${key}: is a Kubernetes setting and has no effect with platform docker; remove it`,
        ),
      );
    },
  );

  it("refuses the Kubernetes settings on an explicit docker platform too, each on its line", () => {
    // Given platform docker set explicitly, with two Kubernetes settings
    const settings = { platform: "docker", lokiReplicas: "2", kubernetesNamespace: "obs" };

    // When it is parsed
    const error = rejection(settings);

    // Then both are named, in the key table's order
    expect(error.message).toBe(
      invalid(
        `${P}:kubernetesNamespace: is a Kubernetes setting and has no effect with platform docker; remove it`,
        `${P}:lokiReplicas: is a Kubernetes setting and has no effect with platform docker; remove it`,
      ),
    );
  });

  it("accepts a setting of the other platform at its default, as Pulumi injects it", () => {
    // Given a kubernetes stack holding Docker settings at the values Pulumi.yaml declares
    const settings = k8s({
      grafanaPort: "3001",
      logShipper: "promtail",
      namePrefix: "timemanager",
    });

    // When it is parsed
    const values = parse(settings);

    // Then nothing is refused
    expect(values).toEqual(K8S_VALUES);
  });

  it("refuses an unknown platform and skips the rules that read it", () => {
    // Given an unknown platform beside a Kubernetes setting
    const settings = { platform: "k8s", lokiReplicas: "2" };

    // When it is parsed
    const error = rejection(settings);

    // Then only the platform is reported: whether lokiReplicas belongs is unknown
    expect(error.message).toBe(
      invalid(`${P}:platform: got "k8s"; allowed: "docker" or "kubernetes"`),
    );
  });
});

describe("parseValues on Kubernetes", () => {
  it("requires grafanaUrl: there is no published port to derive it from", () => {
    // Given a kubernetes stack without grafanaUrl
    const settings = { platform: "kubernetes" };

    // When it is parsed
    const error = rejection(settings);

    // Then grafanaUrl is asked for, with the two usual answers
    expect(error.message).toBe(
      invalid(
        `${P}:grafanaUrl: got nothing; allowed: an http(s) URL: grafanaUrl is required with platform kubernetes: the URL of Grafana's Ingress or of a \`kubectl port-forward\`, e.g. http://localhost:3000`,
      ),
    );
  });

  it("does not apply the remote Docker host rule", () => {
    // Given a remote DOCKER_HOST in the environment and a kubernetes stack without grafanaUrl
    const run = () =>
      parseValues(configMap({ platform: "kubernetes" }), PROJECT, SECRETS_SET_AS_SECRETS, {
        host: "ssh://deploy@monitoring.example.org",
      });

    // When it is parsed
    const { message } = rejectionOf(run, "the stack");

    // Then only the Kubernetes rule asks for grafanaUrl
    expect(message).toBe(
      invalid(
        `${P}:grafanaUrl: got nothing; allowed: an http(s) URL: grafanaUrl is required with platform kubernetes: the URL of Grafana's Ingress or of a \`kubectl port-forward\`, e.g. http://localhost:3000`,
      ),
    );
  });

  test.each<[string, Record<string, string>, string]>([
    ["a host port clash", { lokiPort: "9090" }, "lokiPort"],
    ["the app's compose project", { composeProject: "time-manager" }, "composeProject"],
  ])("does not apply the Docker rule on %s", (_, settings, key) => {
    // Given a kubernetes stack with a Docker setting that Docker's rules would refuse
    const stack = k8s(settings);

    // When it is parsed
    const error = rejection(stack);

    // Then the only problem is that the setting is Docker's
    expect(error.message).toBe(
      invalid(
        `${P}:${key}: is a Docker setting and has no effect with platform kubernetes; remove it`,
      ),
    );
  });

  it("applies prod's password rule", () => {
    // Given a kubernetes prod stack without an admin password
    const settings = k8s({ environment: "prod" });

    // When it is parsed
    const error = rejection(settings);

    // Then the password is asked for, as on Docker
    expect(error.message).toBe(
      invalid(
        `${P}:grafanaAdminPassword: got nothing; allowed: a secret of at least 12 characters other than the seed's dev default, set with \`pulumi config set --secret grafanaAdminPassword\``,
      ),
    );
  });

  it("gives prod protected data and keeps protectData settable", () => {
    // Given a kubernetes prod stack with a password, and another with protectData off
    const prod = k8s({ environment: "prod", grafanaAdminPassword: PROD_PASSWORD });

    // When both are parsed
    const protectedData = [parse(prod), parse({ ...prod, protectData: "false" })].map(
      (v) => v.protectData,
    );

    // Then prod protects by default and the setting overrides it
    expect(protectedData).toEqual([true, false]);
  });

  it("takes object storage with its buckets and credentials", () => {
    // Given a complete object storage and more Loki replicas
    const settings = k8s({ ...OBJECT_STORAGE, lokiReplicas: "4" });

    // When it is parsed
    const values = parse(settings);

    // Then every value is kept
    expect(values).toEqual({ ...K8S_VALUES, ...OBJECT_STORAGE, lokiReplicas: 4 });
  });

  it("names every missing bucket and credential when only the endpoint is set", () => {
    // Given an endpoint alone
    const settings = k8s({ objectStorageEndpoint: "minio.storage:9000" });

    // When it is parsed
    const error = rejection(settings);

    // Then each missing key is named
    expect(error.message).toBe(
      invalid(
        `${P}:lokiChunksBucket: got nothing; allowed: an S3 bucket name, required with objectStorageEndpoint`,
        `${P}:lokiRulerBucket: got nothing; allowed: an S3 bucket name, required with objectStorageEndpoint`,
        `${P}:tempoBucket: got nothing; allowed: an S3 bucket name, required with objectStorageEndpoint`,
        `${P}:objectStorageAccessKeyId: got nothing; allowed: a non-empty secret, set with \`pulumi config set --secret objectStorageAccessKeyId\`, required with objectStorageEndpoint`,
        `${P}:objectStorageSecretAccessKey: got nothing; allowed: a non-empty secret, set with \`pulumi config set --secret objectStorageSecretAccessKey\`, required with objectStorageEndpoint`,
      ),
    );
  });

  test.each<[keyof typeof OBJECT_STORAGE, string]>([
    ["lokiChunksBucket", "an S3 bucket name"],
    ["lokiRulerBucket", "an S3 bucket name"],
    ["tempoBucket", "an S3 bucket name"],
    [
      "objectStorageAccessKeyId",
      "a non-empty secret, set with `pulumi config set --secret objectStorageAccessKeyId`",
    ],
    [
      "objectStorageSecretAccessKey",
      "a non-empty secret, set with `pulumi config set --secret objectStorageSecretAccessKey`",
    ],
  ])("names %s when object storage lacks only it", (key, allowed) => {
    // Given object storage with one key missing
    const settings = k8s(
      Object.fromEntries(Object.entries(OBJECT_STORAGE).filter(([k]) => k !== key)),
    );

    // When it is parsed
    const error = rejection(settings);

    // Then that key is named
    expect(error.message).toBe(
      invalid(`${P}:${key}: got nothing; allowed: ${allowed}, required with objectStorageEndpoint`),
    );
  });

  test.each<[string, string]>([
    ["lokiChunksBucket", "loki-chunks"],
    ["lokiRulerBucket", "loki-ruler"],
    ["tempoBucket", "tempo-traces"],
    ["objectStorageAccessKeyId", "AKIAEXAMPLE"],
    ["objectStorageSecretAccessKey", "s3cr3t-access-key"],
    ["objectStorageRegion", "eu-west-3"],
    ["objectStorageInsecure", "true"],
    ["objectStorageForcePathStyle", "false"],
  ])("refuses %s without objectStorageEndpoint", (key, value) => {
    // Given an object storage setting without the endpoint
    const settings = k8s({ [key]: value });

    // When it is parsed
    const error = rejection(settings);

    // Then the key is named, and the value is not shown
    expect(error.message).toBe(
      invalid(
        `${P}:${key}: has no effect without objectStorageEndpoint; set objectStorageEndpoint or remove it`,
      ),
    );
  });

  test.each(["objectStorageAccessKeyId", "objectStorageSecretAccessKey"])(
    "refuses %s set in plaintext, without echoing it",
    (key) => {
      // Given complete object storage whose credential was set without --secret
      const raw = configMap(k8s(OBJECT_STORAGE));
      const plaintext = (fullKey: string): boolean =>
        fullKey !== `${P}:${key}` && SECRETS_SET_AS_SECRETS(fullKey);

      // When it is parsed
      const { message } = rejectionOf(() => parseValues(raw, PROJECT, plaintext), "the stack");

      // Then the error says how to set it, and only that
      expect(message).toBe(
        invalid(
          `${P}:${key}: got a plaintext value; allowed: a non-empty secret, set with \`pulumi config set --secret ${key}\``,
        ),
      );
    },
  );

  it("refuses Loki replicas other than the default without object storage", () => {
    // Given two Loki replicas on PVCs
    const settings = k8s({ lokiReplicas: "2" });

    // When it is parsed
    const error = rejection(settings);

    // Then lokiReplicas is refused: the single binary runs one replica
    expect(error.message).toBe(
      invalid(
        `${P}:lokiReplicas: got 2; allowed: lokiReplicas needs objectStorageEndpoint: Loki's single binary runs one replica on a PVC; set objectStorageEndpoint or remove lokiReplicas`,
      ),
    );
  });

  it("refuses an Ingress class without an Ingress host", () => {
    // Given a class and no host
    const settings = k8s({ grafanaIngressClass: "nginx" });

    // When it is parsed
    const error = rejection(settings);

    // Then the class is named
    expect(error.message).toBe(
      invalid(
        `${P}:grafanaIngressClass: has no effect without grafanaIngressHost; set grafanaIngressHost or remove it`,
      ),
    );
  });

  it("lists a bad value, a misplaced key and a broken rule in one error", () => {
    // Given a bad namespace, a Docker port and a lone bucket
    const settings = k8s({
      kubernetesNamespace: "Monitoring",
      grafanaPort: "3002",
      tempoBucket: "tempo-traces",
    });

    // When it is parsed
    const error = rejection(settings);

    // Then each is on its line
    expect(error.message).toBe(
      invalid(
        `${P}:kubernetesNamespace: got "Monitoring"; allowed: a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
        `${P}:grafanaPort: is a Docker setting and has no effect with platform kubernetes; remove it`,
        `${P}:tempoBucket: has no effect without objectStorageEndpoint; set objectStorageEndpoint or remove it`,
      ),
    );
  });

  test.each<{ case: string; settings: Record<string, string>; secret: string }>([
    {
      case: "a lone secret access key",
      settings: { objectStorageSecretAccessKey: "s3cr3t-access-key" },
      secret: "s3cr3t",
    },
    {
      case: "a lone access key id",
      settings: { objectStorageAccessKeyId: "AKIAEXAMPLE" },
      secret: "AKIA",
    },
  ])("never echoes $case", ({ settings, secret }) => {
    // Given a rejected object storage secret (settings)

    // When it is parsed
    const error = rejection(k8s(settings));

    // Then the message does not contain it
    expect(error.message).not.toContain(secret);
  });
});

const NAMESPACE =
  "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
const SUBDOMAIN =
  "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit, at most 253 characters";
const CHART =
  'an exact chart version, e.g. "88.5.3" (not a range such as "^88" or "88.x", nor "latest")';
const REPO =
  'an https URL of a Helm repository, e.g. "https://grafana.github.io/helm-charts", or an OCI reference, e.g. "oci://ghcr.io/example/charts"';
const BUCKET =
  "empty, or an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, not an IP address";
const LABELS =
  'a non-empty list of distinct "key=value" Kubernetes labels the pods carry, e.g. ["app.kubernetes.io/name=traefik"]';
const PORT_NAME =
  "the name of the pods' container port serving /metrics: 1 to 15 lowercase letters, digits and '-', with a letter, no '--', not starting or ending with '-'";

describe("parseValues rejects on Kubernetes", () => {
  test.each<[string, string, string, string]>([
    ["kubernetesNamespace", "Monitoring", '"Monitoring"', NAMESPACE],
    ["kubernetesNamespace", "-monitoring", '"-monitoring"', NAMESPACE],
    ["kubernetesNamespace", "m".repeat(64), `"${"m".repeat(64)}"`, NAMESPACE],
    ["backendNamespace", "time_manager", '"time_manager"', NAMESPACE],
    ["traefikNamespace", "traefik.", '"traefik."', NAMESPACE],
    ["kubePrometheusStackChartVersion", "^88", '"^88"', CHART],
    ["lokiChartVersion", "latest", '"latest"', CHART],
    ["tempoChartVersion", "88.5", '"88.5"', CHART],
    ["alloyChartVersion", "1.x", '"1.x"', CHART],
    ["grafanaChartVersion", "", '""', CHART],
    ["grafanaChartVersion", "~12.11.1", '"~12.11.1"', CHART],
    ["lokiChartVersion", "v18.11.0", '"v18.11.0"', CHART],
    [
      "kubePrometheusStackChart",
      "Kube_Prometheus",
      '"Kube_Prometheus"',
      "lowercase letters and digits, words separated by '-'",
    ],
    [
      "lokiChartRepo",
      "http://grafana-community.github.io/helm-charts",
      '"http://grafana-community.github.io/helm-charts"',
      REPO,
    ],
    ["tempoChartRepo", "grafana-community.github.io", '"grafana-community.github.io"', REPO],
    ["alloyChartRepo", "oci://", '"oci://"', REPO],
    ["storageClass", "Fast_SSD", '"Fast_SSD"', `empty, or ${SUBDOMAIN}`],
    ["prometheusVolumeGb", "0", "0", "a whole number of GiB from 1 to 65536"],
    ["lokiVolumeGb", "65537", "65537", "a whole number of GiB from 1 to 65536"],
    ["tempoVolumeGb", "1.5", '"1.5"', "a whole number of GiB from 1 to 65536"],
    ["grafanaVolumeGb", "two", '"two"', "a whole number of GiB from 1 to 65536"],
    ["prometheusReplicas", "0", "0", "an integer from 1 to 10"],
    ["prometheusReplicas", "11", "11", "an integer from 1 to 10"],
    ["lokiReplicas", "21", "21", "an integer from 1 to 20"],
    [
      "objectStorageEndpoint",
      "https://s3.amazonaws.com",
      '"https://s3.amazonaws.com"',
      'empty, or host[:port] without a scheme, e.g. "s3.eu-west-3.amazonaws.com" or "minio.storage:9000"',
    ],
    [
      "objectStorageEndpoint",
      "minio:99999",
      '"minio:99999"',
      'empty, or host[:port] without a scheme, e.g. "s3.eu-west-3.amazonaws.com" or "minio.storage:9000"',
    ],
    [
      "objectStorageRegion",
      "EU West",
      '"EU West"',
      "lowercase letters, digits, '_' and '-', starting with a letter or digit",
    ],
    ["objectStorageInsecure", "yes", '"yes"', "true or false"],
    ["objectStorageForcePathStyle", "1", '"1"', "true or false"],
    ["lokiChunksBucket", "ab", '"ab"', BUCKET],
    ["lokiRulerBucket", "Loki_Ruler", '"Loki_Ruler"', BUCKET],
    ["tempoBucket", "192.168.1.1", '"192.168.1.1"', BUCKET],
    ["tempoBucket", "tempo..traces", '"tempo..traces"', BUCKET],
    ["objectStorageAccessKeyId", "", "a secret value", "a non-empty secret"],
    ["backendPodLabels", "[]", "[]", LABELS],
    ["backendPodLabels", '["app"]', '["app"]', LABELS],
    ["backendPodLabels", "app=backend", '"app=backend"', LABELS],
    ["backendPodLabels", '["app=a","app=b"]', '["app=a","app=b"]', LABELS],
    ["traefikPodLabels", '["-app=traefik"]', '["-app=traefik"]', LABELS],
    ["traefikPodLabels", '["app=bad value"]', '["app=bad value"]', LABELS],
    ["traefikPodLabels", '["Example.org/app=x"]', '["Example.org/app=x"]', LABELS],
    ["backendMetricsPort", "8080", '"8080"', PORT_NAME],
    ["backendMetricsPort", "HTTP", '"HTTP"', PORT_NAME],
    ["traefikMetricsPort", "metrics-entrypoint", '"metrics-entrypoint"', PORT_NAME],
    ["traefikMetricsPort", "prom--metrics", '"prom--metrics"', PORT_NAME],
    ["alertmanager", "yes", '"yes"', "true or false"],
    [
      "grafanaIngressHost",
      "https://grafana.example.org",
      '"https://grafana.example.org"',
      'empty, or a DNS name, e.g. "grafana.example.org"',
    ],
    ["grafanaIngressClass", "Nginx", '"Nginx"', `empty, or ${SUBDOMAIN}`],
  ])("%s set to %j", (key, value, shown, allowed) => {
    // Given a kubernetes stack with one bad value (and what its other rules need)
    const companions: Record<string, Record<string, string>> = {
      lokiReplicas: OBJECT_STORAGE,
      objectStorageAccessKeyId: OBJECT_STORAGE,
      grafanaIngressClass: { grafanaIngressHost: "grafana.example.org" },
    };
    const settings = k8s({ ...companions[key], [key]: value });

    // When it is parsed
    const error = rejection(settings);

    // Then the error names the key, what was given and what is allowed
    expect(error.message).toBe(invalid(`${P}:${key}: got ${shown}; allowed: ${allowed}`));
  });
});
