/**
 * Names that cross the Kubernetes platform: Helm release names, the charts' fixed full names
 * (so every Service name is known before anything is installed), the in-cluster addresses, and
 * the Secrets the platform creates and the charts read by name.
 *
 * Service names follow each chart's templates at the pinned versions (see the renderers under
 * ./values, which set the `fullnameOverride`s below):
 * - kube-prometheus-stack 88.5.3, templates/prometheus/service.yaml: `<fullname>-prometheus`,
 *   port `prometheus.service.port` (9090).
 * - loki 18.11.0, templates/monolithic/service.yaml: Monolithic `<fullname>`; with
 *   SimpleScalable and the gateway off, templates/{write,read,backend}/service.yaml via
 *   `loki.resourceName`: `<fullname>-write` (push), `<fullname>-read` (queries),
 *   `<fullname>-backend`; every one on `loki.server.http_listen_port` (3100).
 * - tempo 2.2.4, templates/service.yaml and _ports.tpl: `<fullname>`, 3200 (fixed by the chart),
 *   OTLP gRPC 4317 and HTTP 4318 (from the receivers' endpoints).
 * - grafana 12.11.1, templates/service.yaml: `grafana.fullname`, port `service.port`.
 * - alloy 1.11.1, templates/service.yaml: `<fullname>`, port `alloy.listenPort`.
 */
import { LOG_SHIPPER, PORTS } from "../observability/names";

/** Helm release names, one per chart; the Chart resource's `name`. */
export const K8S_RELEASES = {
  prometheus: "kube-prometheus-stack",
  loki: "loki",
  tempo: "tempo",
  alloy: "alloy",
  grafana: "grafana",
} as const;

/**
 * Each chart's `fullnameOverride`, the prefix of every object it names. Grafana has none: its
 * values.yaml does not declare the key (only _helpers.tpl reads it), so its full name comes from
 * the chart's rule instead: a release name that contains "grafana" is used as is.
 */
export const K8S_FULLNAMES = {
  // The chart cuts its full name to 26 characters (templates/_helpers.tpl); this one is 21.
  prometheus: "kube-prometheus-stack",
  loki: "loki",
  tempo: "tempo",
  alloy: "alloy",
} as const;

/** Service names, fixed by the full names above. */
export const K8S_SERVICES = {
  prometheus: `${K8S_FULLNAMES.prometheus}-prometheus`,
  /** Loki Monolithic: pushes and queries. */
  loki: K8S_FULLNAMES.loki,
  /** Loki SimpleScalable: the distributors and ingesters, where clients push. */
  lokiWrite: `${K8S_FULLNAMES.loki}-write`,
  /** Loki SimpleScalable: the query frontends and queriers, what Grafana queries. */
  lokiRead: `${K8S_FULLNAMES.loki}-read`,
  tempo: K8S_FULLNAMES.tempo,
  grafana: K8S_RELEASES.grafana,
  alloy: K8S_FULLNAMES.alloy,
} as const;

/**
 * The Services' ports. Those of Prometheus, Loki, Grafana and Alloy are set in the values from
 * here; Tempo's are fixed by its chart and equal to the Docker ports.
 */
export const K8S_PORTS = {
  prometheus: PORTS.prometheus,
  loki: PORTS.loki,
  tempo: PORTS.tempo,
  tempoOtlpGrpc: PORTS.tempoOtlpGrpc,
  tempoOtlpHttp: PORTS.tempoOtlpHttp,
  grafana: PORTS.grafana,
  /** The log shipper's port on both platforms (Promtail's 9080, not Alloy's 12345). */
  alloy: LOG_SHIPPER.port,
} as const;

/** Secrets the platform creates in the namespace; the charts read them by these names. */
export const K8S_SECRETS = {
  grafanaAdmin: "grafana-admin",
  objectStorage: "object-storage-credentials",
  grafanaSmtp: "grafana-smtp",
} as const;

/** The keys inside those Secrets. */
export const K8S_SECRET_KEYS = {
  /** The Grafana chart's `admin.userKey` / `admin.passwordKey` defaults. */
  grafanaAdmin: { user: "admin-user", password: "admin-password" },
  /**
   * Environment variable names, so `envFrom` maps the Secret onto the AWS SDK's own variables:
   * Loki expands them in its config, Tempo's S3 client reads them directly.
   */
  objectStorage: { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" },
  grafanaSmtp: { user: "user", password: "password" },
} as const;

/**
 * A Service's host name inside the cluster, `<service>.<namespace>.svc`. Without the cluster
 * domain (`cluster.local` by default, but configurable) it resolves on any cluster through the
 * pods' DNS search path.
 */
export function clusterServiceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc`;
}

/** An HTTP URL of a Service inside the cluster, e.g. `http://loki.monitoring.svc:3100/ready`. */
export function clusterUrl(service: string, namespace: string, port: number, path = ""): string {
  return `http://${clusterServiceHost(service, namespace)}:${port}${path}`;
}
