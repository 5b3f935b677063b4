import { KEYS, type Values } from "../../config/keys";
import { parseValues, SettingsError } from "../../config/parse";
import { PROJECT } from "../helpers/program";

export { PROJECT };

/** What a dev stack with no config gets: the seed's values. The secrets without default stay unset. */
export const DEV_VALUES: Omit<
  Values,
  "alertWebhookUrl" | "smtpPassword" | "objectStorageAccessKeyId" | "objectStorageSecretAccessKey"
> = {
  environment: "dev",
  platform: "docker",
  namePrefix: "timemanager",
  composeProject: "timemanager-monitoring",
  bindAddress: "0.0.0.0",
  appNetwork: "time-manager_default",
  createAppNetwork: false,
  backendTarget: "backend:8080",
  traefikTarget: "traefik:8082",
  prometheusImage: "prom/prometheus:v3.13.3",
  lokiImage: "grafana/loki:3.7.6",
  promtailImage: "grafana/promtail:3.6.11",
  tempoImage: "grafana/tempo:3.0.3",
  cadvisorImage: "ghcr.io/google/cadvisor:v0.60.5",
  grafanaImage: "grafana/grafana:13.2.3",
  alloyImage: "grafana/alloy:v1.20.1",
  grafanaPort: 3001,
  prometheusPort: 9090,
  lokiPort: 3100,
  tempoPort: 3200,
  tempoOtlpGrpcPort: 4317,
  tempoOtlpHttpPort: 4318,
  prometheusRetentionDays: 15,
  prometheusRetentionSize: "10GB",
  lokiRetentionDays: 7,
  tempoRetentionDays: 7,
  prometheusMemoryMb: 1024,
  lokiMemoryMb: 512,
  promtailMemoryMb: 256,
  tempoMemoryMb: 1024,
  cadvisorMemoryMb: 256,
  grafanaMemoryMb: 512,
  alloyMemoryMb: 256,
  logShipper: "promtail",
  protectData: false,
  grafanaAdminUser: "admin",
  grafanaAdminPassword: "admin",
  grafanaUrl: "http://localhost:3001",
  alertContact: "none",
  alertEmails: [],
  smtpHost: "",
  smtpUser: "",
  smtpFromAddress: "admin@grafana.localhost",
  kubernetesNamespace: "monitoring",
  kubePrometheusStackChart: "kube-prometheus-stack",
  kubePrometheusStackChartRepo: "https://prometheus-community.github.io/helm-charts",
  kubePrometheusStackChartVersion: "88.5.3",
  lokiChart: "loki",
  lokiChartRepo: "https://grafana-community.github.io/helm-charts",
  lokiChartVersion: "18.11.0",
  tempoChart: "tempo",
  tempoChartRepo: "https://grafana-community.github.io/helm-charts",
  tempoChartVersion: "2.2.4",
  alloyChart: "alloy",
  alloyChartRepo: "https://grafana.github.io/helm-charts",
  alloyChartVersion: "1.11.1",
  grafanaChart: "grafana",
  grafanaChartRepo: "https://grafana-community.github.io/helm-charts",
  grafanaChartVersion: "12.11.1",
  storageClass: "",
  prometheusVolumeGb: 20,
  lokiVolumeGb: 10,
  tempoVolumeGb: 10,
  grafanaVolumeGb: 2,
  prometheusReplicas: 1,
  lokiReplicas: 3,
  objectStorageEndpoint: "",
  objectStorageRegion: "us-east-1",
  objectStorageInsecure: false,
  objectStorageForcePathStyle: true,
  lokiChunksBucket: "",
  lokiRulerBucket: "",
  tempoBucket: "",
  backendNamespace: "time-manager",
  backendPodLabels: ["app.kubernetes.io/name=timemanager-backend"],
  backendMetricsPort: "http",
  traefikNamespace: "traefik",
  traefikPodLabels: ["app.kubernetes.io/name=traefik"],
  traefikMetricsPort: "metrics",
  alertmanager: false,
  grafanaIngressHost: "",
  grafanaIngressClass: "",
  sloAvailabilityObjective: 99.5,
  sloLatencyObjective: 99,
  sloLatencyThresholdSeconds: 1,
  sloWindowDays: 30,
};

/** A prod password that passes every rule (at least 12 characters, not the seed's). */
export const PROD_PASSWORD = "correct-horse-battery";

/** Pulumi's config map for `settings`: every key under the project's namespace. */
export function configMap(settings: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${PROJECT}:${k}`, v]));
}

/** The message of a SettingsError listing `problems`, one line each. */
export function invalid(...problems: string[]): string {
  return `Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}

/** Pulumi's answer for a stack whose secret keys were set with `--secret`, as they must be. */
export const SECRETS_SET_AS_SECRETS = (fullKey: string): boolean =>
  Object.entries(KEYS).some(([k, spec]) => "secret" in spec && fullKey === `${PROJECT}:${k}`);

/** Parses `settings` (keys without the project prefix) as Pulumi would hand them over. */
export function parse(settings: Readonly<Record<string, string>>): Values {
  return parseValues(configMap(settings), PROJECT, SECRETS_SET_AS_SECRETS);
}

/** The SettingsError that `run` throws. */
export function rejectionOf(run: () => unknown, what: string): SettingsError {
  try {
    run();
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error(`expected ${what} to be rejected`);
}

/** The SettingsError that parsing `settings` throws. */
export function rejection(settings: Readonly<Record<string, string>>): SettingsError {
  return rejectionOf(() => parse(settings), JSON.stringify(settings));
}
