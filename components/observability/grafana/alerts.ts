import { DATASOURCE_UIDS } from "../names";
import { RECORDED } from "../prometheus/rules";

/**
 * The seed's Grafana alerts. Each is one Prometheus query (A, instant) and one threshold on it
 * (B, Grafana's server-side expression). No-data and error states are chosen per rule.
 */
export interface AlertSpec {
  /** Stable UID, so links and silences survive a re-creation. */
  readonly uid: string;
  readonly title: string;
  readonly expr: string;
  /** Fires when the value is above (gt) or below (lt) the threshold. */
  readonly operator: "gt" | "lt";
  readonly threshold: number;
  readonly for: string;
  readonly severity: "critical" | "warning";
  readonly summary: string;
  readonly description: string;
  /** What a query returning nothing means. */
  readonly noDataState: "OK" | "NoData" | "Alerting";
  /** What a failing query means. */
  readonly execErrState: "OK" | "Error" | "Alerting";
}

export const ALERTS: readonly AlertSpec[] = [
  {
    uid: "timemanager-high-error-rate",
    title: "High Error Rate",
    expr: RECORDED.errorRatio,
    operator: "gt",
    threshold: 0.1,
    for: "5m",
    severity: "critical",
    summary: "More than 10 % of {{ $labels.job }}'s requests fail with 5xx",
    description:
      "{{ $labels.job }} answered {{ humanizePercentage $values.A.Value }} of its requests with a 5xx status over the last 5 minutes (threshold 10 %).",
    // No traffic means no errors; the ratio is then absent or NaN, never above 10 %.
    noDataState: "OK",
    execErrState: "Error",
  },
  {
    uid: "timemanager-high-latency",
    title: "High Latency",
    expr: `${RECORDED.latencyP99}{job="backend"}`,
    operator: "gt",
    threshold: 2,
    for: "5m",
    severity: "warning",
    summary: "p99 latency of {{ $labels.job }} is above 2 s",
    description:
      "99 % of {{ $labels.job }}'s requests took up to {{ humanizeDuration $values.A.Value }} over the last 5 minutes (threshold 2 s).",
    noDataState: "OK",
    execErrState: "Error",
  },
  {
    uid: "timemanager-service-down",
    title: "Service Down",
    expr: "up",
    operator: "lt",
    threshold: 1,
    for: "1m",
    severity: "critical",
    summary: "{{ $labels.job }} is down",
    description:
      "Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}) for more than a minute.",
    // No `up` series at all means Prometheus itself is unreachable: that is an outage too.
    noDataState: "Alerting",
    execErrState: "Alerting",
  },
  {
    uid: "timemanager-high-memory",
    title: "High Memory",
    expr: RECORDED.containerMemoryRatio,
    operator: "gt",
    threshold: 0.9,
    for: "5m",
    severity: "warning",
    summary: "{{ $labels.name }} uses more than 90 % of its memory",
    description:
      "Container {{ $labels.name }} uses {{ humanizePercentage $values.A.Value }} of its memory limit, or of the host's memory if it has none.",
    noDataState: "OK",
    execErrState: "Error",
  },
];

/** How often the rule group is evaluated. */
export const EVALUATION_INTERVAL_SECONDS = 60;

/** The provider's rule input for one alert: query A on Prometheus, threshold B on A. */
export function ruleInput(alert: AlertSpec) {
  return {
    uid: alert.uid,
    name: alert.title,
    condition: "B",
    for: alert.for,
    noDataState: alert.noDataState,
    execErrState: alert.execErrState,
    labels: { severity: alert.severity },
    annotations: { summary: alert.summary, description: alert.description },
    datas: [
      {
        refId: "A",
        datasourceUid: DATASOURCE_UIDS.prometheus,
        relativeTimeRange: { from: 600, to: 0 },
        model: JSON.stringify({
          refId: "A",
          datasource: { type: "prometheus", uid: DATASOURCE_UIDS.prometheus },
          expr: alert.expr,
          instant: true,
          range: false,
          intervalMs: 15000,
          maxDataPoints: 43200,
        }),
      },
      {
        refId: "B",
        datasourceUid: "__expr__",
        relativeTimeRange: { from: 0, to: 0 },
        model: JSON.stringify({
          refId: "B",
          datasource: { type: "__expr__", uid: "__expr__" },
          type: "threshold",
          expression: "A",
          conditions: [{ evaluator: { type: alert.operator, params: [alert.threshold] } }],
        }),
      },
    ],
  };
}
