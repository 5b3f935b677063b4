import { DATASOURCE_UIDS } from "../../components/observability/names";
import { dashboardQueries } from "../../components/observability/grafana/dashboard";
import {
  LATENCY_P99_BY_PATH_RAW,
  TOP_LINES,
  TOP_VARIABLES,
  VARIABLES,
} from "../../components/observability/grafana/panels";
import { RATE_WINDOW, RECORDED } from "../../components/observability/prometheus/rules";
import { sloDashboard } from "../../components/observability/grafana/slo-dashboard";
import {
  budgetRemainingRecord,
  errorBudget,
  errorRatioRecord,
  prometheusLe,
  sliWindows,
  type SloSpec,
  sloWindow,
} from "../../components/observability/slo";
import { substituteGrafanaVariables } from "../lib/grafana-variables";

/**
 * The overview dashboard's Prometheus queries twice: as written (on the recording rules) and as
 * the raw queries they stand for, each recorded metric replaced by its rule's expression with
 * the panel's matchers pushed into the raw selectors. The hidden variables of the panels that
 * draw their top lines (TOP_VARIABLES) are queries too, run before the panels as Grafana does.
 */

/** The hidden variables' matchers as a panel writes them, e.g. path=~"${busiest_paths:regex}". */
const inTop = (label: string, name: string): string => `${label}=~"\${${name}:regex}"`;

const CPU_RAW = (matcher: string): string =>
  `sum by (name) (rate(container_cpu_usage_seconds_total{${matcher}}[${RATE_WINDOW}]))`;
const MEMORY_RATIO_RAW = (matcher: string): string =>
  `max by (name) (container_memory_working_set_bytes{${matcher}}) / max by (name) (container_spec_memory_limit_bytes{${matcher}} > 0) or max by (name) (container_memory_working_set_bytes{${matcher}}) / on () group_left () max (machine_memory_bytes)`;
// The panel's own raw form (its description's) reads $__rate_interval; the rule's window is 5m.
const P99_RAW = (matcher: string): string =>
  LATENCY_P99_BY_PATH_RAW.replace("$__rate_interval", RATE_WINDOW).replace(
    'path=~"$path"',
    matcher,
  );
const REQUESTS_RAW = (matcher: string): string =>
  `sum by (path) (rate(http_requests_total{job="backend", ${matcher}}[${RATE_WINDOW}]))`;

/** The raw equivalent of each query that reads a recording rule, keyed by the query as written. */
const RAW: Readonly<Partial<Record<string, string>>> = {
  [`sum by (path) (${RECORDED.requestRateByPathClass}{job="backend", ${inTop("path", VARIABLES.busiestPaths)}})`]:
    REQUESTS_RAW(inTop("path", VARIABLES.busiestPaths)),
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
  [`${RECORDED.pathLatencyP99}{job="backend", ${inTop("path", VARIABLES.slowestPaths)}}`]: P99_RAW(
    inTop("path", VARIABLES.slowestPaths),
  ),
  ...Object.fromEntries(
    (["4", "5"] as const).map((c) => [
      `sum(${RECORDED.requestRateByPathClass}{job="backend", status_class="${c}xx", path=~"$path"})`,
      `sum(rate(http_requests_total{job="backend", status=~"${c}..", path=~"$path"}[${RATE_WINDOW}]))`,
    ]),
  ),
  [`${RECORDED.errorRatio}{job="backend"}`]: `(sum by (job) (rate(http_requests_total{job="backend", status=~"5.."}[${RATE_WINDOW}])) or sum by (job) (rate(http_requests_total{job="backend"}[${RATE_WINDOW}])) * 0) / sum by (job) (rate(http_requests_total{job="backend"}[${RATE_WINDOW}]))`,
  [`${RECORDED.containerCpu}{${inTop("name", VARIABLES.cpuContainers)}}`]: CPU_RAW(
    inTop("name", VARIABLES.cpuContainers),
  ),
  [`${RECORDED.containerMemoryRatio}{${inTop("name", VARIABLES.memoryRatioContainers)}}`]:
    MEMORY_RATIO_RAW(inTop("name", VARIABLES.memoryRatioContainers)),
};

/** The raw ranking of each hidden variable whose ranking reads a recording rule, by its name. */
const RAW_RANK: Readonly<Partial<Record<string, string>>> = {
  [VARIABLES.busiestPaths]: REQUESTS_RAW('path=~"$path"'),
  [VARIABLES.slowestPaths]: `max by (path) (${P99_RAW('path=~"$path"')})`,
  [VARIABLES.cpuContainers]: CPU_RAW('name!=""'),
  [VARIABLES.memoryRatioContainers]: `max by (name) (${MEMORY_RATIO_RAW('name!=""')})`,
};

/** One Prometheus panel query, ready to send once its hidden variables are filled in. */
export interface BenchQuery {
  /** Panel title and refId. */
  readonly id: string;
  /** Panel title. */
  readonly panel: string;
  /** As the dashboard runs it, variables substituted, hidden ones as placeholders (fill). */
  readonly recorded: string;
  /** The raw equivalent; the same text when the query reads no recording rule. */
  readonly raw: string;
  readonly usesRule: boolean;
}

/** A hidden variable: an instant query at the range's end, each side, and the label it keeps. */
export interface BenchVariable {
  readonly name: string;
  readonly label: string;
  readonly recorded: string;
  readonly raw: string;
  readonly usesRule: boolean;
}

const RECORDED_NAMES: readonly string[] = Object.values(RECORDED);

/** Where a hidden variable's values go in a query until the pass fills them in. */
const placeholder = (name: string): string => `\u0000${name}\u0000`;

/** Grafana's `regex` format of a multi-valued variable: values escaped, `(a|b)`. */
function regexValue(values: readonly string[]): string {
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return escaped.length === 1 ? (escaped[0] ?? "") : `(${escaped.join("|")})`;
}

/** `query` with each hidden variable's placeholder replaced by its values, as a regex. */
export function fill(query: string, values: ReadonlyMap<string, readonly string[]>): string {
  let out = query;
  for (const [name, v] of values) {
    // Inside a PromQL string literal: the regex's backslashes are doubled there.
    out = out.replaceAll(placeholder(name), regexValue(v).replaceAll("\\", "\\\\"));
  }
  return out;
}

/**
 * Every Prometheus query of the overview dashboard with `$path` = All (".*") and the given
 * `$__rate_interval` and time range, and its hidden variables. Throws when a query reads a
 * recording rule but has no raw equivalent, so a new panel cannot silently be measured on its
 * recorded side only.
 */
export function benchQueries(
  rateInterval: string,
  rangeSeconds: number,
): { variables: BenchVariable[]; queries: BenchQuery[] } {
  const values = {
    path: ".*",
    __rate_interval: rateInterval,
    __range: `${String(rangeSeconds)}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
    ...Object.fromEntries(TOP_VARIABLES.map((v) => [v.name, placeholder(v.name)])),
  };
  const variables = TOP_VARIABLES.map((v): BenchVariable => {
    const usesRule = RECORDED_NAMES.some((name) => v.rank.includes(name));
    const raw = RAW_RANK[v.name];
    if (usesRule && raw === undefined) throw new Error(`no raw ranking for $${v.name}`);
    const top = (rank: string): string =>
      substituteGrafanaVariables(`topk(${String(TOP_LINES)}, ${rank})`, values);
    return {
      name: v.name,
      label: v.label,
      recorded: top(v.rank),
      raw: top(raw ?? v.rank),
      usesRule,
    };
  });
  const queries = dashboardQueries()
    .filter((q) => q.datasourceUid === DATASOURCE_UIDS.prometheus)
    .map((q): BenchQuery => {
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
  return { variables, queries };
}

/**
 * Each SLO record's raw equivalent: the rate of bad over all requests over its window, straight
 * from the backend's counters, and the budget left from the SLO window's.
 */
function sloRaw(spec: SloSpec): ReadonlyMap<string, string> {
  const backend = 'job="backend"';
  const rate = (selector: string, window: string): string =>
    `sum by (job) (rate(${selector}[${window}]))`;
  const availability = (w: string): string => {
    const all = rate(`http_requests_total{${backend}}`, w);
    return `(${rate(`http_requests_total{${backend}, status=~"5.."}`, w)} or ${all} * 0) / ${all}`;
  };
  const bucket = (le: string, w: string): string =>
    rate(`http_request_duration_seconds_bucket{${backend}, le="${le}"}`, w);
  const latency = (w: string): string =>
    `1 - ${bucket(prometheusLe(spec.latencyThresholdSeconds), w)} / ${bucket("+Inf", w)}`;
  const raw = new Map<string, string>();
  for (const w of sliWindows(spec)) {
    raw.set(errorRatioRecord("availability", w), availability(w));
    raw.set(errorRatioRecord("latency", w), latency(w));
  }
  const budget = (objective: number): string => String(errorBudget(objective));
  raw.set(
    budgetRemainingRecord("availability"),
    `1 - (${availability(sloWindow(spec))}) / ${budget(spec.availabilityObjective)}`,
  );
  raw.set(
    budgetRemainingRecord("latency"),
    `1 - (${latency(sloWindow(spec))}) / ${budget(spec.latencyObjective)}`,
  );
  return raw;
}

/** `expr` with every SLO record replaced by its raw equivalent, in parentheses. */
function withRawSlo(expr: string, raw: ReadonlyMap<string, string>): string {
  // Longest names first: ratio_rate3d is not to be read inside ratio_rate30d.
  const names = [...raw.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(${names.join("|")})(?![\\w:])`, "g");
  return expr.replace(pattern, (name) => `(${raw.get(name) ?? name})`);
}

/**
 * Every query of the SLO dashboard for the objectives `spec`, each an instant query as the
 * dashboard sends it, and its raw equivalent.
 */
export function sloBenchQueries(spec: SloSpec): BenchQuery[] {
  const raw = sloRaw(spec);
  return dashboardQueries(sloDashboard(spec)).map((q) => ({
    id: `${q.panel} (${q.refId})`,
    panel: q.panel,
    recorded: q.expr,
    raw: withRawSlo(q.expr, raw),
    usesRule: true,
  }));
}
