import { renderAlloyKubernetesConfig } from "../../observability/logs/alloy-kubernetes";
import { K8S_FULLNAMES, K8S_PORTS } from "../names";
import { type Resources, escapeHelmTemplate, resources } from "./common";

/** Options for Alloy's values. */
export interface AlloyOptions {
  /** Memory limit of each Alloy pod, in MiB. */
  readonly memoryMb: number;
  /** Loki's push endpoint, e.g. http://loki-write.monitoring.svc:3100/loki/api/v1/push. */
  readonly lokiPushUrl: string;
}

/** The Alloy values this stack sets. */
export interface AlloyValues {
  readonly fullnameOverride: string;
  readonly crds: { readonly create: false };
  readonly controller: { readonly type: "daemonset" };
  readonly alloy: {
    readonly configMap: { readonly create: true; readonly content: string };
    readonly listenPort: number;
    readonly enableReporting: false;
    readonly resources: Resources;
  };
  readonly configReloader: { readonly enabled: false };
}

const ALLOY_CPU = "50m";

// Keys checked against grafana/alloy operations/helm/charts/alloy/values.yaml @ helm-chart/1.11.1.
/**
 * Alloy as a DaemonSet shipping every pod's logs to Loki through the Kubernetes API (see
 * renderAlloyKubernetesConfig): no hostPath mount (`alloy.mounts.varlog` stays false), no root.
 *
 * - No clustering: each pod tails the pods of its own node (the config's field selector on
 *   HOSTNAME, which the chart sets to spec.nodeName), so the DaemonSet needs no coordination.
 * - The config goes through Helm's `tpl` (templates/configmap.yaml), so any `{{` is escaped.
 * - No config-reloader sidecar: with it off, the chart stamps the config's checksum on the pod
 *   template (templates/controllers/_pod.yaml), so a config change rolls the pods, visibly in
 *   the Pulumi diff.
 * - `enableReporting: false` makes the chart pass `--disable-reporting`
 *   (templates/containers/_agent.yaml); Alloy sets GOMEMLIMIT from its cgroup limit itself.
 * - No PodLogs CRD (`crds.create`): this config does not use it, and a cluster-wide CRD owned by
 *   this stack would take every PodLogs object in the cluster with it when removed.
 */
export function alloyValues(opts: AlloyOptions): AlloyValues {
  return {
    fullnameOverride: K8S_FULLNAMES.alloy,
    crds: { create: false },
    controller: { type: "daemonset" },
    alloy: {
      configMap: {
        create: true,
        content: escapeHelmTemplate(renderAlloyKubernetesConfig({ lokiPushUrl: opts.lokiPushUrl })),
      },
      listenPort: K8S_PORTS.alloy,
      enableReporting: false,
      resources: resources(opts.memoryMb, ALLOY_CPU),
    },
    configReloader: { enabled: false },
  };
}
