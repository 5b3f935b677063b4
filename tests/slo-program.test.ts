import { parse } from "yaml";
import { renderSloDashboard } from "../components/observability/grafana/slo-dashboard";
import { DEFAULT_SLO } from "../config";
import { type ProgramRun, type Registered, runProgram, stackFileConfig } from "./helpers/program";

/*
 * The SLOs in the whole program under mocks: the recording rules Prometheus loads, the
 * burn-rate alerts of the Grafana rule group and the SLO dashboard, with their exact inputs, on
 * Docker (dev, prod) and on Kubernetes, and following the SLO settings.
 */

const PROD_PASSWORD = "correct-horse-battery-staple";
const KUBERNETES = { platform: "kubernetes", grafanaUrl: "https://grafana.example.com" };

const DASHBOARD = "grafana:oss/dashboard:Dashboard";
const RULE_GROUP = "grafana:alerting/ruleGroup:RuleGroup";
const CONTAINER = "docker:index/container:Container";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

const RUNS: Readonly<Record<string, (extra?: Record<string, string>) => Promise<ProgramRun>>> = {
  "docker dev": (extra = {}) => runProgram("dev", { ...stackFileConfig("dev"), ...extra }),
  "docker prod": (extra = {}) =>
    runProgram(
      "prod",
      { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD, ...extra },
      ["grafanaAdminPassword"],
    ),
  "kubernetes dev": (extra = {}) =>
    runProgram("dev", { ...stackFileConfig("dev"), ...KUBERNETES, ...extra }),
};

function only(run: ProgramRun, type: string, name: string): Registered {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

interface RuleGroupYaml {
  name: string;
  rules: { record?: string; alert?: string; expr: string }[];
}

/** The rule groups Prometheus loads: the uploaded rules file, or the PrometheusRule's groups. */
function loadedRuleGroups(run: ProgramRun): RuleGroupYaml[] {
  const rule = run.resources.find((r) => r.type === PROMETHEUS_RULE);
  if (rule !== undefined) return (rule.inputs.spec as { groups: RuleGroupYaml[] }).groups;
  const uploads = only(run, CONTAINER, "prometheus-container").inputs.uploads as {
    file: string;
    content: string;
  }[];
  const file = uploads.find((u) => u.file === "/etc/prometheus/rules/timemanager.rules.yml");
  return (parse(file?.content ?? "") as { groups: RuleGroupYaml[] }).groups;
}

interface RuleInput {
  uid: string;
  name: string;
  condition: string;
  for: string;
  noDataState: string;
  execErrState: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  datas: { refId: string; datasourceUid: string; relativeTimeRange: unknown; model: string }[];
}

function sloRules(run: ProgramRun): RuleInput[] {
  const rules = only(run, RULE_GROUP, "grafana-content-alerts").inputs.rules as RuleInput[];
  return rules.filter((r) => r.uid.startsWith("timemanager-slo-"));
}

// What the default settings must give, written out here rather than taken from the code.

const SLIS = ["availability", "latency"] as const;
type Sli = (typeof SLIS)[number];
const PAIRS = [
  { factor: "14.4", long: "1h", short: "5m", for: "2m", severity: "page", lasts: "2d 2h" },
  { factor: "6", long: "6h", short: "30m", for: "15m", severity: "page", lasts: "5d" },
  { factor: "3", long: "1d", short: "2h", for: "1h", severity: "ticket", lasts: "10d" },
  { factor: "1", long: "3d", short: "6h", for: "3h", severity: "ticket", lasts: "30d" },
] as const;
const BUDGET = { availability: "0.005", latency: "0.01" } as const;
const BUDGET_PERCENT = { availability: "0.5", latency: "1" } as const;
const OBJECTIVE = {
  availability: "99.5 % of requests not answered 5xx over 30 days",
  latency: "99 % of requests answered within 1 s over 30 days",
} as const;
const BAD = { availability: "errors (5xx)", latency: "slow requests" } as const;
const ACTION = { page: "this pages", ticket: "this opens a ticket" } as const;
const TITLE = { availability: "Availability", latency: "Latency" } as const;

const prometheusQuery = (refId: string, expr: string) => ({
  refId,
  datasourceUid: "timemanager-prometheus",
  relativeTimeRange: { from: 600, to: 0 },
  model: {
    refId,
    datasource: { type: "prometheus", uid: "timemanager-prometheus" },
    expr,
    instant: true,
    range: false,
    intervalMs: 15000,
    maxDataPoints: 43200,
  },
});

function expectedRule(sli: Sli, p: (typeof PAIRS)[number]) {
  const burn = (w: string) => `job:slo_${sli}_errors:ratio_rate${w} / ${BUDGET[sli]}`;
  return {
    uid: `timemanager-slo-${sli}-${p.long}-${p.short}`,
    name: `${TITLE[sli]} budget burn ${p.factor}x over ${p.long} and ${p.short}`,
    condition: "B",
    for: p.for,
    noDataState: "OK",
    execErrState: "Error",
    labels: { severity: p.severity, slo: sli },
    annotations: {
      summary: `{{ $labels.job }} burns its ${sli} error budget at ${p.factor}x or faster`,
      description: `Objective: ${OBJECTIVE[sli]}, an error budget of ${BUDGET_PERCENT[sli]} % of requests. Over the last ${p.long}, {{ $labels.job }}'s ${BAD[sli]} spent it {{ humanize $values.A.Value }}x as fast as the objective allows, and faster than ${p.factor}x over the last ${p.short} too (${ACTION[p.severity]} from ${p.factor}x; at that rate the whole budget lasts ${p.lasts}). At the last ${p.long}'s rate, what is left of the budget is gone in {{ humanizeDuration $values.C.Value }}.`,
    },
    datas: [
      prometheusQuery("A", `${burn(p.long)} > ${p.factor} and ${burn(p.short)} > ${p.factor}`),
      {
        refId: "B",
        datasourceUid: "__expr__",
        relativeTimeRange: { from: 0, to: 0 },
        model: {
          refId: "B",
          datasource: { type: "__expr__", uid: "__expr__" },
          type: "threshold",
          expression: "A",
          conditions: [{ evaluator: { type: "gt", params: [Number(p.factor)] } }],
        },
      },
      prometheusQuery(
        "C",
        `clamp_min(job:slo_${sli}_error_budget:remaining, 0) * 2592000 / (${burn(p.long)} > 0)`,
      ),
    ],
  };
}

const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"];

describe.each(Object.keys(RUNS))("SLOs on %s", (name) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await RUNS[name]();
  });

  it("creates the SLO dashboard in the Time Manager folder, from the default objectives", () => {
    // Given the program's dashboards
    const { inputs, dependsOn } = only(run, DASHBOARD, "grafana-content-slo-dashboard");

    // When the SLO dashboard's inputs are read
    const model = JSON.parse(inputs.configJson as string) as { uid: string; title: string };

    // Then it is the rendered SLO dashboard, after the datasources it queries
    expect(inputs).toEqual({
      folder: "timemanager",
      configJson: renderSloDashboard(DEFAULT_SLO),
      overwrite: true,
    });
    expect([model.uid, model.title]).toEqual(["timemanager-slos", "Time Manager SLOs"]);
    expect(dependsOn).toEqual(expect.arrayContaining(["grafana-content-datasource-prometheus"]));
  });

  it("puts the eight burn-rate alerts in the alert rule group, with their exact inputs", () => {
    // Given the rule group's SLO rules
    const rules = sloRules(run);

    // When their inputs are read, each query's model parsed
    const actual = rules.map((r) => ({
      ...r,
      datas: r.datas.map((d) => ({ ...d, model: JSON.parse(d.model) as unknown })),
    }));

    // Then they are the workbook's pairs for both SLOs
    expect(actual).toEqual(SLIS.flatMap((sli) => PAIRS.map((p) => expectedRule(sli, p))));
  });

  it("has Prometheus record each SLI over every window and each budget left", () => {
    // Given the rule groups Prometheus loads on this platform
    const groups = loadedRuleGroups(run);

    // When the SLO group is read
    const slo = groups.find((g) => g.name === "timemanager-slo");

    // Then it follows the others and records what the alerts and the dashboard read
    expect(groups.map((g) => g.name)).toEqual([
      "timemanager-recording",
      "timemanager",
      "timemanager-slo",
    ]);
    expect(slo?.rules.map((r) => r.record)).toEqual([
      "job:http_requests_5xx:rate5m",
      ...SLIS.flatMap((sli) => [
        ...WINDOWS.map((w) => `job:slo_${sli}_errors:ratio_rate${w}`),
        `job:slo_${sli}_error_budget:remaining`,
      ]),
    ]);
    const expr = (record: string) => slo?.rules.find((r) => r.record === record)?.expr;
    expect([
      expr("job:slo_availability_errors:ratio_rate30d"),
      expr("job:slo_availability_error_budget:remaining"),
      expr("job:slo_latency_errors:ratio_rate5m"),
      expr("job:slo_latency_error_budget:remaining"),
    ]).toEqual([
      'avg_over_time(job:http_requests_5xx:rate5m{job="backend"}[30d]) / avg_over_time(job:http_requests:rate5m{job="backend"}[30d])',
      "1 - job:slo_availability_errors:ratio_rate30d / 0.005",
      '1 - job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="1.0"} / ignoring (le) job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="+Inf"}',
      "1 - job:slo_latency_errors:ratio_rate30d / 0.01",
    ]);
  });

  it("exports the SLO dashboard's URL", () => {
    const grafana = name.startsWith("kubernetes") ? KUBERNETES.grafanaUrl : "http://localhost:3001";
    expect(run.outputs.sloDashboardUrl).toBe(`${grafana}/d/timemanager-slos`);
  });
});

describe("SLO settings", () => {
  const SETTINGS = {
    sloAvailabilityObjective: "99.9",
    sloLatencyObjective: "95",
    sloLatencyThresholdSeconds: "0.5",
    sloWindowDays: "28",
  };
  let docker: ProgramRun;
  let kubernetes: ProgramRun;
  beforeAll(async () => {
    docker = await RUNS["docker dev"](SETTINGS);
    kubernetes = await RUNS["kubernetes dev"](SETTINGS);
  });

  it.each(["docker", "kubernetes"])(
    "reach the %s platform's rules: the budget, the threshold's bucket and the window",
    (platform) => {
      // Given a stack with its own objectives
      const run = platform === "docker" ? docker : kubernetes;

      // When the SLO group Prometheus loads is read
      const slo = loadedRuleGroups(run).find((g) => g.name === "timemanager-slo");
      const expr = (record: string) => slo?.rules.find((r) => r.record === record)?.expr;

      // Then its budgets, bucket and window are the stack's
      expect([
        expr("job:slo_availability_error_budget:remaining"),
        expr("job:slo_latency_error_budget:remaining"),
        expr("job:slo_latency_errors:ratio_rate5m"),
        slo?.rules.map((r) => r.record ?? "").filter((r) => r.endsWith("d")),
      ]).toEqual([
        "1 - job:slo_availability_errors:ratio_rate28d / 0.001",
        "1 - job:slo_latency_errors:ratio_rate28d / 0.05",
        '1 - job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="0.5"} / ignoring (le) job_le:http_request_duration_seconds_bucket:rate5m{job="backend", le="+Inf"}',
        [
          "job:slo_availability_errors:ratio_rate1d",
          "job:slo_availability_errors:ratio_rate3d",
          "job:slo_availability_errors:ratio_rate28d",
          "job:slo_latency_errors:ratio_rate1d",
          "job:slo_latency_errors:ratio_rate3d",
          "job:slo_latency_errors:ratio_rate28d",
        ],
      ]);
    },
  );

  it("reach the alerts and the dashboard, the same on both platforms", () => {
    // Given both runs' SLO alerts and SLO dashboard
    const content = (run: ProgramRun) => [
      JSON.stringify(only(run, RULE_GROUP, "grafana-content-alerts").inputs),
      only(run, DASHBOARD, "grafana-content-slo-dashboard").inputs.configJson,
    ];

    // When the fast availability page's query and the dashboard's rows are read
    const fastPage = sloRules(docker)[0]?.datas.find((d) => d.refId === "A")?.model ?? "{}";
    const rows = (
      JSON.parse(
        only(docker, DASHBOARD, "grafana-content-slo-dashboard").inputs.configJson as string,
      ) as { panels: { type: string; title: string }[] }
    ).panels
      .filter((p) => p.type === "row")
      .map((p) => p.title);

    // Then they carry the stack's objectives, and Kubernetes gets exactly Docker's
    expect((JSON.parse(fastPage) as { expr: string }).expr).toBe(
      "job:slo_availability_errors:ratio_rate1h / 0.001 > 14.4 and job:slo_availability_errors:ratio_rate5m / 0.001 > 14.4",
    );
    expect(rows).toEqual([
      "Availability: 99.9 % of requests not answered 5xx over 28 days",
      "Latency: 95 % of requests answered within 0.5 s over 28 days",
    ]);
    expect(content(kubernetes)).toEqual(content(docker));
  });
});
