/**
 * Names that cross components: container hostnames, ports, paths, datasource UIDs, label names.
 * Every renderer, component, dashboard panel and alert rule imports them from here, so the pieces
 * can never disagree on what they call each other.
 */

export { BACKEND_LATENCY_BUCKETS } from "../../config/conventions";

/** The services this program runs, each in one container named `<prefix>-<service>`. */
export const SERVICES = ["prometheus", "loki", "promtail", "tempo", "cadvisor", "grafana"] as const;
export type Service = (typeof SERVICES)[number];

/** Ports each service listens on inside its container. */
export const PORTS = {
  prometheus: 9090,
  loki: 3100,
  lokiGrpc: 9095,
  promtail: 9080,
  tempo: 3200,
  tempoGrpc: 9095,
  tempoOtlpGrpc: 4317,
  tempoOtlpHttp: 4318,
  cadvisor: 8080,
  grafana: 3000,
} as const;

/**
 * Network aliases: the hostname other containers use for each service (`http://loki:3100`).
 * The seed's backend sends OTLP to `tempo:4317`, so these are the bare service names.
 */
export const HOSTS = {
  prometheus: "prometheus",
  loki: "loki",
  promtail: "promtail",
  tempo: "tempo",
  cadvisor: "cadvisor",
  grafana: "grafana",
} as const satisfies Record<Service, string>;

/**
 * The log shipper's alias and metrics port, the same whichever shipper runs, so switching from
 * Promtail to Alloy changes neither Prometheus's config nor the dashboards.
 */
export const LOG_SHIPPER = { alias: "log-shipper", port: PORTS.promtail } as const;

/** Paths inside the containers: where each config file is uploaded and where data lives. */
export const PATHS = {
  prometheusConfig: "/etc/prometheus/prometheus.yml",
  prometheusRules: "/etc/prometheus/rules/timemanager.rules.yml",
  prometheusData: "/prometheus",
  lokiConfig: "/etc/loki/config.yaml",
  lokiData: "/loki",
  promtailConfig: "/etc/promtail/config.yml",
  promtailData: "/var/lib/promtail",
  tempoConfig: "/etc/tempo.yaml",
  tempoData: "/var/tempo",
  grafanaData: "/var/lib/grafana",
  dockerSocket: "/var/run/docker.sock",
} as const;

/** Fixed Grafana datasource UIDs, shared by the datasources, the dashboard and the alert rules. */
export const DATASOURCE_UIDS = {
  prometheus: "timemanager-prometheus",
  loki: "timemanager-loki",
  tempo: "timemanager-tempo",
} as const;

/** Labels every log line carries in Loki, taken from the containers' compose labels (seed). */
export const LOG_LABELS = ["container_name", "compose_service", "compose_project"] as const;

/**
 * Marks a container whose ports bind to every interface because the stack asked for it
 * (bindAddress), so the policy pack can tell a choice from an accident.
 */
export const BIND_ALL_LABEL = {
  label: "org.timemanager.bind-all-interfaces",
  value: "explicit",
} as const;

/** Docker Compose's own label keys; the stack's containers carry them too, like the app's. */
export const COMPOSE_LABELS = {
  project: "com.docker.compose.project",
  service: "com.docker.compose.service",
  /** A network's key in its compose file; compose refuses a network of its project without it. */
  network: "com.docker.compose.network",
} as const;

/** Prometheus job names, used by the scrape config, the rules and the dashboard. */
export const JOBS = {
  backend: "backend",
  traefik: "traefik",
  cadvisor: "cadvisor",
  prometheus: "prometheus",
  loki: "loki",
  tempo: "tempo",
  grafana: "grafana",
  /** Whichever log shipper runs, so dashboards and alerts do not depend on the choice. */
  logShipper: "log-shipper",
} as const;

/** The app's own containers, named by its compose file (seed: logs of timemanager-backend). */
export const APP_CONTAINERS = {
  backend: "timemanager-backend",
} as const;

/** Grafana objects with stable identifiers, so links and references survive re-creation. */
export const GRAFANA_UIDS = {
  folder: "timemanager",
  dashboard: "timemanager-overview",
  sloDashboard: "timemanager-slos",
  alertGroup: "timemanager-alerts",
} as const;
