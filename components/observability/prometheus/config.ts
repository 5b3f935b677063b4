import { posix } from "node:path";
import { stringify } from "yaml";
import { HOSTS, JOBS, PATHS, PORTS } from "../names";

/** The seed's scrape interval. */
export const SCRAPE_INTERVAL = "15s";

export interface PrometheusConfigOptions {
  /** host:port of the backend's /metrics on the app network, e.g. backend:8080. */
  readonly backendTarget: string;
  /** host:port of Traefik's metrics entrypoint, e.g. traefik:8082. */
  readonly traefikTarget: string;
  /** host:port of the log shipper's metrics, e.g. log-shipper:9080. */
  readonly logShipperTarget: string;
}

/** One scrape job per target: the app, cAdvisor, and the stack's own services. */
export function scrapeTargets(opts: PrometheusConfigOptions): Record<string, string> {
  return {
    [JOBS.prometheus]: `localhost:${String(PORTS.prometheus)}`,
    [JOBS.backend]: opts.backendTarget,
    [JOBS.traefik]: opts.traefikTarget,
    [JOBS.cadvisor]: `${HOSTS.cadvisor}:${String(PORTS.cadvisor)}`,
    [JOBS.loki]: `${HOSTS.loki}:${String(PORTS.loki)}`,
    [JOBS.tempo]: `${HOSTS.tempo}:${String(PORTS.tempo)}`,
    [JOBS.grafana]: `${HOSTS.grafana}:${String(PORTS.grafana)}`,
    [JOBS.logShipper]: opts.logShipperTarget,
  };
}

/**
 * prometheus.yml. Retention is set by flags, not in this file: the config-file form
 * (`storage.tsdb.retention`) needs Prometheus 3.8+, and promtool 3.5 must accept this file too.
 */
export function renderPrometheusConfig(opts: PrometheusConfigOptions): string {
  return stringify({
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    // Relative to the config file, so promtool checks the files laid out as uploaded.
    rule_files: [posix.relative(posix.dirname(PATHS.prometheusConfig), PATHS.prometheusRules)],
    scrape_configs: Object.entries(scrapeTargets(opts)).map(([job, target]) => ({
      job_name: job,
      static_configs: [{ targets: [target] }],
    })),
  });
}

export interface PrometheusFlagsOptions {
  readonly retentionDays: number;
  /** Prometheus size, e.g. "10GB". */
  readonly retentionSize: string;
}

/**
 * Command-line flags. The image's default CMD sets the config file and the TSDB path; a command
 * replaces it, so both are repeated. The remote-write receiver and exemplar storage are what
 * Tempo's metrics generator writes into (prometheus docs: command-line/prometheus.md,
 * feature_flags.md).
 */
export function prometheusFlags(opts: PrometheusFlagsOptions): string[] {
  return [
    `--config.file=${PATHS.prometheusConfig}`,
    `--storage.tsdb.path=${PATHS.prometheusData}`,
    `--storage.tsdb.retention.time=${String(opts.retentionDays)}d`,
    `--storage.tsdb.retention.size=${opts.retentionSize}`,
    "--web.enable-remote-write-receiver",
    "--enable-feature=exemplar-storage",
  ];
}
