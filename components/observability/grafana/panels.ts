import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { APP_CONTAINERS, DATASOURCE_UIDS, JOBS } from "../names";
import { RECORDED } from "../prometheus/rules";

/**
 * The overview dashboard's panels: one factory per panel, each holding its own query. Positions
 * and ids are the dashboard's business (dashboard.ts), so a factory sets neither.
 */

/** Names of the dashboard's template variables, as the queries reference them. */
export const VARIABLES = {
  /** Backend endpoints (the `path` label), multi-valued; "All" is `.*`. */
  path: "path",
  /** Free text the backend logs panel keeps lines containing; empty keeps every line. */
  logFilter: "log_filter",
  /** Hidden: the selected endpoints with the most requests per second (TOP_VARIABLES). */
  busiestPaths: "busiest_paths",
  /** Hidden: the selected endpoints with the highest p99 latency. */
  slowestPaths: "slowest_paths",
  /** Hidden: the containers using the most CPU. */
  cpuContainers: "cpu_containers",
  /** Hidden: the containers with the largest working set. */
  memoryContainers: "memory_containers",
  /** Hidden: the containers closest to their memory limit. */
  memoryRatioContainers: "memory_ratio_containers",
} as const;

/** The Prometheus datasource, by the UID the datasource component provisions. */
export function prometheusDatasource(): common.DataSourceRef {
  return { type: "prometheus", uid: DATASOURCE_UIDS.prometheus };
}

/** The Loki datasource, by the UID the datasource component provisions. */
export function lokiDatasource(): common.DataSourceRef {
  return { type: "loki", uid: DATASOURCE_UIDS.loki };
}

const backend = `job="${JOBS.backend}"`;
const traefik = `job="${JOBS.traefik}"`;
const selectedPaths = `path=~"$${VARIABLES.path}"`;

/**
 * The most lines a panel draws where it would draw one per endpoint or container: a legend of
 * more is not read, and the answer (what Prometheus sends and Grafana draws, most of such a
 * panel's cost) would grow with every endpoint or container the app gains.
 */
export const TOP_LINES = 10;

/**
 * A hidden query variable holding the TOP_LINES values of `label` that rank highest by `rank` at
 * the end of the time range shown (a query_result variable is an instant query there, refreshed
 * with the time range). The panel then reads only those series over the whole range: the
 * ranking reads one sample of each endpoint or container, the panel TOP_LINES series at every
 * step, so neither grows with the app; a ranking inside the panel query (`and on (...) topk`)
 * would read every series at every step.
 */
export interface TopVariable {
  readonly name: string;
  readonly label: "path" | "name";
  /** An instant vector by `label`. */
  readonly rank: string;
  readonly description: string;
}

const RATE_BY_PATH = `${RECORDED.requestRateByPathClass}{${backend}, ${selectedPaths}}`;
const P99_BY_PATH = `${RECORDED.pathLatencyP99}{${backend}, ${selectedPaths}}`;
const WORKING_SET = 'container_memory_working_set_bytes{name!=""}';

export const TOP_VARIABLES: readonly TopVariable[] = [
  {
    name: VARIABLES.busiestPaths,
    label: "path",
    rank: `sum by (path) (${RATE_BY_PATH})`,
    description: `The ${String(TOP_LINES)} selected endpoints with the most requests per second at the end of the time range shown.`,
  },
  {
    name: VARIABLES.slowestPaths,
    label: "path",
    rank: `max by (path) (${P99_BY_PATH})`,
    description: `The ${String(TOP_LINES)} selected endpoints with the highest p99 latency at the end of the time range shown.`,
  },
  {
    name: VARIABLES.cpuContainers,
    label: "name",
    rank: `sum by (name) (${RECORDED.containerCpu})`,
    description: `The ${String(TOP_LINES)} containers using the most CPU at the end of the time range shown.`,
  },
  {
    name: VARIABLES.memoryContainers,
    label: "name",
    rank: `max by (name) (${WORKING_SET})`,
    description: `The ${String(TOP_LINES)} containers with the largest working set at the end of the time range shown.`,
  },
  {
    name: VARIABLES.memoryRatioContainers,
    label: "name",
    rank: `max by (name) (${RECORDED.containerMemoryRatio})`,
    description: `The ${String(TOP_LINES)} containers closest to their memory limit at the end of the time range shown.`,
  },
];

/** A TopVariable's query: Grafana runs it as an instant query at the end of the range. */
export const topVariableQuery = (v: TopVariable): string =>
  `query_result(topk(${String(TOP_LINES)}, ${v.rank}))`;

/** The regex that takes a TopVariable's values out of query_result's lines. */
export const topVariableRegex = (v: TopVariable): string => `/${v.label}="([^"]*)"/`;

/** A matcher on the values of the hidden variable `name` (Grafana escapes and joins them). */
const inTop = (label: TopVariable["label"], name: string): string =>
  `${label}=~"\${${name}:regex}"`;

const TOP_NOTE = `more lines than that are not read on one panel, and the answer would grow with the app.`;

/** What "p99 latency by endpoint" records, as a raw query a user can run in Explore. */
export const LATENCY_P99_BY_PATH_RAW = `histogram_quantile(0.99, sum by (le, path) (rate(http_request_duration_seconds_bucket{${backend}, ${selectedPaths}}[$__rate_interval])))`;

/** A code-mode Prometheus range query on the stack's datasource; `.instant()` turns it into an instant one. */
export function promQuery(
  refId: string,
  expr: string,
  legend: string,
): prometheus.DataqueryBuilder {
  return (
    new prometheus.DataqueryBuilder()
      .refId(refId)
      .datasource(prometheusDatasource())
      // Code mode: the builder mode would re-render hand-written queries on first edit.
      .editorMode(prometheus.QueryEditorMode.Code)
      .expr(expr)
      .legendFormat(legend)
      .range()
  );
}

function lokiQuery(refId: string, expr: string): loki.DataqueryBuilder {
  return new loki.DataqueryBuilder()
    .refId(refId)
    .datasource(lokiDatasource())
    .editorMode(loki.QueryEditorMode.Code)
    .queryType(loki.LokiQueryType.Range)
    .expr(expr);
}

/** The base of every graph: Prometheus, lines from zero, legend below, shared sorted tooltip. */
function timeseriesPanel(
  title: string,
  description: string,
  unit: string,
): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(prometheusDatasource())
    .unit(unit)
    .min(0)
    .drawStyle(common.GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
}

/** The base of the log panels: newest first, wrapped, with time and details. */
function logsPanel(title: string, description: string): logs.PanelBuilder {
  return new logs.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(lokiDatasource())
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

/** 1 -> UP in green, 0 -> DOWN in red: the values of Prometheus's `up`. */
export const UP_DOWN_MAPPINGS: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      "1": { text: "UP", color: "green", index: 0 },
      "0": { text: "DOWN", color: "red", index: 1 },
    },
  },
];

// Health Status

export function servicesUpPanel(): stat.PanelBuilder {
  // min, so that a job with several instances reads DOWN as soon as one of them is down.
  const expr = "min by (job) (up)";
  return new stat.PanelBuilder()
    .title("Services up/down")
    .description("Whether Prometheus can scrape each job's target (the `up` series), by job.")
    .datasource(prometheusDatasource())
    .withTarget(promQuery("A", expr, "{{job}}").instant())
    .mappings(UP_DOWN_MAPPINGS)
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: "red" },
        { value: 1, color: "green" },
      ]),
    )
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .justifyMode(common.BigValueJustifyMode.Center)
    .orientation(common.VizOrientation.Auto);
}

// Request Rate

export function requestRateByPathPanel(): timeseries.PanelBuilder {
  const expr = `sum by (path) (${RECORDED.requestRateByPathClass}{${backend}, ${inTop("path", VARIABLES.busiestPaths)}})`;
  return timeseriesPanel(
    "Requests per second by endpoint",
    `Backend requests per second over 5 minutes (recording rule) of the ${String(TOP_LINES)} selected endpoints with the most at the end of the time range shown: ${TOP_NOTE} Select endpoints to see others.`,
    "reqps",
  ).withTarget(promQuery("A", expr, "{{path}}"));
}

export function requestRateTotalPanel(): timeseries.PanelBuilder {
  const expr = `${RECORDED.requestRate}{${backend}}`;
  return timeseriesPanel(
    "Total requests per second",
    "Backend requests per second over all endpoints, whatever the endpoint selection.",
    "reqps",
  ).withTarget(promQuery("A", expr, "total"));
}

// Latency

export function latencyQuantilesPanel(): timeseries.PanelBuilder {
  const quantile = (recorded: string): string => `${recorded}{${backend}}`;
  return timeseriesPanel(
    "Backend latency p50 / p90 / p99",
    "Request duration quantiles of the whole backend, over 5 minutes (recording rules).",
    "s",
  )
    .withTarget(promQuery("A", quantile(RECORDED.latencyP50), "p50"))
    .withTarget(promQuery("B", quantile(RECORDED.latencyP90), "p90"))
    .withTarget(promQuery("C", quantile(RECORDED.latencyP99), "p99"));
}

export function latencyP99ByPathPanel(): timeseries.PanelBuilder {
  // The seed's histogram_quantile(0.99, http_request_duration_seconds_bucket) takes a quantile
  // over cumulative counts since start-up, one per series; the rule rates the buckets and sums
  // them by (job, path, le) first. Its raw form, for Explore, is in the description.
  const expr = `${RECORDED.pathLatencyP99}{${backend}, ${inTop("path", VARIABLES.slowestPaths)}}`;
  return timeseriesPanel(
    "p99 latency by endpoint",
    `99th percentile request duration over 5 minutes (recording rule) of the ${String(TOP_LINES)} selected endpoints with the highest at the end of the time range shown: ${TOP_NOTE} Select endpoints to see others. Raw, every selected endpoint: ${LATENCY_P99_BY_PATH_RAW}`,
    "s",
  ).withTarget(promQuery("A", expr, "{{path}}"));
}

// Error Rate

export function errorRatePanel(): timeseries.PanelBuilder {
  const byClass = (statusClass: string): string =>
    `sum(${RECORDED.requestRateByPathClass}{${backend}, status_class="${statusClass}", ${selectedPaths}})`;
  return timeseriesPanel(
    "4xx and 5xx responses per second",
    "Client (4xx) and server (5xx) error responses per second for the selected endpoints.",
    "reqps",
  )
    .withTarget(promQuery("A", byClass("4xx"), "4xx"))
    .withTarget(promQuery("B", byClass("5xx"), "5xx"));
}

export function errorRatioPanel(): timeseries.PanelBuilder {
  const expr = `${RECORDED.errorRatio}{${backend}}`;
  return timeseriesPanel(
    "5xx error ratio",
    "Share of backend responses that are 5xx, over 5 minutes. Empty while there is no traffic.",
    "percentunit",
  )
    .max(1)
    .withTarget(promQuery("A", expr, "5xx ratio"));
}

// Resources

export function containerCpuPanel(): timeseries.PanelBuilder {
  const expr = `${RECORDED.containerCpu}{${inTop("name", VARIABLES.cpuContainers)}}`;
  return timeseriesPanel(
    "CPU per container",
    `CPU seconds used per second (cAdvisor; 100% is one full core) by the ${String(TOP_LINES)} containers using the most at the end of the time range shown: ${TOP_NOTE}`,
    "percentunit",
  ).withTarget(promQuery("A", expr, "{{name}}"));
}

export function containerMemoryPanel(): timeseries.PanelBuilder {
  const expr = `sum by (name) (container_memory_working_set_bytes{name!="", ${inTop("name", VARIABLES.memoryContainers)}})`;
  return timeseriesPanel(
    "Memory per container",
    `Working set (cAdvisor: the memory the kernel would not reclaim) of the ${String(TOP_LINES)} containers with the largest at the end of the time range shown: ${TOP_NOTE}`,
    "bytes",
  ).withTarget(promQuery("A", expr, "{{name}}"));
}

export function containerMemoryRatioPanel(): timeseries.PanelBuilder {
  const expr = `${RECORDED.containerMemoryRatio}{${inTop("name", VARIABLES.memoryRatioContainers)}}`;
  return timeseriesPanel(
    "Memory vs limit",
    `Working set over the memory limit, or over the host's memory for a container without a limit, of the ${String(TOP_LINES)} containers closest to it at the end of the time range shown: ${TOP_NOTE}`,
    "percentunit",
  )
    .max(1)
    .withTarget(promQuery("A", expr, "{{name}}"));
}

// Application

export function dbPoolConnectionsPanel(): timeseries.PanelBuilder {
  const expr = `sum by (instance) (db_pool_connections{${backend}})`;
  return timeseriesPanel(
    "Database pool connections",
    "Active connections in the backend's PostgreSQL pool, by backend instance.",
    "short",
  ).withTarget(promQuery("A", expr, "{{instance}}"));
}

export function loginAttemptsPanel(): timeseries.PanelBuilder {
  // The seed names this counter auth_login_attempts, and the Rust prometheus crate exposes a
  // counter under exactly the name it is registered with (it appends no _total), so the series
  // is auth_login_attempts, not auth_login_attempts_total.
  const expr = `sum(rate(auth_login_attempts{${backend}}[$__rate_interval]))`;
  return timeseriesPanel(
    "Login attempts per second",
    "Login attempts the backend receives per second.",
    "ops",
  ).withTarget(promQuery("A", expr, "attempts"));
}

// Traefik

export function traefikRequestsPanel(): timeseries.PanelBuilder {
  const expr = `sum by (service) (rate(traefik_service_requests_total{${traefik}}[$__rate_interval]))`;
  return timeseriesPanel(
    "Traefik requests per second by service",
    "Requests Traefik forwards to each service.",
    "reqps",
  ).withTarget(promQuery("A", expr, "{{service}}"));
}

export function traefikDurationPanel(): timeseries.PanelBuilder {
  // By service as well as le: one quantile over the frontend and the API together would mix
  // static files with database-backed requests.
  const expr = `histogram_quantile(0.99, sum by (le, service) (rate(traefik_service_request_duration_seconds_bucket{${traefik}}[$__rate_interval])))`;
  return timeseriesPanel(
    "Traefik p99 duration by service",
    "99th percentile of the time Traefik takes to answer, by service.",
    "s",
  ).withTarget(promQuery("A", expr, "{{service}}"));
}

export function traefikStatusPanel(): timeseries.PanelBuilder {
  const expr = `sum by (code) (rate(traefik_service_requests_total{${traefik}}[$__rate_interval]))`;
  return timeseriesPanel(
    "Traefik responses by status code",
    "Responses per second Traefik returns, by HTTP status code, over all services.",
    "reqps",
  ).withTarget(promQuery("A", expr, "{{code}}"));
}

// Logs

const backendLogs = `{container_name="${APP_CONTAINERS.backend}"}`;

export function backendLogsPanel(): logs.PanelBuilder {
  // An empty filter (the default) matches every line, so the panel starts with all the logs.
  const expr = `${backendLogs} |= "$${VARIABLES.logFilter}"`;
  return logsPanel(
    "Backend logs",
    "The backend container's logs; type in the log filter box (e.g. ERROR) to keep matching lines.",
  ).withTarget(lokiQuery("A", expr));
}

export function backendErrorsPanel(): logs.PanelBuilder {
  const expr = `${backendLogs} |= "ERROR"`;
  return logsPanel("Backend errors", "The backend's log lines that contain ERROR.").withTarget(
    lokiQuery("A", expr),
  );
}
