/**
 * The backend's service level objectives: what they are, the windows and burn rates their alerts
 * use, and the names and PromQL of the series they are computed from. The recording rules
 * (prometheus/rules.ts), the alerts (grafana/alerts.ts) and the SLO dashboard
 * (grafana/slo-dashboard.ts) all read them from here, so that they cannot disagree.
 *
 * The alerting scheme is the multiwindow, multi-burn-rate one of Google's Site Reliability
 * Workbook, chapter 5 "Alerting on SLOs" (https://sre.google/workbook/alerting-on-slos/): the
 * burn rate is how many times faster than the objective allows the error budget is being spent;
 * an alert fires when both a long and a short window burn faster than its factor, the long one
 * proving the spend is significant, the short one that it is still going on.
 */

/** The two objectives of one stack, from its settings. */
export interface SloSpec {
  /** Percentage of the backend's requests not answered 5xx over the window, in (0, 100). */
  readonly availabilityObjective: number;
  /** Percentage of the backend's requests answered within the threshold, in (0, 100). */
  readonly latencyObjective: number;
  /** The latency threshold, in seconds: a bucket boundary of the duration histogram. */
  readonly latencyThresholdSeconds: number;
  /** The window the error budgets are counted over, in days. */
  readonly windowDays: number;
}

/** The service level indicators: a request is bad when it is a 5xx, or slower than the threshold. */
export const SLIS = ["availability", "latency"] as const;
export type Sli = (typeof SLIS)[number];

/** The windows the burn-rate alerts look at. */
export const ALERT_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type AlertWindow = (typeof ALERT_WINDOWS)[number];

/** Length of each alert window, in seconds. */
export const WINDOW_SECONDS: Readonly<Record<AlertWindow, number>> = {
  "5m": 300,
  "30m": 1800,
  "1h": 3600,
  "2h": 7200,
  "6h": 21600,
  "1d": 86400,
  "3d": 259200,
};

/** One pair of windows and the burn rate both must exceed. */
export interface BurnRateAlert {
  /** page: someone acts now; ticket: someone looks into it within working hours. */
  readonly severity: "page" | "ticket";
  /** Burn rate both windows must exceed: the spend over `long` is factor x long / window. */
  readonly factor: number;
  readonly long: AlertWindow;
  readonly short: AlertWindow;
  /**
   * How long both windows must stay over before the alert fires, about a twentieth of the long
   * window: two evaluations at least for the fastest page, so one odd scrape never pages.
   */
  readonly for: string;
}

/**
 * The workbook's recommended pairs (its example for a 30-day window: 2 % of the budget in an
 * hour or 5 % in six hours pages, 10 % in a day or in three days opens a ticket).
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { severity: "page", factor: 14.4, long: "1h", short: "5m", for: "2m" },
  { severity: "page", factor: 6, long: "6h", short: "30m", for: "15m" },
  { severity: "ticket", factor: 3, long: "1d", short: "2h", for: "1h" },
  { severity: "ticket", factor: 1, long: "3d", short: "6h", for: "3h" },
];

/** The SLO window as a Prometheus duration, e.g. "30d". */
export function sloWindow(spec: SloSpec): string {
  return `${String(spec.windowDays)}d`;
}

/** Every window an SLI is recorded over: the alerts' and the SLO window, once each. */
export function sliWindows(spec: SloSpec): string[] {
  return [...new Set<string>([...ALERT_WINDOWS, sloWindow(spec)])];
}

/** The objective of `sli`, in percent. */
export function objectiveOf(spec: SloSpec, sli: Sli): number {
  return sli === "availability" ? spec.availabilityObjective : spec.latencyObjective;
}

/** Rounds away binary noise: (100 - 99.9) / 100 is 0.0009999999999999432, not 0.001. */
const decimal = (x: number): number => Number(x.toPrecision(12));

/** The objective as a share of requests, e.g. 99.9 -> 0.999 (not 0.9990000000000001). */
export function objectiveRatio(objective: number): number {
  return decimal(objective / 100);
}

/** The percentage of requests the objective lets be bad, e.g. 99.5 -> 0.5. */
export function errorBudgetPercent(objective: number): number {
  return decimal(100 - objective);
}

/** The share of requests the objective lets be bad, e.g. 99.5 % -> 0.005. */
export function errorBudget(objective: number): number {
  return decimal(errorBudgetPercent(objective) / 100);
}

/** Prometheus 3's spelling of an `le` label (normalised at ingestion): 1 -> "1.0", 0.25 -> "0.25". */
export function prometheusLe(bound: number): string {
  return Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

/** 5xx responses per second of each job over 5 minutes, the availability SLI's numerator. */
export const ERRORS_RATE_RECORD = "job:http_requests_5xx:rate5m";

/** Share of the backend's requests that were bad over `window` (0 to 1). */
export function errorRatioRecord(sli: Sli, window: string): string {
  return `job:slo_${sli}_errors:ratio_rate${window}`;
}

/** Share of the window's error budget still unspent: 1 untouched, 0 spent, below 0 overspent. */
export function budgetRemainingRecord(sli: Sli): string {
  return `job:slo_${sli}_error_budget:remaining`;
}

/** The burn rate of `sli` over `window`: its error ratio over the share the budget allows. */
export function burnRateExpr(spec: SloSpec, sli: Sli, window: string): string {
  return `${errorRatioRecord(sli, window)} / ${String(errorBudget(objectiveOf(spec, sli)))}`;
}

/**
 * The burn-rate alert's query: the long window's burn rate, for the jobs whose long and short
 * windows both burn faster than the factor, nothing otherwise.
 */
export function burnRateAlertExpr(spec: SloSpec, sli: Sli, alert: BurnRateAlert): string {
  const over = (window: string): string =>
    `${burnRateExpr(spec, sli, window)} > ${String(alert.factor)}`;
  return `${over(alert.long)} and ${over(alert.short)}`;
}

/**
 * Seconds until the budget left over the SLO window is spent, if errors keep coming as fast as
 * over `window`; nothing while the window has no bad request (the budget is not burning), 0 once
 * the budget is gone.
 */
export function exhaustionExpr(spec: SloSpec, sli: Sli, window: string): string {
  const windowSeconds = spec.windowDays * 86400;
  return `clamp_min(${budgetRemainingRecord(sli)}, 0) * ${String(windowSeconds)} / (${burnRateExpr(spec, sli, window)} > 0)`;
}

/** The SLI over the SLO window: the share of good requests (0 to 1). */
export function sliExpr(spec: SloSpec, sli: Sli): string {
  return `1 - ${errorRatioRecord(sli, sloWindow(spec))}`;
}

/** What the objective promises, in words, e.g. "99.5 % of requests not answered 5xx over 30 days". */
export function objectiveText(spec: SloSpec, sli: Sli): string {
  const over = `over ${String(spec.windowDays)} day${spec.windowDays === 1 ? "" : "s"}`;
  return sli === "availability"
    ? `${String(spec.availabilityObjective)} % of requests not answered 5xx ${over}`
    : `${String(spec.latencyObjective)} % of requests answered within ${String(spec.latencyThresholdSeconds)} s ${over}`;
}

/** A duration in days, hours and minutes, e.g. 180000 s -> "2d 2h". */
export function durationText(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const parts = [
    [Math.floor(minutes / 1440), "d"],
    [Math.floor((minutes % 1440) / 60), "h"],
    [minutes % 60, "m"],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, unit]) => `${String(n)}${unit}`);
  return shown.length === 0 ? "0m" : shown.join(" ");
}
