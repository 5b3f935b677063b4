import { DATASOURCE_UIDS } from "../names";
import { RECORDED } from "../prometheus/rules";
import {
  BURN_RATE_ALERTS,
  type BurnRateAlert,
  burnRateAlertExpr,
  durationText,
  errorBudgetPercent,
  exhaustionExpr,
  objectiveOf,
  objectiveText,
  type Sli,
  SLIS,
  type SloSpec,
} from "../slo";

/**
 * A Grafana alert: one Prometheus query (A, instant) and one threshold on it (B, Grafana's
 * server-side expression), and optionally more queries whose values the annotations quote.
 * No-data and error states are chosen per rule.
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
  /** critical and warning for the seed's alerts; page and ticket for the SLO burn rates. */
  readonly severity: "critical" | "warning" | "page" | "ticket";
  /** Labels beside `severity`, e.g. the SLO an alert is about. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Prometheus queries, by refId (C, D, ...), whose values the annotations show as $values. */
  readonly annotationQueries?: Readonly<Record<string, string>>;
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

const TITLES: Readonly<Record<Sli, string>> = { availability: "Availability", latency: "Latency" };
const ACTION: Readonly<Record<BurnRateAlert["severity"], string>> = {
  page: "this pages",
  ticket: "this opens a ticket",
};
const BAD: Readonly<Record<Sli, string>> = {
  availability: "errors (5xx)",
  latency: "slow requests",
};

/** One burn-rate alert of one SLO: its long-window burn rate (A) over the pair's factor. */
function burnRateAlert(spec: SloSpec, sli: Sli, pair: BurnRateAlert): AlertSpec {
  const factor = String(pair.factor);
  const budget = errorBudgetPercent(objectiveOf(spec, sli));
  const lasts = durationText((spec.windowDays * 86400) / pair.factor);
  return {
    uid: `timemanager-slo-${sli}-${pair.long}-${pair.short}`,
    title: `${TITLES[sli]} budget burn ${factor}x over ${pair.long} and ${pair.short}`,
    expr: burnRateAlertExpr(spec, sli, pair),
    operator: "gt",
    threshold: pair.factor,
    for: pair.for,
    severity: pair.severity,
    labels: { slo: sli },
    annotationQueries: { C: exhaustionExpr(spec, sli, pair.long) },
    summary: `{{ $labels.job }} burns its ${sli} error budget at ${factor}x or faster`,
    description:
      `Objective: ${objectiveText(spec, sli)}, an error budget of ${String(budget)} % of requests. ` +
      `Over the last ${pair.long}, {{ $labels.job }}'s ${BAD[sli]} spent it {{ humanize $values.A.Value }}x as fast as the objective allows, ` +
      `and faster than ${factor}x over the last ${pair.short} too (${ACTION[pair.severity]} from ${factor}x; at that rate the whole budget lasts ${lasts}). ` +
      `At the last ${pair.long}'s rate, what is left of the budget is gone in {{ humanizeDuration $values.C.Value }}.`,
    // No series means no window pair over its factor: nothing burns that fast.
    noDataState: "OK",
    execErrState: "Error",
  };
}

/**
 * The burn-rate alerts of both SLOs: per SLO, one per window pair of the workbook, pages for the
 * fast burns and tickets for the slow ones.
 */
export function sloAlerts(spec: SloSpec): AlertSpec[] {
  return SLIS.flatMap((sli) => BURN_RATE_ALERTS.map((pair) => burnRateAlert(spec, sli, pair)));
}

/** How often the rule group is evaluated. */
export const EVALUATION_INTERVAL_SECONDS = 60;

/** An instant Prometheus query of a rule, over the last 10 minutes. */
function prometheusData(refId: string, expr: string) {
  return {
    refId,
    datasourceUid: DATASOURCE_UIDS.prometheus,
    relativeTimeRange: { from: 600, to: 0 },
    model: JSON.stringify({
      refId,
      datasource: { type: "prometheus", uid: DATASOURCE_UIDS.prometheus },
      expr,
      instant: true,
      range: false,
      intervalMs: 15000,
      maxDataPoints: 43200,
    }),
  };
}

/**
 * The provider's rule input for one alert: query A on Prometheus, threshold B on A (the
 * condition), then the annotations' own queries.
 */
export function ruleInput(alert: AlertSpec) {
  return {
    uid: alert.uid,
    name: alert.title,
    condition: "B",
    for: alert.for,
    noDataState: alert.noDataState,
    execErrState: alert.execErrState,
    labels: { severity: alert.severity, ...alert.labels },
    annotations: { summary: alert.summary, description: alert.description },
    datas: [
      prometheusData("A", alert.expr),
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
      ...Object.entries(alert.annotationQueries ?? {}).map(([refId, expr]) =>
        prometheusData(refId, expr),
      ),
    ],
  };
}
