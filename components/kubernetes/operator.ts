import type { PodTarget } from "../../config";
import { ruleGroups, type RuleGroup } from "../observability/prometheus/rules";
import type { SloSpec } from "../observability/slo";
import type { RelabelConfig } from "./adapters";

/**
 * Prometheus Operator objects (monitoring.coreos.com/v1) as plain manifests: what Prometheus
 * scrapes on Kubernetes and the rules it loads. Pure builders, no Pulumi: the platform turns
 * them into resources, the tests validate them against the Operator's schemas.
 */

/** The Operator's API group and version of every object built here. */
export const MONITORING_API_VERSION = "monitoring.coreos.com/v1";

/** Where a namespaced object lives. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
}

/** One scraped port of the selected pods. */
export interface PodMetricsEndpoint {
  /** Name of the container port. */
  readonly port: string;
  readonly path: string;
  /** Prometheus duration, e.g. "15s". */
  readonly interval: string;
  /** Target relabelings, applied after the Operator's own. */
  readonly relabelings: readonly RelabelConfig[];
}

/** A PodMonitor: which pods Prometheus scrapes, on which port. */
export interface PodMonitorManifest {
  readonly apiVersion: typeof MONITORING_API_VERSION;
  readonly kind: "PodMonitor";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly namespaceSelector: { readonly matchNames: readonly string[] };
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly podMetricsEndpoints: readonly PodMetricsEndpoint[];
  };
}

/** A PrometheusRule: rule groups the Operator hands to Prometheus as a rules file. */
export interface PrometheusRuleManifest {
  readonly apiVersion: typeof MONITORING_API_VERSION;
  readonly kind: "PrometheusRule";
  readonly metadata: ObjectMeta;
  readonly spec: { readonly groups: readonly RuleGroup[] };
}

/** Arguments of podMonitor(). */
export interface PodMonitorOptions {
  /** The PodMonitor's own name. */
  readonly name: string;
  /** Where the PodMonitor lives (the one Prometheus selects it from). */
  readonly namespace: string;
  /** The `job` label of every series scraped, e.g. JOBS.backend. */
  readonly job: string;
  /** The app's pods: their namespace, labels and metrics port. */
  readonly target: PodTarget;
  /** Scrape interval, a Prometheus duration such as "15s". */
  readonly interval: string;
}

/** The path every app target serves its metrics on. */
export const METRICS_PATH = "/metrics";

/**
 * A PodMonitor scraping `target`'s pods under the job name `job`. The Operator names the job
 * `<namespace>/<podmonitor name>` and appends the endpoint's relabelings after its own
 * (prometheus-operator pkg/prometheus/promcfg.go `generatePodMonitorConfig` @v0.93.0), so the
 * relabeling here has the last word and the dashboard's and alerts' `job="..."` filters match.
 */
export function podMonitor(opts: PodMonitorOptions): PodMonitorManifest {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "PodMonitor",
    metadata: { name: opts.name, namespace: opts.namespace },
    spec: {
      namespaceSelector: { matchNames: [opts.target.namespace] },
      selector: { matchLabels: { ...opts.target.matchLabels } },
      podMetricsEndpoints: [
        {
          port: opts.target.port,
          path: METRICS_PATH,
          interval: opts.interval,
          relabelings: [{ targetLabel: "job", replacement: opts.job, action: "replace" }],
        },
      ],
    },
  };
}

/** Arguments of prometheusRule(). */
export interface PrometheusRuleOptions {
  readonly name: string;
  readonly namespace: string;
  /** The objectives the SLO recording rules compute error budgets for. */
  readonly slo: SloSpec;
}

/** Every rule group of the program, the same ones the Docker platform's rules file holds. */
export function prometheusRule(opts: PrometheusRuleOptions): PrometheusRuleManifest {
  return {
    apiVersion: MONITORING_API_VERSION,
    kind: "PrometheusRule",
    metadata: { name: opts.name, namespace: opts.namespace },
    spec: { groups: ruleGroups({ slo: opts.slo }) },
  };
}
