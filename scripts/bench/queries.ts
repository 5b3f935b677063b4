import { DATASOURCE_UIDS } from "../../components/observability/names";
import { dashboardQueries } from "../../components/observability/grafana/dashboard";
import {
  LATENCY_P99_BY_PATH_RAW,
  overRange,
  topLines,
} from "../../components/observability/grafana/panels";
import { RATE_WINDOW, RECORDED } from "../../components/observability/prometheus/rules";
import { substituteGrafanaVariables } from "../lib/grafana-variables";

/**
 * The overview dashboard's Prometheus queries twice: as written (on the recording rules) and as
 * the raw queries they stand for, each recorded metric replaced by its rule's expression with
 * the panel's matchers pushed into the raw selectors.
 */

/**
 * A panel kept to its top lines (topLines), raw: the rule's expression in both the lines and the
 * rank, the rank over the range as a subquery at Prometheus's default resolution (what the rule's
 * series give the recorded side).
 */
const rawTop = (raw: string, by: string, fn: string): string =>
  topLines(`(${raw})`, by, `${fn}((${raw})[$__range:] @ end())`);

const REQUESTS_BY_PATH = `${RECORDED.requestRateByPathClass}{job="backend", path=~"$path"}`;
const REQUESTS_BY_PATH_RAW = `sum by (path) (rate(http_requests_total{job="backend", path=~"$path"}[${RATE_WINDOW}]))`;
// The panel's own raw form (its description's) reads $__rate_interval; the rule's window is 5m.
const P99_BY_PATH = `${RECORDED.pathLatencyP99}{job="backend", path=~"$path"}`;
const P99_BY_PATH_RAW = LATENCY_P99_BY_PATH_RAW.replace("$__rate_interval", RATE_WINDOW);
const CPU_RAW = `sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[${RATE_WINDOW}]))`;
const MEMORY_RATIO_RAW = `max by (name) (container_memory_working_set_bytes{name!=""}) / max by (name) (container_spec_memory_limit_bytes{name!=""} > 0) or max by (name) (container_memory_working_set_bytes{name!=""}) / on () group_left () max (machine_memory_bytes)`;

/** The raw equivalent of each query that reads a recording rule, keyed by the query as written. */
const RAW: Readonly<Partial<Record<string, string>>> = {
  [topLines(
    `sum by (path) (${REQUESTS_BY_PATH})`,
    "path",
    `sum by (path) (${overRange("avg_over_time", REQUESTS_BY_PATH)})`,
  )]: rawTop(REQUESTS_BY_PATH_RAW, "path", "avg_over_time"),
  [`${RECORDED.requestRate}{job="backend"}`]: `sum by (job) (rate(http_requests_total{job="backend"}[${RATE_WINDOW}]))`,
  ...Object.fromEntries(
    (
      [
        [RECORDED.latencyP50, 0.5],
        [RECORDED.latencyP90, 0.9],
        [RECORDED.latencyP99, 0.99],
      ] as const
    ).map(([name, q]) => [
      `${name}{job="backend"}`,
      `histogram_quantile(${String(q)}, sum by (job, le) (rate(http_request_duration_seconds_bucket{job="backend"}[${RATE_WINDOW}])))`,
    ]),
  ),
  [topLines(P99_BY_PATH, "path", overRange("max_over_time", P99_BY_PATH))]: rawTop(
    P99_BY_PATH_RAW,
    "path",
    "max_over_time",
  ),
  ...Object.fromEntries(
    (["4", "5"] as const).map((c) => [
      `sum(${RECORDED.requestRateByPathClass}{job="backend", status_class="${c}xx", path=~"$path"})`,
      `sum(rate(http_requests_total{job="backend", status=~"${c}..", path=~"$path"}[${RATE_WINDOW}]))`,
    ]),
  ),
  [`${RECORDED.errorRatio}{job="backend"}`]: `(sum by (job) (rate(http_requests_total{job="backend", status=~"5.."}[${RATE_WINDOW}])) or sum by (job) (rate(http_requests_total{job="backend"}[${RATE_WINDOW}])) * 0) / sum by (job) (rate(http_requests_total{job="backend"}[${RATE_WINDOW}]))`,
  [topLines(RECORDED.containerCpu, "name", overRange("avg_over_time", RECORDED.containerCpu))]:
    rawTop(CPU_RAW, "name", "avg_over_time"),
  [topLines(
    RECORDED.containerMemoryRatio,
    "name",
    overRange("max_over_time", RECORDED.containerMemoryRatio),
  )]: rawTop(MEMORY_RATIO_RAW, "name", "max_over_time"),
};

/** One Prometheus panel query, ready to send. */
export interface BenchQuery {
  /** Panel title and refId. */
  readonly id: string;
  /** Panel title. */
  readonly panel: string;
  /** As the dashboard runs it, variables substituted. */
  readonly recorded: string;
  /** The raw equivalent; the same text when the query reads no recording rule. */
  readonly raw: string;
  readonly usesRule: boolean;
}

const RECORDED_NAMES: readonly string[] = Object.values(RECORDED);

/**
 * Every Prometheus query of the overview dashboard with `$path` = All (".*") and the given
 * `$__rate_interval` and time range. Throws when a query reads a recording rule but has no raw equivalent, so
 * a new panel cannot silently be measured on its recorded side only.
 */
export function benchQueries(rateInterval: string, rangeSeconds: number): BenchQuery[] {
  const values = {
    path: ".*",
    __rate_interval: rateInterval,
    __range: `${String(rangeSeconds)}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
  };
  return dashboardQueries()
    .filter((q) => q.datasourceUid === DATASOURCE_UIDS.prometheus)
    .map((q) => {
      const usesRule = RECORDED_NAMES.some((name) => q.expr.includes(name));
      const raw = RAW[q.expr];
      if (usesRule && raw === undefined) {
        throw new Error(`no raw equivalent for "${q.panel}" ${q.refId}: ${q.expr}`);
      }
      return {
        id: `${q.panel} (${q.refId})`,
        panel: q.panel,
        recorded: substituteGrafanaVariables(q.expr, values),
        raw: substituteGrafanaVariables(raw ?? q.expr, values),
        usesRule,
      };
    });
}
