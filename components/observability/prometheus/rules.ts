import { stringify } from "yaml";
import { JOBS } from "../names";
import {
  budgetRemainingRecord,
  ERRORS_RATE_RECORD,
  errorBudget,
  errorRatioRecord,
  objectiveOf,
  prometheusLe,
  type Sli,
  sliWindows,
  type SloSpec,
  sloWindow,
} from "../slo";

/**
 * Prometheus recording and alerting rules. Recording rules follow Prometheus's naming convention
 * `level:metric:operations` and hold what the dashboard and the alerts compute on every refresh,
 * so their cost no longer grows with endpoints x statuses x buckets.
 */

/** The window every rate in the rules uses: four 15 s scrapes fit in it many times over. */
export const RATE_WINDOW = "5m";

/** Names of the recording rules, used by the dashboard and the Grafana alerts. */
export const RECORDED = {
  /** Request rate by job, path and status class (2xx, 4xx, 5xx). */
  requestRateByPathClass: "job_path_status_class:http_requests:rate5m",
  /** Request rate by job. */
  requestRate: "job:http_requests:rate5m",
  /** Share of requests answered 5xx, by job (0 to 1). */
  errorRatio: "job:http_requests_5xx:ratio_rate5m",
  /** Bucket rates of the duration histogram summed over everything but job and le. */
  durationBuckets: "job_le:http_request_duration_seconds_bucket:rate5m",
  /** Latency quantiles by job, computed from the summed bucket rates. */
  latencyP50: "job:http_request_duration_seconds:p50_rate5m",
  latencyP90: "job:http_request_duration_seconds:p90_rate5m",
  latencyP99: "job:http_request_duration_seconds:p99_rate5m",
  /** p99 latency by job and path, from the bucket rates summed by job, path and le. */
  pathLatencyP99: "job_path:http_request_duration_seconds:p99_rate5m",
  /** CPU seconds per second by container name. */
  containerCpu: "name:container_cpu_usage_seconds:rate5m",
  /**
   * Working set over the memory a container may use, by container name: its limit, or the host's
   * memory for a container without one.
   */
  containerMemoryRatio: "name:container_memory_working_set_bytes:ratio_limit",
} as const;

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const quantile = (q: number): string =>
  `histogram_quantile(${String(q)}, ${RECORDED.durationBuckets})`;

export const RECORDING_RULES: readonly RecordingRule[] = [
  {
    record: RECORDED.requestRateByPathClass,
    expr: `sum by (job, path, status_class) (label_replace(rate(http_requests_total[${RATE_WINDOW}]), "status_class", "\${1}xx", "status", "([0-9])[0-9][0-9]"))`,
  },
  {
    record: RECORDED.requestRate,
    expr: `sum by (job) (rate(http_requests_total[${RATE_WINDOW}]))`,
  },
  {
    record: RECORDED.errorRatio,
    // A job that never answered 5xx has no 5xx series; `or ... * 0` makes its ratio 0, not absent.
    expr: `(sum by (job) (rate(http_requests_total{status=~"5.."}[${RATE_WINDOW}])) or sum by (job) (rate(http_requests_total[${RATE_WINDOW}])) * 0) / sum by (job) (rate(http_requests_total[${RATE_WINDOW}]))`,
  },
  {
    record: RECORDED.durationBuckets,
    expr: `sum by (job, le) (rate(http_request_duration_seconds_bucket[${RATE_WINDOW}]))`,
  },
  { record: RECORDED.latencyP50, expr: quantile(0.5) },
  { record: RECORDED.latencyP90, expr: quantile(0.9) },
  { record: RECORDED.latencyP99, expr: quantile(0.99) },
  {
    // Straight from the raw buckets: a per-path bucket rule would keep paths x buckets series.
    record: RECORDED.pathLatencyP99,
    expr: `histogram_quantile(0.99, sum by (job, path, le) (rate(http_request_duration_seconds_bucket[${RATE_WINDOW}])))`,
  },
  {
    record: RECORDED.containerCpu,
    expr: `sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[${RATE_WINDOW}]))`,
  },
  {
    record: RECORDED.containerMemoryRatio,
    // cAdvisor reports a limit of 0 for a container without one (google/cadvisor#1911); such a
    // container (the app's, by default) can take the whole host, so its share of the host's
    // memory stands in: `or` adds only the names the limit side has not produced.
    expr: `max by (name) (container_memory_working_set_bytes{name!=""}) / max by (name) (container_spec_memory_limit_bytes{name!=""} > 0) or max by (name) (container_memory_working_set_bytes{name!=""}) / on () group_left () max (machine_memory_bytes)`,
  },
];

/**
 * The seed's two Prometheus alerts. HighErrorRate keeps the seed's threshold (more than 0.1
 * 5xx responses per second for 5 minutes), summed per job so that one alert fires per service
 * rather than one per path and method.
 */
export const ALERTING_RULES: readonly AlertingRule[] = [
  {
    alert: "HighErrorRate",
    expr: `sum by (job) (rate(http_requests_total{status=~"5.."}[${RATE_WINDOW}])) > 0.1`,
    for: "5m",
    labels: { severity: "critical" },
    annotations: {
      summary: "High error rate detected",
      description:
        '{{ $labels.job }} answers {{ $value | printf "%.2f" }} 5xx responses per second (threshold 0.1/s).',
    },
  },
  {
    alert: "ServiceDown",
    expr: "up == 0",
    for: "1m",
    labels: { severity: "critical" },
    annotations: {
      summary: "Service {{ $labels.job }} is down",
      description: "Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}).",
    },
  },
];

const backend = `job="${JOBS.backend}"`;

/**
 * The share of bad requests of one SLI over `window`, for the backend. Built on the 5-minute
 * recording rules: the 5-minute ratio is theirs; a longer window averages their rates over it
 * (bad and all alike, so the ratio weighs every request the same, and a range of a few series of
 * one sample per evaluation stays cheap over 30 days, unlike one over every raw series).
 */
function errorRatioExpr(spec: SloSpec, sli: Sli, window: string): string {
  const over = (selector: string): string =>
    window === RATE_WINDOW ? selector : `avg_over_time(${selector}[${window}])`;
  if (sli === "availability") {
    return window === RATE_WINDOW
      ? `${RECORDED.errorRatio}{${backend}}`
      : `${over(`${ERRORS_RATE_RECORD}{${backend}}`)} / ${over(`${RECORDED.requestRate}{${backend}}`)}`;
  }
  // Slow = all (+Inf) minus those within the threshold's bucket; ignoring le pairs the two.
  const bucket = (le: string): string =>
    over(`${RECORDED.durationBuckets}{${backend}, le="${le}"}`);
  return `1 - ${bucket(prometheusLe(spec.latencyThresholdSeconds))} / ignoring (le) ${bucket("+Inf")}`;
}

/**
 * The SLO recording rules: the 5xx rate per job, then each SLI's share of bad requests over
 * every window the alerts and the dashboard read, then what is left of each error budget. In
 * this order, since Prometheus evaluates a group's rules one after the other.
 */
export function sloRecordingRules(spec: SloSpec): RecordingRule[] {
  const perSli = (sli: Sli): RecordingRule[] => [
    ...sliWindows(spec).map((window) => ({
      record: errorRatioRecord(sli, window),
      expr: errorRatioExpr(spec, sli, window),
    })),
    {
      record: budgetRemainingRecord(sli),
      expr: `1 - ${errorRatioRecord(sli, sloWindow(spec))} / ${String(errorBudget(objectiveOf(spec, sli)))}`,
    },
  ];
  return [
    {
      record: ERRORS_RATE_RECORD,
      // As for the 5xx ratio: a job that never failed has no 5xx series, and a rate of 0.
      expr: `sum by (job) (${RECORDED.requestRateByPathClass}{status_class="5xx"}) or ${RECORDED.requestRate} * 0`,
    },
    ...perSli("availability"),
    ...perSli("latency"),
  ];
}

/** The group names in the rules file. */
export const RULE_GROUPS = {
  recording: "timemanager-recording",
  alerts: "timemanager",
  slo: "timemanager-slo",
} as const;

/** One rule group as Prometheus and the Operator's PrometheusRule spell it. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** What the rules depend on in the stack's settings. */
export interface RulesOptions {
  /** The objectives the SLO rules compute budgets for. */
  readonly slo: SloSpec;
}

/** Every rule group Prometheus loads, on either platform. */
export function ruleGroups(options: RulesOptions): RuleGroup[] {
  return [
    { name: RULE_GROUPS.recording, rules: RECORDING_RULES.map((r) => ({ ...r })) },
    { name: RULE_GROUPS.alerts, rules: ALERTING_RULES.map((r) => ({ ...r })) },
    { name: RULE_GROUPS.slo, rules: sloRecordingRules(options.slo) },
  ];
}

/** The rules file Prometheus loads, as uploaded into the container. */
export function renderRules(options: RulesOptions): string {
  return stringify({ groups: ruleGroups(options) });
}
