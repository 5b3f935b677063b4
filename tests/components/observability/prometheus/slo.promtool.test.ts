import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { prometheusRule } from "../../../../components/kubernetes/operator";
import { ruleInput, sloAlerts } from "../../../../components/observability/grafana/alerts";
import { dashboardQueries } from "../../../../components/observability/grafana/dashboard";
import { sloDashboard } from "../../../../components/observability/grafana/slo-dashboard";
import { PATHS } from "../../../../components/observability/names";
import {
  renderRules,
  RULE_GROUPS,
  type RuleGroup,
  sloRecordingRules,
} from "../../../../components/observability/prometheus/rules";
import type { Sli, SloSpec } from "../../../../components/observability/slo";
import { DEFAULT_SLO } from "../../../../config";
import { expectPromQL } from "../../../helpers/grammars";
import { describeWithTool, runTool, type ToolRun } from "../../../helpers/tools";

/*
 * `promtool test rules` cases for the SLO recording rules and the burn-rate alerts. The alerts
 * are Grafana rules; each is run here as the Prometheus alerting rule Grafana evaluates: its
 * query A, over its threshold B, for its `for`. Those rules are read from the Grafana provider's
 * own input (ruleInput), so what promtool checks is exactly what Grafana is given.
 *
 * The backend gets TOTAL requests a minute, BAD of them bad (5xx for availability, slower than
 * the threshold for latency). Series are scraped and rules evaluated every `step` minutes: 1 for
 * the pages (Grafana evaluates every minute), 4 for the tickets and the budgets, whose windows
 * are days long (promtool's cost grows with the square of the steps). With its window full, a
 * 5-minute rate is exact (rate extrapolates the samples' span to the 5 minutes). After BAD
 * changes at T, the 5-minute rate has moved all the way at T + 4 with 4-minute steps, and 1/4,
 * 2/4, 3/4 of it at T + 1, 2, 3 with 1-minute steps (all at T + 4): 1.5 samples' worth is lost
 * to that ramp. A window of N samples averages the N 5-minute rates in it.
 */

/** Requests a minute. */
const TOTAL = 100_000;

type Labels = Readonly<Record<string, string>>;

interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** A stretch of traffic: `minutes` minutes with `bad` bad requests a minute (of TOTAL). */
interface Stretch {
  readonly minutes: number;
  readonly bad: number;
}

/** Samples of the 5-minute rate lost to its ramp after a change, by step in minutes. */
const RAMP_LOSS = { 1: 1.5, 4: 0 } as const;

function selector(name: string, labels: Labels): string {
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${matchers.join(", ")}}`;
}

/**
 * Where every counter starts: a backend that has served requests before the test. From 0, a
 * rate() whose window starts on the counter's 0 does not extrapolate past it (Prometheus's zero
 * point), which would make a counter's first minutes of errors ramp differently from later ones.
 */
const START = 1_000_000;

/**
 * promtool's expanding notation of a counter sampled every `step` minutes from START, growing by
 * `perMinute(stretch)` a minute in each stretch (whose length is a multiple of the step).
 */
function counter(
  stretches: readonly Stretch[],
  step: number,
  perMinute: (s: Stretch) => number,
): string {
  let value = START;
  const parts = [String(START)];
  for (const s of stretches) {
    if (s.minutes % step !== 0) throw new Error(`${String(s.minutes)} minutes: not whole steps`);
    const d = perMinute(s) * step;
    parts.push(`${String(value + d)}+${String(d)}x${String(s.minutes / step - 1)}`);
    value += d * (s.minutes / step);
  }
  return parts.join(" ");
}

const BACKEND = { job: "backend", instance: "backend:8080", path: "/api/v1/clocks" };

/** The backend's counters for `stretches`: its responses by status, or its duration buckets. */
function traffic(sli: Sli, step: number, stretches: readonly Stretch[]): InputSeries[] {
  const good = counter(stretches, step, (s) => TOTAL - s.bad);
  const bad = counter(stretches, step, (s) => s.bad);
  const all = counter(stretches, step, () => TOTAL);
  if (sli === "availability") {
    return [
      { series: selector("http_requests_total", { ...BACKEND, status: "200" }), values: good },
      { series: selector("http_requests_total", { ...BACKEND, status: "500" }), values: bad },
    ];
  }
  // Prometheus 3 writes le="1.0" for the 1 s bucket boundary.
  const bucket = (le: string, values: string): InputSeries => ({
    series: selector("http_request_duration_seconds_bucket", { ...BACKEND, le }),
    values,
  });
  return [bucket("1.0", good), bucket("+Inf", all)];
}

/** The error budget of each SLI at the default objectives, as a share of requests. */
const BUDGET: Readonly<Record<Sli, number>> = { availability: 0.005, latency: 0.01 };
/** The same, as the rules write it. */
const BUDGET_TEXT: Readonly<Record<Sli, string>> = { availability: "0.005", latency: "0.01" };

/** Bad requests a minute that make the burn rate `times` x `factor`: 1.01 just over, 0.99 under. */
const badFor = (sli: Sli, factor: number, times: number): number =>
  Math.round(TOTAL * BUDGET[sli] * factor * times);

/** The SRE workbook's pairs, written out here rather than taken from the code; minutes. */
const PAIRS = [
  { factor: 14.4, long: 60, short: 5, longText: "1h", shortText: "5m", for: 2, step: 1 },
  { factor: 6, long: 360, short: 30, longText: "6h", shortText: "30m", for: 15, step: 1 },
  { factor: 3, long: 1440, short: 120, longText: "1d", shortText: "2h", for: 60, step: 4 },
  { factor: 1, long: 4320, short: 360, longText: "3d", shortText: "6h", for: 180, step: 4 },
] as const;
const SEVERITY = { 14.4: "page", 6: "page", 3: "ticket", 1: "ticket" } as const;
type Pair = (typeof PAIRS)[number];

const SLIS: readonly Sli[] = ["availability", "latency"];

/** Burst multiple of the factor: not 2, so that no window lands exactly on the factor. */
const BURST = 2.2;

/** A duration in minutes as promtool reads an eval_time, e.g. 1501 -> "1501m". */
const at = (minutes: number): string => `${String(minutes)}m`;

const uid = (sli: Sli, pair: Pair): string =>
  `timemanager-slo-${sli}-${pair.longText}-${pair.shortText}`;

/** Whether a window burns faster than the pair's factor: 1 or 0, for the job. */
const overExpr = (sli: Sli, pair: Pair, window: string): string =>
  `job:slo_${sli}_errors:ratio_rate${window} / ${BUDGET_TEXT[sli]} > bool ${String(pair.factor)}`;

interface Probe {
  readonly expr: string;
  readonly evalTime: string;
  /** The expected value for the backend; absent for an empty result. */
  readonly value?: number;
}

/** Where the long and the short window stand against the factor at `minute`. */
function windowsOver(sli: Sli, pair: Pair, minute: number, long: 0 | 1, short: 0 | 1): Probe[] {
  return [
    { expr: overExpr(sli, pair, pair.longText), evalTime: at(minute), value: long },
    { expr: overExpr(sli, pair, pair.shortText), evalTime: at(minute), value: short },
  ];
}

/** One behaviour of one burn-rate alert. */
interface AlertCase {
  readonly input: readonly InputSeries[];
  /** Whether the alert fires at each minute. */
  readonly firing: readonly { readonly minute: number; readonly fires: boolean }[];
  readonly probes: readonly Probe[];
}

const BEHAVIOURS = {
  fires: "fires once both windows have burnt just over its factor for its `for`",
  under: "stays silent just under its factor",
  onlyShort:
    "stays silent while only the short window is over, then fires exactly its `for` after the long one follows",
  onlyLong: "resolves once only the long window is still over",
} as const;
type Behaviour = keyof typeof BEHAVIOURS;

function alertCase(sli: Sli, pair: Pair, behaviour: Behaviour): AlertCase {
  const step = pair.step;
  const over = badFor(sli, pair.factor, 1.01);
  const under = badFor(sli, pair.factor, 0.99);
  const burst = badFor(sli, pair.factor, BURST);
  const traffic_ = (stretches: readonly Stretch[]) => traffic(sli, step, stretches);
  switch (behaviour) {
    case "fires":
      // Both windows are over from the first rate, one step in: pending from then.
      return {
        input: traffic_([{ minutes: step + pair.for + 4 * step, bad: over }]),
        firing: [
          { minute: pair.for, fires: false },
          { minute: step + pair.for, fires: true },
        ],
        probes: windowsOver(sli, pair, step, 1, 1),
      };
    case "under": {
      // As long as the short window and the `for` together, and a little more: a constant
      // ratio is the same over any window.
      const end = pair.short + pair.for + 4 * step;
      return {
        input: traffic_([{ minutes: end, bad: under }]),
        firing: [
          { minute: step + pair.for, fires: false },
          { minute: end, fires: false },
        ],
        probes: windowsOver(sli, pair, end, 0, 0),
      };
    }
    case "onlyShort": {
      // A clean long window, then BURST x the factor from T. k steps later the long window
      // burns BURST x (k - ramp) / N x the factor: over from the first k past N / BURST + ramp,
      // when the short one has long been over.
      const t = pair.long;
      const n = pair.long / step;
      const crossed = t + step * (Math.floor(n / BURST + RAMP_LOSS[step]) + 1);
      return {
        input: traffic_([
          { minutes: t, bad: 0 },
          { minutes: crossed - t + pair.for + 4 * step, bad: burst },
        ]),
        firing: [
          { minute: t + pair.long / 4, fires: false },
          { minute: crossed + pair.for - step, fires: false },
          { minute: crossed + pair.for, fires: true },
        ],
        probes: [
          ...windowsOver(sli, pair, t + pair.long / 4, 0, 1),
          ...windowsOver(sli, pair, crossed - step, 0, 1),
          ...windowsOver(sli, pair, crossed, 1, 1),
        ],
      };
    }
    case "onlyLong": {
      // BURST x the factor for a whole long window, then no bad request from T: a little more
      // than a short window later, the short window is (nearly) clean, the long one far from it.
      const t = pair.long;
      const clean = t + pair.short + 2 * step;
      return {
        input: traffic_([
          { minutes: t, bad: burst },
          { minutes: pair.short + 4 * step, bad: 0 },
        ]),
        firing: [
          { minute: t, fires: true },
          { minute: clean, fires: false },
        ],
        probes: windowsOver(sli, pair, clean, 1, 0),
      };
    }
  }
}

/** The test-file format of `promtool test rules` (prometheus docs: unit_testing_rules.md). */
interface PromtoolTestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test?: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Labels; exp_annotations: Labels }[];
  }[];
  promql_expr_test?: {
    expr: string;
    eval_time: string;
    exp_samples: { labels: string; value: number }[];
  }[];
}

/** 10^n such that `value` x 10^n has 9 significant digits before the point. */
function nineDigits(value: number): number {
  const magnitude = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value))) + 1;
  return 10 ** (9 - magnitude);
}

/**
 * A probe as promtool checks it. A value is compared to 9 significant digits: the latency SLI is
 * 1 - good / all, whose float error exceeds the last bit that fuzzy_compare forgives. A `bool`
 * comparison (0 or 1) is compared as it is.
 */
function probeTest(p: Probe): NonNullable<PromtoolTestGroup["promql_expr_test"]>[number] {
  if (p.value === undefined) return { expr: p.expr, eval_time: p.evalTime, exp_samples: [] };
  const exact = /\bbool\b/.test(p.expr);
  const scale = nineDigits(p.value);
  return {
    expr: exact ? p.expr : `round((${p.expr}) * ${String(scale)})`,
    eval_time: p.evalTime,
    exp_samples: [
      { labels: '{job="backend"}', value: exact ? p.value : Math.round(p.value * scale) },
    ],
  };
}

function alertGroup(sli: Sli, pair: Pair, behaviour: Behaviour): PromtoolTestGroup {
  const c = alertCase(sli, pair, behaviour);
  return {
    name: `${uid(sli, pair)} ${BEHAVIOURS[behaviour]}`,
    interval: at(pair.step),
    input_series: [...c.input],
    alert_rule_test: c.firing.map((f) => ({
      eval_time: at(f.minute),
      alertname: uid(sli, pair),
      exp_alerts: f.fires
        ? [
            {
              exp_labels: { job: "backend", severity: SEVERITY[pair.factor], slo: sli },
              exp_annotations: {},
            },
          ]
        : [],
    })),
    promql_expr_test: c.probes.map(probeTest),
  };
}

// ---------------------------------------------------------------------------------------------
// The Grafana rules, as Prometheus alerting rules
// ---------------------------------------------------------------------------------------------

interface GrafanaModel {
  expr?: string;
  conditions?: { evaluator: { type: string; params: number[] } }[];
}

/**
 * The Prometheus alerting rule that a Grafana rule stands for: query A over threshold B, for
 * its `for`, with its labels. Annotations are left out: Grafana's templates read $values.
 */
function asPrometheusRule(rule: ReturnType<typeof ruleInput>) {
  const model = (refId: string): GrafanaModel => {
    const data = rule.datas.find((d) => d.refId === refId);
    if (data === undefined) throw new Error(`rule ${rule.uid} has no ${refId}`);
    return JSON.parse(data.model) as GrafanaModel;
  };
  const evaluator = model(rule.condition).conditions?.[0]?.evaluator;
  const expr = model("A").expr;
  if (evaluator === undefined || expr === undefined || evaluator.params.length !== 1) {
    throw new Error(`rule ${rule.uid}: not a threshold on a query`);
  }
  const operator = { gt: ">", lt: "<" }[evaluator.type];
  if (operator === undefined) throw new Error(`rule ${rule.uid}: operator ${evaluator.type}`);
  return {
    alert: rule.uid,
    expr: `(${expr}) ${operator} ${String(evaluator.params[0])}`,
    for: rule.for,
    labels: rule.labels,
  };
}

/**
 * The SLO alerts' Grafana rules, as Prometheus alerting rules. promtool evaluates every group at
 * the test's own interval: every minute, as Grafana, for the pages.
 */
function grafanaRulesGroup(spec: SloSpec) {
  return {
    name: "grafana-slo-alerts",
    rules: sloAlerts(spec).map(ruleInput).map(asPrometheusRule),
  };
}

// ---------------------------------------------------------------------------------------------
// Budgets and the dashboard's values
// ---------------------------------------------------------------------------------------------

/** A two-day window, so that a whole window fits in a short test. */
const TWO_DAYS: SloSpec = { ...DEFAULT_SLO, windowDays: 2 };
const DAY = 1440;
/** The budgets' cases run on 4-minute steps: no ramp after a change. */
const BUDGET_STEP = 4;

interface BudgetCase {
  readonly behaviour: string;
  readonly sli: Sli;
  readonly spec: SloSpec;
  readonly input: readonly InputSeries[];
  readonly probes: readonly Probe[];
}

const budgetLeft = (s: Sli): string => `job:slo_${s}_error_budget:remaining`;
/** The SLO dashboard's query of the panel `title` (the SLI, or the time until the budget is gone). */
function panelQuery(spec: SloSpec, title: string): string {
  const query = dashboardQueries(sloDashboard(spec)).find((q) => q.panel === title);
  if (query === undefined) throw new Error(`no panel "${title}" on the SLO dashboard`);
  return query.expr;
}
const NAME: Readonly<Record<Sli, string>> = { availability: "Availability", latency: "Latency" };
const sliOver = (s: Sli, spec: SloSpec): string =>
  panelQuery(spec, `${NAME[s]} over ${String(spec.windowDays)} days`);
const goneIn = (s: Sli, spec: SloSpec): string => panelQuery(spec, `${NAME[s]} budget gone in`);

function budgetCases(s: Sli): BudgetCase[] {
  const half = (TOTAL * BUDGET[s]) / 2;
  const traffic_ = (stretches: readonly Stretch[]) => traffic(s, BUDGET_STEP, stretches);
  return [
    {
      behaviour: "keeps the whole budget while no request is bad, and is not burning",
      sli: s,
      spec: TWO_DAYS,
      input: traffic_([{ minutes: 2 * DAY, bad: 0 }]),
      probes: [
        { expr: budgetLeft(s), evalTime: at(2 * DAY), value: 1 },
        { expr: sliOver(s, TWO_DAYS), evalTime: at(2 * DAY), value: 1 },
        { expr: goneIn(s, TWO_DAYS), evalTime: at(2 * DAY) },
      ],
    },
    {
      behaviour:
        "leaves half the budget after a whole window at half the allowed ratio, which lasts one more window",
      sli: s,
      spec: TWO_DAYS,
      input: traffic_([{ minutes: 2 * DAY, bad: half }]),
      probes: [
        { expr: budgetLeft(s), evalTime: at(2 * DAY), value: 0.5 },
        { expr: sliOver(s, TWO_DAYS), evalTime: at(2 * DAY), value: 1 - BUDGET[s] / 2 },
        // Half the budget at half the allowed rate: one more whole window, 2 days.
        { expr: goneIn(s, TWO_DAYS), evalTime: at(2 * DAY), value: 2 * 86400 },
      ],
    },
    {
      behaviour: "counts only its window: a day at three times the ratio drops out of it",
      sli: s,
      spec: TWO_DAYS,
      input: traffic_([
        { minutes: DAY, bad: 3 * TOTAL * BUDGET[s] },
        { minutes: 2 * DAY + 8 * BUDGET_STEP, bad: half },
      ]),
      probes: [
        // At 2 days, the bad day is in the window: more than the whole budget is spent.
        { expr: `${budgetLeft(s)} < bool 0`, evalTime: at(2 * DAY), value: 1 },
        // Two days after it ended, no 5-minute rate of it is left in the window.
        { expr: budgetLeft(s), evalTime: at(3 * DAY + BUDGET_STEP), value: 0.5 },
      ],
    },
    {
      behaviour: "goes below zero when overspent, and the time left is then none",
      sli: s,
      spec: TWO_DAYS,
      input: traffic_([{ minutes: 2 * DAY, bad: 2 * TOTAL * BUDGET[s] }]),
      probes: [
        { expr: budgetLeft(s), evalTime: at(2 * DAY), value: -1 },
        { expr: goneIn(s, TWO_DAYS), evalTime: at(2 * DAY), value: 0 },
      ],
    },
    {
      behaviour: "with the default 30-day window, leaves half the budget at half the ratio",
      sli: s,
      spec: DEFAULT_SLO,
      input: traffic_([{ minutes: 120, bad: half }]),
      probes: [
        { expr: budgetLeft(s), evalTime: at(120), value: 0.5 },
        { expr: sliOver(s, DEFAULT_SLO), evalTime: at(120), value: 1 - BUDGET[s] / 2 },
        { expr: goneIn(s, DEFAULT_SLO), evalTime: at(120), value: 30 * 86400 },
      ],
    },
  ];
}

/** The windows every SLI is recorded over at the default settings. */
const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"];

function recordCases(s: Sli): BudgetCase[] {
  const bad = 2000;
  const ratio = bad / TOTAL;
  const traffic_ = (stretches: readonly Stretch[]) => traffic(s, BUDGET_STEP, stretches);
  return [
    {
      behaviour: "records the bad-request ratio over every window",
      sli: s,
      spec: DEFAULT_SLO,
      input: traffic_([{ minutes: 60, bad }]),
      probes: WINDOWS.map((w) => ({
        expr: `job:slo_${s}_errors:ratio_rate${w}`,
        evalTime: at(60),
        value: ratio,
      })),
    },
    {
      behaviour: "averages over exactly its window: 12 h of bad requests after a clean day",
      sli: s,
      spec: DEFAULT_SLO,
      input: traffic_([
        { minutes: DAY, bad: 0 },
        { minutes: DAY / 2, bad },
      ]),
      probes: [
        // Half the day's 5-minute rates are bad, and all of the last 6 h's.
        { expr: `job:slo_${s}_errors:ratio_rate1d`, evalTime: at(1.5 * DAY), value: ratio / 2 },
        { expr: `job:slo_${s}_errors:ratio_rate6h`, evalTime: at(1.5 * DAY), value: ratio },
        { expr: `job:slo_${s}_errors:ratio_rate1d`, evalTime: at(DAY), value: 0 },
      ],
    },
  ];
}

function budgetGroup(c: BudgetCase): PromtoolTestGroup {
  return {
    name: `${c.sli}: ${c.behaviour}`,
    interval: at(BUDGET_STEP),
    input_series: [...c.input],
    promql_expr_test: c.probes.map(probeTest),
  };
}

// ---------------------------------------------------------------------------------------------
// Running promtool
// ---------------------------------------------------------------------------------------------

const RULES_FILE = path.posix.basename(PATHS.prometheusRules);
const GRAFANA_RULES_FILE = "grafana-slo-alerts.rules.yml";

/**
 * A test file. The groups run in the order Prometheus's own dependencies ask for at each step
 * (promtool's default order is a map's: random): the 5-minute records, the seed's alerts, the
 * SLO records, then the Grafana rules that read them.
 */
function testFile(step: number, groups: PromtoolTestGroup[]): string {
  return stringify({
    rule_files: [RULES_FILE, GRAFANA_RULES_FILE],
    evaluation_interval: at(step),
    group_eval_order: [...Object.values(RULE_GROUPS), "grafana-slo-alerts"],
    // Ratios of rates and averages: exact but for the last bit of a division.
    fuzzy_compare: true,
    tests: groups,
  });
}

/** Where Prometheus gets the rules from, on each platform, for the objectives `spec`. */
function ruleSources(spec: SloSpec): readonly (readonly [string, () => string])[] {
  return [
    ["the Docker rules file", () => renderRules({ slo: spec })],
    [
      "the PrometheusRule's spec.groups",
      () =>
        stringify({
          groups: prometheusRule({ name: "timemanager", namespace: "monitoring", slo: spec }).spec
            .groups,
        }),
    ],
  ];
}

/** Runs promtool test rules on `groups` against `rules` and the Grafana SLO alerts of `spec`. */
function runPromtool(
  promtool: string,
  rules: string,
  spec: SloSpec,
  step: number,
  groups: PromtoolTestGroup[],
): ToolRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "promtool-slo-"));
  try {
    fs.writeFileSync(path.join(dir, RULES_FILE), rules);
    fs.writeFileSync(
      path.join(dir, GRAFANA_RULES_FILE),
      stringify({ groups: [grafanaRulesGroup(spec)] }),
    );
    fs.writeFileSync(path.join(dir, "slo.test.yml"), testFile(step, groups));
    return runTool(promtool, ["test", "rules", "slo.test.yml"], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function expectPass(run: ToolRun): void {
  if (run.status !== 0) throw new Error(`promtool test rules failed:\n${run.output}`);
  expect(run.status).toBe(0);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("the SLO burn-rate alerts", () => {
  const alerts = sloAlerts(DEFAULT_SLO).map(ruleInput);

  it("are the workbook's four window pairs for each SLO, pages and tickets, and no other", () => {
    // Given the SLO alerts the Grafana rule group gets
    // When their uid, `for` and labels are listed
    const listed = alerts.map((r) => [r.uid, r.for, r.labels]);

    // Then they are the pairs of the table above, for availability and latency
    const duration = (minutes: number): string =>
      minutes % 60 === 0 ? `${String(minutes / 60)}h` : `${String(minutes)}m`;
    expect(listed).toEqual(
      SLIS.flatMap((s) =>
        PAIRS.map((p) => [uid(s, p), duration(p.for), { severity: SEVERITY[p.factor], slo: s }]),
      ),
    );
  });

  it.each(SLIS.flatMap((s) => PAIRS.map((p) => [uid(s, p), s, p] as const)))(
    "%s queries the long and the short window's burn rate against the factor, in the workbook's form",
    (id, s, pair) => {
      // Given the Grafana rule's query A and threshold B
      const rule = alerts.find((r) => r.uid === id);
      const [a, b] = (rule?.datas ?? []).map((d) => JSON.parse(d.model) as GrafanaModel);

      // When they are read
      // Then A is "long over factor and short over factor", and B the factor again on A
      const burn = (w: string): string =>
        `job:slo_${s}_errors:ratio_rate${w} / ${BUDGET_TEXT[s]} > ${String(pair.factor)}`;
      expect([a.expr, b.conditions]).toEqual([
        `${burn(pair.longText)} and ${burn(pair.shortText)}`,
        [{ evaluator: { type: "gt", params: [pair.factor] } }],
      ]);
    },
  );

  it("query only valid PromQL, the alert queries and the annotations' alike", () => {
    // Given every query of every SLO rule
    const exprs = alerts.flatMap((r) =>
      r.datas
        .filter((d) => d.datasourceUid !== "__expr__")
        .map((d) => (JSON.parse(d.model) as GrafanaModel).expr ?? ""),
    );

    // When each is parsed with the official grammar
    // Then none has a syntax error
    expect(exprs).toHaveLength(16);
    for (const expr of exprs) expectPromQL(expr);
  });

  it("have a case for every behaviour of every alert", () => {
    // Given the alerts as promtool runs them
    const names = grafanaRulesGroup(DEFAULT_SLO).rules.map((r) => r.alert);

    // When the cases are listed
    const cases = SLIS.flatMap((s) => PAIRS.map((p) => uid(s, p)));

    // Then every alert has them, each of the four behaviours
    expect(cases).toEqual(names);
    expect(Object.keys(BEHAVIOURS)).toEqual(["fires", "under", "onlyShort", "onlyLong"]);
  });
});

describe("the SLO recording rules", () => {
  it("record every SLI over every window, and each budget left, once", () => {
    // Given the SLO group at the default settings
    const records = sloRecordingRules(DEFAULT_SLO).map((r) => r.record);

    // When they are listed
    // Then there is the 5xx rate, then each SLI's windows and budget
    expect(records).toEqual([
      "job:http_requests_5xx:rate5m",
      ...SLIS.flatMap((s) => [
        ...WINDOWS.map((w) => `job:slo_${s}_errors:ratio_rate${w}`),
        budgetLeft(s),
      ]),
    ]);
  });

  it("record the SLO window once when it is also an alert window", () => {
    // Given a 3-day SLO window, as long as the slowest ticket's long window
    const records = sloRecordingRules({ ...DEFAULT_SLO, windowDays: 3 }).map((r) => r.record);

    // When the records are counted
    // Then none is recorded twice, and the budget reads the 3-day ratio
    expect(new Set(records).size).toBe(records.length);
    expect(sloRecordingRules({ ...DEFAULT_SLO, windowDays: 3 }).at(-1)?.expr).toBe(
      "1 - job:slo_latency_errors:ratio_rate3d / 0.01",
    );
  });

  it("select the threshold's bucket by its Prometheus 3 spelling", () => {
    // Given a threshold of 0.25 s and one of 1 s
    const expr = (t: number): string =>
      sloRecordingRules({ ...DEFAULT_SLO, latencyThresholdSeconds: t }).find(
        (r) => r.record === "job:slo_latency_errors:ratio_rate5m",
      )?.expr ?? "";

    // When the latency ratio's expression is read
    // Then it selects le="0.25" and le="1.0"
    expect([expr(0.25), expr(1)]).toEqual([
      '1 - job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="0.25"} / ignoring (le) job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="+Inf"}',
      '1 - job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="1.0"} / ignoring (le) job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="+Inf"}',
    ]);
  });

  it.each(sloRecordingRules(DEFAULT_SLO).map((r) => [r.record, r.expr] as const))(
    "%s is valid PromQL",
    (_record, expr) => {
      expectPromQL(expr);
    },
  );
});

describe.each(ruleSources(DEFAULT_SLO))("SLO alerts on %s", (_source, rules) => {
  describeWithTool("promtool", (promtool) => {
    const cases = SLIS.flatMap((s) =>
      PAIRS.flatMap((p) =>
        (Object.keys(BEHAVIOURS) as Behaviour[]).map(
          (b) => [uid(s, p), BEHAVIOURS[b], s, p, b] as const,
        ),
      ),
    );

    it.each(cases)("%s %s", (_uid, _title, s, pair, behaviour) => {
      // Given the alert's case: traffic, when it must fire, where its windows stand
      const group = alertGroup(s, pair, behaviour);

      // When promtool evaluates the rules and the Grafana rule over it
      const run = runPromtool(promtool, rules(), DEFAULT_SLO, pair.step, [group]);

      // Then it fires exactly when expected
      expectPass(run);
    });
  });
});

describe.each([
  ...ruleSources(TWO_DAYS).map(([source, rules]) => [source, "2 days", TWO_DAYS, rules] as const),
  ...ruleSources(DEFAULT_SLO).map(
    ([source, rules]) => [source, "30 days", DEFAULT_SLO, rules] as const,
  ),
])("SLO budgets on %s, window %s", (_source, _window, spec, rules) => {
  describeWithTool("promtool", (promtool) => {
    const cases = SLIS.flatMap((s) => [...budgetCases(s), ...recordCases(s)]).filter(
      (c) => c.spec === spec,
    );

    it.each(cases.map((c) => [c.sli, c.behaviour, c] as const))("%s %s", (_sli, _b, c) => {
      // Given traffic with a known share of bad requests
      const group = budgetGroup(c);

      // When promtool evaluates the rules over it
      const run = runPromtool(promtool, rules(), spec, BUDGET_STEP, [group]);

      // Then the SLIs, the budget left and the time until it is gone are the known values
      expectPass(run);
    });
  });
});

describe("the rules file under test", () => {
  it("is the one the platforms load, with the Grafana rules beside it", () => {
    // Given the Docker rules file and the Grafana rules written for promtool
    const docker = parse(renderRules({ slo: DEFAULT_SLO })) as { groups: RuleGroup[] };

    // When their groups are listed
    // Then the SLO group is the last of the file, and the Grafana group holds eight alerts
    expect(docker.groups.map((g) => g.name)).toEqual([
      "timemanager-recording",
      "timemanager",
      "timemanager-slo",
    ]);
    expect(grafanaRulesGroup(DEFAULT_SLO).rules).toHaveLength(8);
  });
});
