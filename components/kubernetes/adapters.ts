/**
 * Label adapters: what makes the kubelet's cAdvisor series look like the ones the Docker
 * platform's cAdvisor gives, so that the dashboard's queries and the recording rules
 * (observability/prometheus/rules.ts) read them unchanged on both platforms.
 *
 * The kubelet's `/metrics/cadvisor` labels every cgroup series with exactly `id` (the cgroup
 * path), `name`, `image`, `namespace`, `pod` and `container`, "" when unknown
 * (kubernetes/kubernetes pkg/kubelet/server/server.go `containerPrometheusLabelsFunc`). Its
 * `name` is the runtime's container name or ID (containerd: 64 hex digits), which nobody can
 * read, where Docker's cAdvisor gives the container's name. CADVISOR_METRIC_RELABELINGS maps:
 *
 * - `container_*` of a pod's container: `name` becomes `<namespace>/<pod>/<container>`, e.g.
 *   `shop/backend-7d9c-x2k4/api`; every other label is kept.
 * - `container_*` with `container=""` (a pod's own cgroup, the node's system cgroups,
 *   containerd's sandbox) or `container="POD"` (dockershim's pause container): dropped. A pod's
 *   cgroup holds its containers' usage again, so sums over them would count it twice. The pod's
 *   network series (`container_network_*`), which cAdvisor reports for the sandbox that owns
 *   the network namespace, go with them: nothing in the program reads them.
 * - `container_spec_memory_limit_bytes`: kept, unlike the chart, because the memory-ratio rule
 *   divides by it.
 * - what kube-prometheus-stack drops for cost (CHART_COST_DROPS): dropped, as the chart does.
 * - `machine_memory_bytes` and every other series without the `container_` prefix: kept
 *   unchanged (the memory-ratio rule reads it for containers without a limit).
 *
 * So `sum by (name) (container_memory_working_set_bytes{name!=""})` and the `name:container_*`
 * recording rules give one series per container on both platforms.
 */
import type { RelabelAction, RelabelConfig } from "./values/common";

/** The same relabeling in Prometheus's own configuration (`metric_relabel_configs`). */
export interface PrometheusRelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: RelabelAction;
}

/** The Operator's camelCase keys in Prometheus's snake_case; a field left out stays out. */
export function toPrometheusRelabelConfig(config: RelabelConfig): PrometheusRelabelConfig {
  const { sourceLabels, targetLabel, ...same } = config;
  return {
    ...(sourceLabels === undefined ? {} : { source_labels: [...sourceLabels] }),
    ...(targetLabel === undefined ? {} : { target_label: targetLabel }),
    ...same,
  };
}

const drop = (sourceLabels: readonly string[], regex: string): RelabelConfig => ({
  sourceLabels,
  regex,
  action: "drop",
});

/**
 * kube-prometheus-stack's default `kubelet.serviceMonitor.cAdvisorMetricRelabelings`
 * (prometheus-community/helm-charts charts/kube-prometheus-stack/values.yaml at tag
 * kube-prometheus-stack-88.5.3, commit ea930baeeb), with two changes: `container_spec_*` is
 * dropped except `container_spec_memory_limit_bytes`, and the chart's last rule (drop every
 * series with an `id` and no `pod`) is replaced by the narrower pod-level rule below.
 */
const CHART_COST_DROPS: readonly RelabelConfig[] = [
  // The chart: "Drop less useful container CPU metrics."
  drop(
    ["__name__"],
    "container_cpu_(cfs_throttled_seconds_total|load_average_10s|system_seconds_total|user_seconds_total)",
  ),
  // "Drop less useful container / always zero filesystem metrics."
  drop(
    ["__name__"],
    "container_fs_(io_current|io_time_seconds_total|io_time_weighted_seconds_total|reads_merged_total|sector_reads_total|sector_writes_total|writes_merged_total)",
  ),
  // "Drop less useful / always zero container memory metrics."
  drop(["__name__"], "container_memory_(mapped_file|swap)"),
  // "Drop less useful container process metrics."
  drop(["__name__"], "container_(file_descriptors|tasks_state|threads_max)"),
  // "we only need the container scope."
  drop(["__name__", "scope"], "container_memory_failures_total;hierarchy"),
  // Network series of CNI and similar interfaces: host-network containers' traffic.
  drop(["__name__", "interface"], "container_network_.*;(cali|cilium|cni|lxc|nodelocaldns|tunl).*"),
  // The chart drops `container_spec.*` (kube-state-metrics has the same facts). These are the
  // other five cAdvisor emits (google/cadvisor lib/metrics/prometheus.go); RE2 has no lookahead.
  drop(
    ["__name__"],
    "container_spec_(cpu_period|cpu_quota|cpu_shares|memory_reservation_limit_bytes|memory_swap_limit_bytes)",
  ),
];

/**
 * Metric relabelings for the kubelet's cAdvisor endpoint (kube-prometheus-stack's
 * `kubelet.serviceMonitor.cAdvisorMetricRelabelings`): the chart's cost drops, then the
 * pod-level and pause series dropped, then `name` set to `<namespace>/<pod>/<container>`.
 * Only `container_*` series are ever dropped or renamed.
 */
export const CADVISOR_METRIC_RELABELINGS: readonly RelabelConfig[] = [
  ...CHART_COST_DROPS,
  // A pod's own cgroup (container="") holds its containers' usage again, and so does the node's
  // root cgroup; the pause container is "POD" under dockershim and "" under containerd. This
  // also covers the chart's "cgroup metrics with no pod": the kubelet sets `container` only for
  // a pod's containers. Metric names never hold ";", so `container_.*` cannot reach past it.
  drop(["__name__", "container"], "container_.*;(POD)?"),
  {
    // Label values in Kubernetes names (DNS labels and subdomains) never hold ";" either.
    sourceLabels: ["__name__", "namespace", "pod", "container"],
    regex: "container_.*;([^;]+);([^;]+);([^;]+)",
    targetLabel: "name",
    replacement: "$1/$2/$3",
    action: "replace",
  },
];

export type { RelabelAction, RelabelConfig };
