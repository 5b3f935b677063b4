import {
  type KubePrometheusStackOptions,
  kubePrometheusStackValues,
} from "../../../../components/kubernetes/values/kube-prometheus-stack";
import { credentialLeaves, pathsOutside } from "./chart-keys";

// Key paths checked against prometheus-community/helm-charts
// charts/kube-prometheus-stack/values.yaml @ kube-prometheus-stack-88.5.3 (line numbers there),
// and the two subcharts' `resources` against charts/kube-state-metrics/values.yaml
// @ kube-state-metrics-8.4.0 and charts/prometheus-node-exporter/values.yaml
// @ prometheus-node-exporter-4.56.1. A path ending in `resources` or `storageSpec` is a
// passthrough: the chart copies the Kubernetes/Operator object under it as is.
const CHART_KEYS = [
  "fullnameOverride", // L23
  "crds.enabled", // L34
  "defaultRules.create", // L175
  "alertmanager.enabled", // L402
  "alertmanager.alertmanagerSpec.resources", // L1165
  "grafana.enabled", // L1378
  "kubeControllerManager.enabled", // L2025
  "kubeEtcd.enabled", // L2326
  "kubeScheduler.enabled", // L2440
  "kubeProxy.enabled", // L2579
  "kubelet.enabled", // L1780
  "kubelet.serviceMonitor.cAdvisor", // L1866
  "kubelet.serviceMonitor.cAdvisorMetricRelabelings", // L1874
  "kubeStateMetrics.enabled", // L2680
  "kube-state-metrics.resources", // kube-state-metrics values.yaml L515
  "nodeExporter.enabled", // L2712
  "prometheus-node-exporter.resources", // prometheus-node-exporter values.yaml L334
  "prometheusOperator.enabled", // L2826
  "prometheusOperator.tls.enabled", // L2842
  "prometheusOperator.admissionWebhooks.enabled", // L2875
  "prometheusOperator.resources", // L3412
  "prometheusOperator.prometheusConfigReloader.resources", // L3561
  "prometheus.service.type", // L3815
  "prometheus.service.port", // L3780
  "prometheus.prometheusSpec.scrapeInterval", // L4272
  "prometheus.prometheusSpec.evaluationInterval", // L4295
  "prometheus.prometheusSpec.enableFeatures", // L4328
  "prometheus.prometheusSpec.enableRemoteWriteReceiver", // L4396
  "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues", // L4451
  "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues", // L4476
  "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues", // L4499
  "prometheus.prometheusSpec.probeSelectorNilUsesHelmValues", // L4521
  "prometheus.prometheusSpec.scrapeConfigSelectorNilUsesHelmValues", // L4546
  "prometheus.prometheusSpec.retention", // L4567
  "prometheus.prometheusSpec.retentionSize", // L4571
  "prometheus.prometheusSpec.replicas", // L4589
  "prometheus.prometheusSpec.resources", // L4668
  "prometheus.prometheusSpec.storageSpec", // L4675
];

const dev: KubePrometheusStackOptions = {
  retentionDays: 15,
  retentionSize: "10GB",
  replicas: 1,
  memoryMb: 1024,
  storage: { sizeGb: 20 },
  alertmanager: false,
  scrapeInterval: "15s",
  cadvisorMetricRelabelings: [
    { sourceLabels: ["__name__"], regex: "container_spec.*", action: "drop" },
  ],
};

const prod: KubePrometheusStackOptions = {
  ...dev,
  retentionDays: 30,
  retentionSize: "50GB",
  replicas: 2,
  memoryMb: 4096,
  storage: { storageClass: "fast-ssd", sizeGb: 100 },
  alertmanager: true,
  scrapeInterval: "30s",
};

/** The values every case shares but Prometheus's own and Alertmanager's. */
const fixed = {
  fullnameOverride: "kube-prometheus-stack",
  crds: { enabled: true },
  defaultRules: { create: true },
  grafana: { enabled: false },
  kubeControllerManager: { enabled: false },
  kubeScheduler: { enabled: false },
  kubeEtcd: { enabled: false },
  kubeProxy: { enabled: false },
  kubeStateMetrics: { enabled: true },
  "kube-state-metrics": {
    resources: { requests: { cpu: "20m", memory: "128Mi" }, limits: { memory: "128Mi" } },
  },
  nodeExporter: { enabled: true },
  "prometheus-node-exporter": {
    resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "64Mi" } },
  },
  prometheusOperator: {
    enabled: true,
    tls: { enabled: false },
    admissionWebhooks: { enabled: false },
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "128Mi" } },
    prometheusConfigReloader: {
      resources: { requests: { cpu: "10m", memory: "50Mi" }, limits: { memory: "50Mi" } },
    },
  },
};

const selectEverything = {
  serviceMonitorSelectorNilUsesHelmValues: false,
  podMonitorSelectorNilUsesHelmValues: false,
  ruleSelectorNilUsesHelmValues: false,
  probeSelectorNilUsesHelmValues: false,
  scrapeConfigSelectorNilUsesHelmValues: false,
};

describe("kubePrometheusStackValues", () => {
  it("renders the dev values: one Prometheus on the default class, no Alertmanager", () => {
    // Given dev options, when the values are rendered
    const values = kubePrometheusStackValues(dev);

    // Then they are exactly these
    expect(values).toStrictEqual({
      ...fixed,
      alertmanager: { enabled: false },
      kubelet: {
        enabled: true,
        serviceMonitor: {
          cAdvisor: true,
          cAdvisorMetricRelabelings: [
            { sourceLabels: ["__name__"], regex: "container_spec.*", action: "drop" },
          ],
        },
      },
      prometheus: {
        service: { type: "ClusterIP", port: 9090 },
        prometheusSpec: {
          replicas: 1,
          resources: { requests: { cpu: "200m", memory: "1024Mi" }, limits: { memory: "1024Mi" } },
          retention: "15d",
          retentionSize: "10GB",
          storageSpec: {
            volumeClaimTemplate: {
              spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: "20Gi" } },
              },
            },
          },
          scrapeInterval: "15s",
          evaluationInterval: "15s",
          enableRemoteWriteReceiver: true,
          enableFeatures: ["exemplar-storage"],
          ...selectEverything,
        },
      },
    });
  });

  it("renders the prod values: replicas, a storage class and Alertmanager with resources", () => {
    // Given prod options, when the values are rendered
    const values = kubePrometheusStackValues(prod);

    // Then they are exactly these
    expect(values).toStrictEqual({
      ...fixed,
      alertmanager: {
        enabled: true,
        alertmanagerSpec: {
          resources: { requests: { cpu: "20m", memory: "128Mi" }, limits: { memory: "128Mi" } },
        },
      },
      kubelet: {
        enabled: true,
        serviceMonitor: {
          cAdvisor: true,
          cAdvisorMetricRelabelings: [
            { sourceLabels: ["__name__"], regex: "container_spec.*", action: "drop" },
          ],
        },
      },
      prometheus: {
        service: { type: "ClusterIP", port: 9090 },
        prometheusSpec: {
          replicas: 2,
          resources: { requests: { cpu: "200m", memory: "4096Mi" }, limits: { memory: "4096Mi" } },
          retention: "30d",
          retentionSize: "50GB",
          storageSpec: {
            volumeClaimTemplate: {
              spec: {
                storageClassName: "fast-ssd",
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: "100Gi" } },
              },
            },
          },
          scrapeInterval: "30s",
          evaluationInterval: "30s",
          enableRemoteWriteReceiver: true,
          enableFeatures: ["exemplar-storage"],
          ...selectEverything,
        },
      },
    });
  });

  it("escapes `{{` in the cAdvisor relabelings, which the chart renders through tpl", () => {
    // Given a relabeling whose every string holds a template opening
    const rule = {
      sourceLabels: ["a{{b"],
      separator: "{{",
      regex: "x{{2}",
      targetLabel: "t{{",
      replacement: "$1{{",
      action: "replace",
    } as const;

    // When the values are rendered
    const values = kubePrometheusStackValues({ ...dev, cadvisorMetricRelabelings: [rule] });

    // Then each `{{` prints itself through tpl, and nothing else changes
    const e = '{{ "{{" }}';
    expect(values.kubelet.serviceMonitor.cAdvisorMetricRelabelings).toStrictEqual([
      {
        sourceLabels: [`a${e}b`],
        separator: e,
        regex: `x${e}2}`,
        targetLabel: `t${e}`,
        replacement: `$1${e}`,
        action: "replace",
      },
    ]);
  });

  it.each([
    ["dev", dev],
    ["prod", prod],
  ])("sets only keys the chart declares (%s)", (_, opts) => {
    expect(pathsOutside(kubePrometheusStackValues(opts), CHART_KEYS)).toEqual([]);
  });

  it("holds no credential", () => {
    expect(credentialLeaves(kubePrometheusStackValues(prod))).toEqual([]);
  });
});
