/**
 * The log label contract: the labels every log line carries in Loki, whichever shipper runs and
 * on whichever platform, and where each comes from. Promtail and Alloy (Docker) and Alloy
 * (Kubernetes) render their relabeling from these tables, so a label added to LOG_LABELS must
 * be sourced on every platform before the program type-checks.
 */
import { COMPOSE_LABELS, LOG_LABELS } from "../names";

export type LogLabel = (typeof LOG_LABELS)[number];

/** One relabel rule, action replace: `targetLabel` from `sourceLabels` joined by `separator`. */
export interface LogRelabelRule {
  readonly sourceLabels: readonly string[];
  /** Joins the source values before `regex` applies. @default ";" */
  readonly separator?: string;
  /** RE2, anchored at both ends. @default "(.*)" */
  readonly regex?: string;
  /** @default "$1" */
  readonly replacement?: string;
  readonly targetLabel: string;
}

type LabelSource = Omit<LogRelabelRule, "targetLabel">;

/** Docker discovery exposes container labels with every character outside [a-zA-Z0-9_] as `_`. */
function dockerLabelMeta(label: string): string {
  return `__meta_docker_container_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Docker: the container's name and its compose labels (seed: Promtail section). */
const DOCKER_SOURCES: Record<LogLabel, LabelSource> = {
  // Docker reports names with a leading slash.
  container_name: { sourceLabels: ["__meta_docker_container_name"], regex: "/(.*)" },
  compose_service: { sourceLabels: [dockerLabelMeta(COMPOSE_LABELS.service)] },
  compose_project: { sourceLabels: [dockerLabelMeta(COMPOSE_LABELS.project)] },
};

/** Docker sets this per stream (stdout or stderr); only a tailer's relabeling can see it. */
export const DOCKER_STREAM_SOURCE = "__meta_docker_container_log_stream";

/**
 * Kubernetes: pod discovery's meta labels (Alloy discovery.kubernetes, role pod). A pod's
 * container plays the Docker container (the app's backend container is named
 * timemanager-backend in its pod spec, as in its compose file), the workload's
 * `app.kubernetes.io/name` its compose service and the namespace its compose project.
 */
const KUBERNETES_SOURCES: Record<LogLabel, LabelSource> = {
  container_name: { sourceLabels: ["__meta_kubernetes_pod_container_name"] },
  compose_service: { sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"] },
  compose_project: { sourceLabels: ["__meta_kubernetes_namespace"] },
};

/** The rules that give every Docker log stream the contract's labels, in LOG_LABELS order. */
export function dockerLogLabelRules(): readonly LogRelabelRule[] {
  return LOG_LABELS.map((targetLabel) => ({ ...DOCKER_SOURCES[targetLabel], targetLabel }));
}

/** The rules that give every Kubernetes pod log stream the contract's labels. */
export function kubernetesLogLabelRules(): readonly LogRelabelRule[] {
  return LOG_LABELS.map((targetLabel) => ({ ...KUBERNETES_SOURCES[targetLabel], targetLabel }));
}
