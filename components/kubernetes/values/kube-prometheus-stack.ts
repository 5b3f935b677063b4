import { K8S_FULLNAMES, K8S_PORTS } from "../names";
import {
  type Persistence,
  type RelabelConfig,
  type Resources,
  escapeHelmTemplate,
  gibibytes,
  resources,
} from "./common";

/** Options for kube-prometheus-stack's values. */
export interface KubePrometheusStackOptions {
  /** How long Prometheus keeps samples, in days. */
  readonly retentionDays: number;
  /** The most the TSDB may take on disk, in Prometheus units, e.g. "10GB". */
  readonly retentionSize: string;
  /** Prometheus replicas (each scrapes everything and has its own volume). */
  readonly replicas: number;
  /** Prometheus's memory limit, in MiB. */
  readonly memoryMb: number;
  /** Each Prometheus replica's volume. */
  readonly storage: Persistence;
  /** Deploy the chart's Alertmanager. */
  readonly alertmanager: boolean;
  /** Scrape and rule evaluation interval, e.g. "15s". */
  readonly scrapeInterval: string;
  /** Replaces the chart's metric relabelings of the kubelet's cAdvisor endpoint. */
  readonly cadvisorMetricRelabelings: readonly RelabelConfig[];
}

/** The PersistentVolumeClaim template of a Prometheus replica (operator `storage` field). */
export interface PrometheusStorageSpec {
  readonly volumeClaimTemplate: {
    readonly spec: {
      readonly storageClassName?: string;
      readonly accessModes: readonly ["ReadWriteOnce"];
      readonly resources: { readonly requests: { readonly storage: string } };
    };
  };
}

/** The kube-prometheus-stack values this stack sets. */
export interface KubePrometheusStackValues {
  readonly fullnameOverride: string;
  readonly crds: { readonly enabled: true };
  readonly defaultRules: { readonly create: true };
  readonly grafana: { readonly enabled: false };
  readonly alertmanager: {
    readonly enabled: boolean;
    readonly alertmanagerSpec?: { readonly resources: Resources };
  };
  readonly kubeControllerManager: { readonly enabled: false };
  readonly kubeScheduler: { readonly enabled: false };
  readonly kubeEtcd: { readonly enabled: false };
  readonly kubeProxy: { readonly enabled: false };
  readonly kubelet: {
    readonly enabled: true;
    readonly serviceMonitor: {
      readonly cAdvisor: true;
      readonly cAdvisorMetricRelabelings: readonly RelabelConfig[];
    };
  };
  readonly kubeStateMetrics: { readonly enabled: true };
  readonly "kube-state-metrics": { readonly resources: Resources };
  readonly nodeExporter: { readonly enabled: true };
  readonly "prometheus-node-exporter": { readonly resources: Resources };
  readonly prometheusOperator: {
    readonly enabled: true;
    readonly tls: { readonly enabled: false };
    readonly admissionWebhooks: { readonly enabled: false };
    readonly resources: Resources;
    readonly prometheusConfigReloader: { readonly resources: Resources };
  };
  readonly prometheus: {
    readonly service: { readonly type: "ClusterIP"; readonly port: number };
    readonly prometheusSpec: {
      readonly replicas: number;
      readonly resources: Resources;
      readonly retention: string;
      readonly retentionSize: string;
      readonly storageSpec: PrometheusStorageSpec;
      readonly scrapeInterval: string;
      readonly evaluationInterval: string;
      readonly enableRemoteWriteReceiver: true;
      readonly enableFeatures: readonly ["exemplar-storage"];
      readonly serviceMonitorSelectorNilUsesHelmValues: false;
      readonly podMonitorSelectorNilUsesHelmValues: false;
      readonly ruleSelectorNilUsesHelmValues: false;
      readonly probeSelectorNilUsesHelmValues: false;
      readonly scrapeConfigSelectorNilUsesHelmValues: false;
    };
  };
}

/** Sizes of the chart's helpers, enough for a small cluster. */
const HELPER_RESOURCES = {
  operator: resources(128, "50m"),
  // The operator adds this sidecar to Prometheus and Alertmanager pods; empty values would
  // leave it without requests or limits (templates/prometheus-operator/deployment.yaml).
  configReloader: resources(50, "10m"),
  kubeStateMetrics: resources(128, "20m"),
  nodeExporter: resources(64, "20m"),
  alertmanager: resources(128, "20m"),
} as const;

const PROMETHEUS_CPU = "200m";

/**
 * The chart renders these relabelings through `tpl`
 * (templates/exporters/kubelet/servicemonitor.yaml), so every string in them is escaped.
 */
function escapeRelabeling(rule: RelabelConfig): RelabelConfig {
  const escaped = (key: "separator" | "regex" | "targetLabel" | "replacement") => {
    const value = rule[key];
    return value === undefined ? {} : { [key]: escapeHelmTemplate(value) };
  };
  return {
    ...(rule.sourceLabels === undefined
      ? {}
      : { sourceLabels: rule.sourceLabels.map(escapeHelmTemplate) }),
    ...escaped("separator"),
    ...escaped("regex"),
    ...escaped("targetLabel"),
    ...escaped("replacement"),
    ...(rule.action === undefined ? {} : { action: rule.action }),
  };
}

// Keys checked against prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml
// @ kube-prometheus-stack-88.5.3 (and, for `kube-state-metrics.resources` and
// `prometheus-node-exporter.resources`, the subcharts' charts/kube-state-metrics/values.yaml
// @ kube-state-metrics-8.4.0 and charts/prometheus-node-exporter/values.yaml
// @ prometheus-node-exporter-4.56.1, the versions its Chart.yaml pins).
/**
 * kube-prometheus-stack: the Prometheus Operator, Prometheus, node-exporter,
 * kube-state-metrics and kubelet/cAdvisor scraping, selecting every ServiceMonitor, PodMonitor,
 * PrometheusRule, Probe and ScrapeConfig in every namespace.
 *
 * - The chart's default rules stay on: its recording rules (k8s.rules.*, node.rules) feed the
 *   usual Kubernetes queries and its alerts (KubePodCrashLooping, KubePersistentVolumeFillingUp,
 *   NodeFilesystemSpaceFillingUp, ...) cover the cluster this stack runs on, which the app's own
 *   rules do not. Its dashboards are not deployed: with the bundled Grafana off they render only
 *   with `grafana.forceDeployDashboards`, and Grafana here has no sidecar to load them.
 * - The controller manager, scheduler, etcd and kube-proxy are not scraped: managed clusters hide
 *   them and kubeadm, kind and k3s bind their metrics to 127.0.0.1, so the chart's
 *   KubeSchedulerDown, KubeControllerManagerDown, etcd and KubeProxyDown alerts would fire forever.
 *   Turning a component off also drops those rules (templates/prometheus/rules-1.14/*.yaml test
 *   `.Values.<component>.enabled`).
 * - Admission webhooks and the operator's TLS are off: their certificate comes from Helm hook Jobs
 *   (admission-webhooks/job-patch), which Pulumi's helm.v4.Chart never runs, and with TLS on the
 *   operator mounts that missing Secret and never starts (prometheus-operator/deployment.yaml).
 */
export function kubePrometheusStackValues(
  opts: KubePrometheusStackOptions,
): KubePrometheusStackValues {
  const storageClass = opts.storage.storageClass;
  return {
    fullnameOverride: K8S_FULLNAMES.prometheus,
    crds: { enabled: true },
    defaultRules: { create: true },
    grafana: { enabled: false },
    alertmanager: opts.alertmanager
      ? { enabled: true, alertmanagerSpec: { resources: HELPER_RESOURCES.alertmanager } }
      : { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    kubelet: {
      enabled: true,
      serviceMonitor: {
        cAdvisor: true,
        cAdvisorMetricRelabelings: opts.cadvisorMetricRelabelings.map(escapeRelabeling),
      },
    },
    kubeStateMetrics: { enabled: true },
    "kube-state-metrics": { resources: HELPER_RESOURCES.kubeStateMetrics },
    nodeExporter: { enabled: true },
    "prometheus-node-exporter": { resources: HELPER_RESOURCES.nodeExporter },
    prometheusOperator: {
      enabled: true,
      tls: { enabled: false },
      admissionWebhooks: { enabled: false },
      resources: HELPER_RESOURCES.operator,
      prometheusConfigReloader: { resources: HELPER_RESOURCES.configReloader },
    },
    prometheus: {
      service: { type: "ClusterIP", port: K8S_PORTS.prometheus },
      prometheusSpec: {
        replicas: opts.replicas,
        resources: resources(opts.memoryMb, PROMETHEUS_CPU),
        retention: `${opts.retentionDays}d`,
        retentionSize: opts.retentionSize,
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: gibibytes(opts.storage.sizeGb) } },
            },
          },
        },
        scrapeInterval: opts.scrapeInterval,
        evaluationInterval: opts.scrapeInterval,
        // Tempo's metrics generator remote-writes its span metrics and service graph here, with
        // exemplars that link a latency bucket to its trace.
        enableRemoteWriteReceiver: true,
        enableFeatures: ["exemplar-storage"],
        // With these false and the selectors left at the chart's `{}`, the Prometheus resource
        // selects every object in every namespace instead of only those labelled with this
        // release (templates/prometheus/prometheus.yaml).
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
  };
}
