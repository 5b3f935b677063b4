import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { prometheusRule } from "../../../../components/kubernetes/operator";
import { PATHS } from "../../../../components/observability/names";
import {
  ALERTING_RULES,
  RECORDED,
  RECORDING_RULES,
  renderRules,
} from "../../../../components/observability/prometheus/rules";
import { describeWithTool, runTool, type ToolRun } from "../../../helpers/tools";
import { DEFAULT_SLO } from "../../../../config";

/*
 * `promtool test rules` unit tests for every rule in rules.ts. Series are scraped every 15 s and
 * rules evaluated every 15 s, as in prometheus.yml. Counters grow by a fixed amount per scrape, so
 * once the 5m window is full, rate = increment / 15 s exactly (rate extrapolates the 285 s the
 * window's 20 samples span to the full 300 s). Until then the window holds the series' first
 * sample, 0, and rate does not extrapolate a counter back past 0: rate = value at t / 300 s.
 * Results are exact up to floating-point rounding, which fuzzy_compare absorbs.
 */

const INTERVAL = "15s";

type Labels = Readonly<Record<string, string>>;

/** One input series in promtool's expanding notation: '0+15x40' is 0, 15, 30, ... 600. */
interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** An expected query result; `name` is the metric name, absent for computed series. */
interface Sample {
  readonly name?: string;
  readonly labels: Labels;
  readonly value: number;
}

interface ExprCheck {
  readonly expr: string;
  readonly evalTime: string;
  readonly samples: readonly Sample[];
}

interface FiringAlert {
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** One behaviour of one alert: input, the alerts firing at given times, and optional probes. */
interface AlertCase {
  readonly input: readonly InputSeries[];
  /** The alerts firing at each eval time; an empty list means silent (pending is silent too). */
  readonly alerts: readonly {
    readonly evalTime: string;
    readonly firing: readonly FiringAlert[];
  }[];
  /** Queries that show where the input stands against the threshold. */
  readonly probes?: readonly ExprCheck[];
}

const BEHAVIOURS = {
  fires: "fires once the condition has held for its `for`",
  belowThreshold: "stays silent just under its threshold",
  shortSpike: "stays silent on a spike shorter than its `for`",
} as const;
type Behaviour = keyof typeof BEHAVIOURS;

/** One behaviour of one recording rule: input and the recorded samples at given times. */
interface RecordCase {
  readonly behaviour: string;
  readonly input: readonly InputSeries[];
  /** Expected samples of the recorded series, without the metric name. */
  readonly checks: readonly { readonly evalTime: string; readonly samples: readonly Sample[] }[];
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

/** A series selector in PromQL notation, e.g. up{job="backend"}. */
function selector(name: string | undefined, labels: Labels): string {
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name ?? ""}{${matchers.join(", ")}}`;
}

const input = (name: string, labels: Labels, values: string): InputSeries => ({
  series: selector(name, labels),
  values,
});

const requests = (job: string, route: string, status: string, values: string): InputSeries =>
  input("http_requests_total", { job, path: route, status }, values);

const alertExpr = (alert: string): string => {
  const rule = ALERTING_RULES.find((r) => r.alert === alert);
  if (rule === undefined) throw new Error(`no alerting rule ${alert} in rules.ts`);
  return rule.expr;
};

// ---------------------------------------------------------------------------------------------
// Alerting rules
// ---------------------------------------------------------------------------------------------

/** Per alert, per behaviour; Partial so that a missing case is a failing test, not a type error. */
const ALERT_CASES: Readonly<
  Partial<Record<string, Readonly<Partial<Record<Behaviour, AlertCase>>>>>
> = {
  HighErrorRate: {
    fires: {
      input: [
        // Four 5xx series of one job at +1 per scrape = 1/15 = 0.0667/s each: every one is
        // under 0.1/s, their sum per job, 4/15 = 0.2667/s, is over.
        requests("backend", "/api/a", "500", "0+1x40"),
        requests("backend", "/api/a", "503", "0+1x40"),
        requests("backend", "/api/b", "500", "0+1x40"),
        requests("backend", "/api/b", "502", "0+1x40"),
        // 10/s of 200s and 2/s of 404s: not 5xx, so not counted.
        requests("backend", "/api/a", "200", "0+150x40"),
        requests("backend", "/api/b", "404", "0+30x40"),
      ],
      probes: [
        // While the window fills, the sum at t seconds is 4 x (t / 15) / 300 = t / 1125:
        // 105 s -> 0.0933 (not above 0.1), 120 s -> 0.1067 (above): pending from 2m.
        { expr: alertExpr("HighErrorRate"), evalTime: "1m45s", samples: [] },
        {
          expr: alertExpr("HighErrorRate"),
          evalTime: "2m",
          samples: [{ labels: { job: "backend" }, value: 120 / 1125 }],
        },
      ],
      alerts: [
        // Pending since 2m: not firing 15 s before 2m + 5m.
        { evalTime: "6m45s", firing: [] },
        {
          evalTime: "7m",
          firing: [
            {
              labels: { job: "backend", severity: "critical" },
              annotations: {
                summary: "High error rate detected",
                // $value is 4/15 = 0.26667, printed with two decimals.
                description: "backend answers 0.27 5xx responses per second (threshold 0.1/s).",
              },
            },
          ],
        },
      ],
    },
    belowThreshold: {
      input: [
        // +1.40625 per scrape (45/32: exact in floating point, unlike 1.4) = 0.09375/s for each
        // of two jobs: 0.1875/s in all, but under 0.1/s per job.
        requests("backend", "/api/a", "500", "0+1.40625x80"),
        requests("billing", "/api/a", "500", "0+1.40625x80"),
        requests("backend", "/api/a", "200", "0+150x80"),
      ],
      probes: [
        {
          expr: 'sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))',
          evalTime: "20m",
          samples: [
            { labels: { job: "backend" }, value: 0.09375 },
            { labels: { job: "billing" }, value: 0.09375 },
          ],
        },
      ],
      alerts: [
        { evalTime: "10m", firing: [] },
        { evalTime: "20m", firing: [] },
      ],
    },
    shortSpike: {
      input: [
        // 60 errors between the scrapes at 9m45s and 10m, none before or after. rate[5m] is
        // 60 / 300 s = 0.2/s while the window holds both samples, i.e. at 10m ... 14m30s: pending
        // for 4m30s, under the 5m `for`. At 14m45s the 0 at 9m45s has left the window.
        requests("backend", "/api/a", "500", "0x39 60x40"),
        requests("backend", "/api/a", "200", "0+150x80"),
      ],
      probes: [
        {
          expr: alertExpr("HighErrorRate"),
          evalTime: "10m",
          samples: [{ labels: { job: "backend" }, value: 0.2 }],
        },
        {
          expr: alertExpr("HighErrorRate"),
          evalTime: "14m30s",
          samples: [{ labels: { job: "backend" }, value: 0.2 }],
        },
        { expr: alertExpr("HighErrorRate"), evalTime: "14m45s", samples: [] },
      ],
      alerts: [
        { evalTime: "14m30s", firing: [] },
        // When it would have fired, had the rate stayed up.
        { evalTime: "15m", firing: [] },
      ],
    },
  },
  ServiceDown: {
    fires: {
      input: [
        // The backend fails every scrape from the start; Prometheus scrapes itself fine.
        input("up", { job: "backend", instance: "backend:8080" }, "0x10"),
        input("up", { job: "prometheus", instance: "localhost:9090" }, "1x10"),
      ],
      alerts: [
        // Pending since 0s.
        { evalTime: "45s", firing: [] },
        {
          evalTime: "1m",
          firing: [
            {
              labels: { job: "backend", instance: "backend:8080", severity: "critical" },
              annotations: {
                summary: "Service backend is down",
                description: "Prometheus cannot scrape backend:8080 (job backend).",
              },
            },
          ],
        },
      ],
    },
    belowThreshold: {
      input: [
        input("up", { job: "backend", instance: "backend:8080" }, "1x10"),
        input("up", { job: "prometheus", instance: "localhost:9090" }, "1x10"),
      ],
      alerts: [
        { evalTime: "1m", firing: [] },
        { evalTime: "2m", firing: [] },
      ],
    },
    shortSpike: {
      input: [
        // Four failed scrapes, 30s ... 1m15s: pending for 45 s, under the 1m `for`; a fifth
        // (1m30s) would have fired it.
        input("up", { job: "backend", instance: "backend:8080" }, "1 1 0 0 0 0 1 1 1 1 1"),
      ],
      probes: [
        {
          expr: alertExpr("ServiceDown"),
          evalTime: "1m15s",
          samples: [{ name: "up", labels: { job: "backend", instance: "backend:8080" }, value: 0 }],
        },
      ],
      alerts: [
        { evalTime: "1m15s", firing: [] },
        // 1m after the outage began.
        { evalTime: "1m30s", firing: [] },
      ],
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Recording rules
// ---------------------------------------------------------------------------------------------

/**
 * Request counters over 10m (41 scrapes). Rates at 10m, the window full: increment / 15 s.
 * backend: 2xx 2/s on /api/a (200 and 201), 5xx 1/s on /api/a (500: 0.4, 503: 0.6), 4xx 1/s on
 * /api/b; 4/s in all, 1/s of it 5xx. billing: 2/s of 200s, and a 500 counter that never moves.
 * reports: 1/s of 200s and no 5xx series at all: a client library exports a labelled counter
 * only once it has seen that label value, so a job that never failed has no 5xx series.
 */
const TRAFFIC: readonly InputSeries[] = [
  requests("backend", "/api/a", "200", "0+15x40"),
  requests("backend", "/api/a", "201", "0+15x40"),
  requests("backend", "/api/a", "500", "0+6x40"),
  requests("backend", "/api/a", "503", "0+9x40"),
  requests("backend", "/api/b", "404", "0+15x40"),
  requests("billing", "/api/a", "200", "0+30x40"),
  requests("billing", "/api/a", "500", "0x40"),
  requests("reports", "/api/health", "200", "0+15x40"),
];

const bucket = (job: string, route: string, le: string, values: string): InputSeries =>
  input("http_request_duration_seconds_bucket", { job, path: route, le }, values);

/**
 * Duration histograms over 10m. Cumulative bucket rates at 10m (increment / 15 s):
 *   backend /api/a: le 0.1: 0.4, 0.25: 0.6, 0.5: 1, 1: 1, +Inf: 1
 *   backend /api/b: le 0.1: 0,   0.25: 0.2, 0.5: 0.6, 1: 1, +Inf: 1
 *   backend summed: le 0.1: 0.4, 0.25: 0.8, 0.5: 1.6, 1: 2, +Inf: 2 (2 requests/s)
 *   billing:        every bucket 1: all requests under 0.1 s
 */
const HISTOGRAMS: readonly InputSeries[] = [
  bucket("backend", "/api/a", "0.1", "0+6x40"),
  bucket("backend", "/api/a", "0.25", "0+9x40"),
  bucket("backend", "/api/a", "0.5", "0+15x40"),
  bucket("backend", "/api/a", "1", "0+15x40"),
  bucket("backend", "/api/a", "+Inf", "0+15x40"),
  bucket("backend", "/api/b", "0.1", "0x40"),
  bucket("backend", "/api/b", "0.25", "0+3x40"),
  bucket("backend", "/api/b", "0.5", "0+9x40"),
  bucket("backend", "/api/b", "1", "0+15x40"),
  bucket("backend", "/api/b", "+Inf", "0+15x40"),
  ...["0.1", "0.25", "0.5", "1", "+Inf"].map((le) => bucket("billing", "/api/a", le, "0+15x40")),
];

/*
 * histogram_quantile(q) finds the first bucket whose cumulative rate reaches rank = q x total and
 * interpolates linearly inside it: lower + (upper - lower) x (rank - below) / (in bucket).
 */
const latencyCase = (q: string, backend: number, billing: number): RecordCase => ({
  behaviour: `interpolates p${q} inside its bucket: backend ${backend}, billing ${billing}`,
  input: HISTOGRAMS,
  checks: [
    {
      evalTime: "10m",
      samples: [
        { labels: { job: "backend" }, value: backend },
        { labels: { job: "billing" }, value: billing },
      ],
    },
  ],
});

/** A cAdvisor series; without a name it is the root cgroup, which cAdvisor exports unnamed. */
const container = (
  metric: string,
  name: string | undefined,
  values: string,
  extra: Labels = {},
): InputSeries =>
  input(
    metric,
    {
      job: "cadvisor",
      instance: "cadvisor:8080",
      id: name === undefined ? "/" : `/docker/${name}`,
      ...(name === undefined ? {} : { name }),
      ...extra,
    },
    values,
  );

/** Per recorded series; Partial for the same reason as ALERT_CASES. */
const RECORD_CASES: Readonly<Partial<Record<string, readonly RecordCase[]>>> = {
  [RECORDED.requestRateByPathClass]: [
    {
      behaviour: 'sums rates by job, path and status class ("200" -> "2xx", "503" -> "5xx")',
      input: TRAFFIC,
      checks: [
        {
          evalTime: "10m",
          samples: [
            // 200 (1/s) + 201 (1/s)
            { labels: { job: "backend", path: "/api/a", status_class: "2xx" }, value: 2 },
            // 500 (0.4/s) + 503 (0.6/s)
            { labels: { job: "backend", path: "/api/a", status_class: "5xx" }, value: 1 },
            { labels: { job: "backend", path: "/api/b", status_class: "4xx" }, value: 1 },
            { labels: { job: "billing", path: "/api/a", status_class: "2xx" }, value: 2 },
            { labels: { job: "billing", path: "/api/a", status_class: "5xx" }, value: 0 },
            { labels: { job: "reports", path: "/api/health", status_class: "2xx" }, value: 1 },
          ],
        },
      ],
    },
  ],
  [RECORDED.requestRate]: [
    {
      behaviour: "sums every request rate per job",
      input: TRAFFIC,
      checks: [
        {
          evalTime: "10m",
          samples: [
            // 1 + 1 + 0.4 + 0.6 + 1
            { labels: { job: "backend" }, value: 4 },
            { labels: { job: "billing" }, value: 2 },
            { labels: { job: "reports" }, value: 1 },
          ],
        },
      ],
    },
  ],
  [RECORDED.errorRatio]: [
    {
      behaviour: "divides the 5xx rate by the request rate per job; 0 for a job with no 5xx series",
      input: TRAFFIC,
      checks: [
        {
          evalTime: "10m",
          samples: [
            // (0.4 + 0.6) / 4
            { labels: { job: "backend" }, value: 0.25 },
            // 0 / 2: the 500 counter exists but never moves.
            { labels: { job: "billing" }, value: 0 },
            // reports has no 5xx series: the ratio is 0, not absent.
            { labels: { job: "reports" }, value: 0 },
          ],
        },
      ],
    },
  ],
  [RECORDED.durationBuckets]: [
    {
      behaviour: "sums bucket rates over paths, keeping job and le",
      input: HISTOGRAMS,
      checks: [
        {
          evalTime: "10m",
          samples: [
            { labels: { job: "backend", le: "0.1" }, value: 0.4 },
            { labels: { job: "backend", le: "0.25" }, value: 0.8 },
            { labels: { job: "backend", le: "0.5" }, value: 1.6 },
            { labels: { job: "backend", le: "1" }, value: 2 },
            { labels: { job: "backend", le: "+Inf" }, value: 2 },
            ...["0.1", "0.25", "0.5", "1", "+Inf"].map((le) => ({
              labels: { job: "billing", le },
              value: 1,
            })),
          ],
        },
      ],
    },
  ],
  [RECORDED.latencyP50]: [
    // backend: rank 0.5 x 2 = 1 falls in (0.25, 0.5], which holds 1.6 - 0.8 = 0.8 with 0.8
    // below it: 0.25 + 0.25 x (1 - 0.8) / 0.8 = 0.3125.
    // billing: rank 0.5 of 1 in (0, 0.1], which holds all 1: 0 + 0.1 x 0.5 / 1 = 0.05.
    latencyCase("50", 0.3125, 0.05),
  ],
  [RECORDED.latencyP90]: [
    // backend: rank 1.8 in (0.5, 1], which holds 2 - 1.6 = 0.4: 0.5 + 0.5 x 0.2 / 0.4 = 0.75.
    // billing: 0.1 x 0.9 = 0.09.
    latencyCase("90", 0.75, 0.09),
  ],
  [RECORDED.latencyP99]: [
    // backend: rank 1.98 in (0.5, 1]: 0.5 + 0.5 x 0.38 / 0.4 = 0.975. billing: 0.1 x 0.99.
    latencyCase("99", 0.975, 0.099),
  ],
  [RECORDED.pathLatencyP99]: [
    {
      behaviour: "interpolates p99 per job and path, from that path's buckets only",
      input: HISTOGRAMS,
      checks: [
        {
          evalTime: "10m",
          samples: [
            // /api/a: 0.4, 0.6, 1, 1, 1; rank 0.99 in (0.25, 0.5], which holds 0.4 with 0.6
            // below: 0.25 + 0.25 x 0.39 / 0.4 = 0.49375.
            { labels: { job: "backend", path: "/api/a" }, value: 0.49375 },
            // /api/b: 0, 0.2, 0.6, 1, 1; rank 0.99 in (0.5, 1], 0.4 in it, 0.6 below:
            // 0.5 + 0.5 x 0.39 / 0.4 = 0.9875. (Summed with /api/a it would be 0.975.)
            { labels: { job: "backend", path: "/api/b" }, value: 0.9875 },
            { labels: { job: "billing", path: "/api/a" }, value: 0.099 },
          ],
        },
      ],
    },
  ],
  [RECORDED.containerCpu]: [
    {
      behaviour: "sums CPU rates per container name, leaving out cgroups without a name",
      input: [
        // +3 CPU-seconds per scrape = 0.2 cores.
        container("container_cpu_usage_seconds_total", "prometheus", "0+3x40"),
        // Two series for one container (per CPU): 0.2 + 0.4 = 0.6.
        container("container_cpu_usage_seconds_total", "loki", "0+3x40", { cpu: "cpu00" }),
        container("container_cpu_usage_seconds_total", "loki", "0+6x40", { cpu: "cpu01" }),
        // The root cgroup: 2 cores, no name.
        container("container_cpu_usage_seconds_total", undefined, "0+30x40"),
      ],
      checks: [
        {
          evalTime: "10m",
          samples: [
            { labels: { name: "prometheus" }, value: 0.2 },
            { labels: { name: "loki" }, value: 0.6 },
          ],
        },
      ],
    },
  ],
  [RECORDED.containerMemoryRatio]: [
    {
      behaviour:
        "divides working set by limit, or by the host's memory for a named container without one",
      input: [
        container("container_memory_working_set_bytes", "prometheus", "250000000x40"),
        container("container_spec_memory_limit_bytes", "prometheus", "1000000000x40"),
        container("container_memory_working_set_bytes", "loki", "375000000x40"),
        container("container_spec_memory_limit_bytes", "loki", "500000000x40"),
        // No limit: cAdvisor reports 0.
        container("container_memory_working_set_bytes", "tempo", "100000000x40"),
        container("container_spec_memory_limit_bytes", "tempo", "0x40"),
        // No limit series at all.
        container("container_memory_working_set_bytes", "grafana", "50000000x40"),
        // The root cgroup has a limit but no name.
        container("container_memory_working_set_bytes", undefined, "2000000000x40"),
        container("container_spec_memory_limit_bytes", undefined, "4000000000x40"),
        // The host: 8 GB.
        input(
          "machine_memory_bytes",
          { job: "cadvisor", instance: "cadvisor:8080" },
          "8000000000x40",
        ),
      ],
      checks: [
        {
          evalTime: "10m",
          samples: [
            // 250 MB / 1 GB
            { labels: { name: "prometheus" }, value: 0.25 },
            // 375 MB / 500 MB
            { labels: { name: "loki" }, value: 0.75 },
            // 100 MB / 8 GB and 50 MB / 8 GB
            { labels: { name: "tempo" }, value: 0.0125 },
            { labels: { name: "grafana" }, value: 0.00625 },
          ],
        },
      ],
    },
    {
      behaviour: "leaves a container without limit out when the host's memory is unknown",
      input: [
        container("container_memory_working_set_bytes", "prometheus", "250000000x40"),
        container("container_spec_memory_limit_bytes", "prometheus", "1000000000x40"),
        container("container_memory_working_set_bytes", "tempo", "100000000x40"),
        container("container_spec_memory_limit_bytes", "tempo", "0x40"),
      ],
      checks: [{ evalTime: "10m", samples: [{ labels: { name: "prometheus" }, value: 0.25 }] }],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// promtool test files
// ---------------------------------------------------------------------------------------------

const exprTest = (
  check: ExprCheck,
): NonNullable<PromtoolTestGroup["promql_expr_test"]>[number] => ({
  expr: check.expr,
  eval_time: check.evalTime,
  exp_samples: check.samples.map((s) => ({ labels: selector(s.name, s.labels), value: s.value })),
});

function alertGroup(alert: string, behaviour: Behaviour, c: AlertCase): PromtoolTestGroup {
  return {
    name: `${alert} ${BEHAVIOURS[behaviour]}`,
    interval: INTERVAL,
    input_series: [...c.input],
    alert_rule_test: c.alerts.map((a) => ({
      eval_time: a.evalTime,
      alertname: alert,
      exp_alerts: a.firing.map((f) => ({ exp_labels: f.labels, exp_annotations: f.annotations })),
    })),
    promql_expr_test: (c.probes ?? []).map(exprTest),
  };
}

/** The recorded series, under its name, at each check; with `rawExpr`, that expr beside it. */
function recordGroup(record: string, c: RecordCase, rawExpr?: string): PromtoolTestGroup {
  return {
    name: `${record} ${c.behaviour}${rawExpr === undefined ? "" : " (and equals its expr)"}`,
    interval: INTERVAL,
    input_series: [...c.input],
    promql_expr_test: c.checks.flatMap((check) => [
      exprTest({
        expr: record,
        evalTime: check.evalTime,
        samples: check.samples.map((s) => ({ ...s, name: record })),
      }),
      ...(rawExpr === undefined
        ? []
        : [exprTest({ expr: rawExpr, evalTime: check.evalTime, samples: check.samples })]),
    ]),
  };
}

const RULES_FILE = path.posix.basename(PATHS.prometheusRules);

/** A whole `promtool test rules` file. */
function testFile(groups: PromtoolTestGroup[]): string {
  return stringify({
    rule_files: [RULES_FILE],
    evaluation_interval: INTERVAL,
    // Rates are exact up to floating-point rounding (x 300/285, / 300 s): ignore the last bit.
    fuzzy_compare: true,
    tests: groups,
  });
}

function caseOf(alert: string, behaviour: Behaviour): AlertCase {
  const c = ALERT_CASES[alert]?.[behaviour];
  if (c === undefined) {
    throw new Error(`alert ${alert} has no "${behaviour}" case: add one to ALERT_CASES`);
  }
  return c;
}

function casesOf(record: string): readonly RecordCase[] {
  const cases = RECORD_CASES[record] ?? [];
  if (cases.length === 0) {
    throw new Error(`recording rule ${record} has no case: add one to RECORD_CASES`);
  }
  return cases;
}

const byName = (names: readonly string[]): string[] => [...names].sort();

describe("promtool unit tests", () => {
  it("cover every alerting rule, each with all three behaviours, and no other alert", () => {
    // Given the alerting rules defined in rules.ts
    const defined = byName(ALERTING_RULES.map((r) => r.alert));

    // When the alerts with cases are listed, per behaviour
    const covered = Object.fromEntries(
      Object.keys(BEHAVIOURS).map((b) => [
        b,
        byName(
          Object.keys(ALERT_CASES).filter((a) => ALERT_CASES[a]?.[b as Behaviour] !== undefined),
        ),
      ]),
    );

    // Then every behaviour covers exactly the defined alerts
    expect(covered).toEqual({ fires: defined, belowThreshold: defined, shortSpike: defined });
  });

  it("cover every recording rule, and no other series", () => {
    // Given the recording rules defined in rules.ts
    const defined = byName(RECORDING_RULES.map((r) => r.record));

    // When the records with at least one case are listed
    const covered = byName(
      Object.keys(RECORD_CASES).filter((r) => (RECORD_CASES[r] ?? []).length > 0),
    );

    // Then they are the same
    expect(covered).toEqual(defined);
  });
});

/**
 * Where Prometheus gets the rules from, on each platform: the rules file the Docker container
 * loads, and the groups of the PrometheusRule the Operator loads on Kubernetes.
 */
const RULE_SOURCES = [
  ["the Docker rules file (renderRules)", renderRules({ slo: DEFAULT_SLO })],
  [
    "the PrometheusRule's spec.groups",
    stringify({
      groups: prometheusRule({ name: "timemanager", namespace: "monitoring", slo: DEFAULT_SLO })
        .spec.groups,
    }),
  ],
] as const;

describe.each(RULE_SOURCES)("rules from %s", (_source, rules) => {
  describeWithTool("promtool", (promtool) => {
    promtoolCases(promtool, rules);
  });
});

/** Every case, run by promtool against `rules` (a rules file's text). */
function promtoolCases(promtool: string, rules: string): void {
  let dir: string;
  let files = 0;

  beforeAll(() => {
    // The test files sit next to the rules file, which they name relative to themselves.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "promtool-test-"));
    fs.writeFileSync(path.join(dir, RULES_FILE), rules);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function promtoolTest(groups: PromtoolTestGroup[]): ToolRun {
    files += 1;
    const file = path.join(dir, `case-${String(files)}.test.yml`);
    fs.writeFileSync(file, testFile(groups));
    return runTool(promtool, ["test", "rules", file], dir);
  }

  function expectPass(run: ToolRun): void {
    if (run.status !== 0) throw new Error(`promtool test rules failed:\n${run.output}`);
    expect(run.status).toBe(0);
  }

  describe("alerting rules", () => {
    const cases = ALERTING_RULES.flatMap((rule) =>
      (Object.keys(BEHAVIOURS) as Behaviour[]).map((b) => [rule.alert, BEHAVIOURS[b], b] as const),
    );

    it.each(cases)("%s %s", (alert, _title, behaviour) => {
      // Given the alert's case for this behaviour
      const group = alertGroup(alert, behaviour, caseOf(alert, behaviour));

      // When promtool runs it against the rendered rules
      const run = promtoolTest([group]);

      // Then every expected alert (and probe) matches
      expectPass(run);
    });
  });

  describe("recording rules", () => {
    const cases = RECORDING_RULES.flatMap((rule) =>
      (RECORD_CASES[rule.record] ?? []).map((c) => [rule.record, c.behaviour, c] as const),
    );

    it.each(cases)("%s %s", (record, _behaviour, c) => {
      // Given known input and the values the rule must record from it
      const group = recordGroup(record, c);

      // When promtool evaluates the rules over it
      const run = promtoolTest([group]);

      // Then the recorded series has exactly those samples
      expectPass(run);
    });

    it.each(RECORDING_RULES.map((r) => [r.record, r.expr] as const))(
      "%s equals its raw expression on the same input",
      (record, expr) => {
        // Given every case of the rule, each query paired with the rule's own expr
        const groups = casesOf(record).map((c) => recordGroup(record, c, expr));

        // When promtool evaluates both
        const run = promtoolTest(groups);

        // Then the recorded series and the expr give the same samples
        expectPass(run);
      },
    );
  });
}
