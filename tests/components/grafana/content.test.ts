import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { renderDashboard } from "../../../components/observability/grafana/dashboard";
import {
  type ProgramRun,
  type Registered,
  runProgram,
  stackFileConfig,
} from "../../helpers/program";

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const PROD_PASSWORD = "correct-horse-battery-staple";

const of = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);
const one = (run: ProgramRun, type: string): Registered => {
  const found = of(run, type);
  expect(found).toHaveLength(1);
  return found[0];
};

const DS = "grafana:oss/dataSource:DataSource";
const RULES = "grafana:alerting/ruleGroup:RuleGroup";

/** The exact datasource inputs, written out here rather than taken from the code. */
const EXPECTED_DATASOURCES = [
  {
    uid: "timemanager-prometheus",
    name: "Prometheus",
    type: "prometheus",
    url: "http://prometheus:9090",
    accessMode: "proxy",
    isDefault: true,
    jsonData: {
      httpMethod: "POST",
      timeInterval: "15s",
      prometheusType: "Prometheus",
      exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: "timemanager-tempo" }],
    },
  },
  {
    uid: "timemanager-loki",
    name: "Loki",
    type: "loki",
    url: "http://loki:3100",
    accessMode: "proxy",
    isDefault: false,
    jsonData: {
      maxLines: 1000,
      derivedFields: [
        {
          name: "TraceID",
          matcherRegex: "(?:trace_id|traceId|traceID)[\"']?[:=]\\s*[\"']?(\\w+)",
          url: "${__value.raw}",
          datasourceUid: "timemanager-tempo",
          urlDisplayLabel: "View trace",
        },
      ],
    },
  },
  {
    uid: "timemanager-tempo",
    name: "Tempo",
    type: "tempo",
    url: "http://tempo:3200",
    accessMode: "proxy",
    isDefault: false,
    jsonData: {
      tracesToLogsV2: {
        datasourceUid: "timemanager-loki",
        spanStartTimeShift: "-5m",
        spanEndTimeShift: "5m",
        filterByTraceID: true,
        filterBySpanID: false,
        tags: [{ key: "service.name", value: "container_name" }],
      },
      tracesToMetrics: {
        datasourceUid: "timemanager-prometheus",
        spanStartTimeShift: "-5m",
        spanEndTimeShift: "5m",
        tags: [{ key: "service.name", value: "service" }],
        queries: [
          {
            name: "Request rate",
            query: "sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags}[5m]))",
          },
          {
            name: "p99 latency",
            query:
              "histogram_quantile(0.99, sum by (le) (rate(traces_spanmetrics_latency_bucket{$__tags}[5m])))",
          },
        ],
      },
      serviceMap: { datasourceUid: "timemanager-prometheus" },
      nodeGraph: { enabled: true },
      lokiSearch: { datasourceUid: "timemanager-loki" },
      traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-1h", spanEndTimeShift: "1h" },
    },
  },
];

const promQuery = (expr: string) => ({
  refId: "A",
  datasource: { type: "prometheus", uid: "timemanager-prometheus" },
  expr,
  instant: true,
  range: false,
  intervalMs: 15000,
  maxDataPoints: 43200,
});
const threshold = (type: string, value: number) => ({
  refId: "B",
  datasource: { type: "__expr__", uid: "__expr__" },
  type: "threshold",
  expression: "A",
  conditions: [{ evaluator: { type, params: [value] } }],
});

/** The seed's Grafana alerts table, with the choices this project made for each. */
const EXPECTED_RULES = [
  {
    uid: "timemanager-high-error-rate",
    name: "High Error Rate",
    expr: "job:http_requests_5xx:ratio_rate5m",
    threshold: ["gt", 0.1],
    for: "5m",
    severity: "critical",
    noDataState: "OK",
    execErrState: "Error",
  },
  {
    uid: "timemanager-high-latency",
    name: "High Latency",
    expr: 'job:http_request_duration_seconds:p99_rate5m{job="backend"}',
    threshold: ["gt", 2],
    for: "5m",
    severity: "warning",
    noDataState: "OK",
    execErrState: "Error",
  },
  {
    uid: "timemanager-service-down",
    name: "Service Down",
    expr: "up",
    threshold: ["lt", 1],
    for: "1m",
    severity: "critical",
    noDataState: "Alerting",
    execErrState: "Alerting",
  },
  {
    uid: "timemanager-high-memory",
    name: "High Memory",
    expr: "name:container_memory_working_set_bytes:ratio_limit",
    threshold: ["gt", 0.9],
    for: "5m",
    severity: "warning",
    noDataState: "OK",
    execErrState: "Error",
  },
] as const;

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

describe.each([
  { stack: "dev", config: stackFileConfig("dev"), secrets: [] as string[], password: "admin" },
  {
    stack: "prod",
    config: { ...stackFileConfig("prod"), grafanaAdminPassword: PROD_PASSWORD },
    secrets: ["grafanaAdminPassword"],
    password: PROD_PASSWORD,
  },
])("Grafana content on $stack", ({ stack, config, secrets, password }) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack, config, secrets);
  });

  test("the provider talks to the stack's Grafana with the admin credentials as a secret", () => {
    const provider = one(run, "pulumi:providers:grafana");
    expect(provider.inputs).toEqual({
      url: "http://localhost:3001",
      auth: secret(`admin:${password}`),
      retries: "12",
      retryWait: "5",
      retryStatusCodes: '["429","502","503","504"]',
    });
  });

  test("the provider waits for the Grafana server, so content is created once it is healthy", () => {
    // A dependency on the component is a dependency on each of its children.
    expect(one(run, "pulumi:providers:grafana").dependsOn).toEqual(
      expect.arrayContaining(["grafana-container"]),
    );
  });

  test("every Grafana resource goes through that provider", () => {
    const grafanaResources = run.resources.filter((r) => r.type.startsWith("grafana:"));
    expect(grafanaResources.length).toBeGreaterThanOrEqual(6);
    for (const r of grafanaResources) expect(r.provider).toContain("grafana-content-provider");
  });

  test("creates exactly the three datasources, Prometheus the default, wired to each other", () => {
    const datasources = of(run, DS).map((r) => {
      const { jsonDataEncoded, ...rest } = r.inputs as { jsonDataEncoded: string };
      return { ...rest, jsonData: JSON.parse(jsonDataEncoded) as unknown };
    });
    expect(datasources).toEqual(EXPECTED_DATASOURCES);
  });

  test("the dashboard is the rendered overview, in the Time Manager folder", () => {
    expect(one(run, "grafana:oss/folder:Folder").inputs).toEqual({
      uid: "timemanager",
      title: "Time Manager",
    });
    const dashboards = of(run, "grafana:oss/dashboard:Dashboard");
    // The other one is the SLO dashboard (tests/slo-program.test.ts).
    expect(dashboards.map((d) => d.name)).toEqual([
      "grafana-content-dashboard",
      "grafana-content-slo-dashboard",
    ]);
    expect(dashboards[0]?.inputs).toEqual({
      folder: "timemanager",
      configJson: renderDashboard(),
      overwrite: true,
    });
  });

  test("the alert rule group holds the seed's four alerts with their thresholds and states, then the SLO burn rates", () => {
    const group = one(run, RULES).inputs as {
      name: string;
      folderUid: string;
      intervalSeconds: number;
      rules: RuleInput[];
    };
    expect({ ...group, rules: undefined }).toEqual({
      name: "timemanager-alerts",
      folderUid: "timemanager",
      intervalSeconds: 60,
      rules: undefined,
    });
    // The SLO alerts' inputs are tested in tests/slo-program.test.ts.
    expect(group.rules.slice(EXPECTED_RULES.length).map((r) => r.uid)).toEqual(
      ["availability", "latency"].flatMap((slo) =>
        ["1h-5m", "6h-30m", "1d-2h", "3d-6h"].map((pair) => `timemanager-slo-${slo}-${pair}`),
      ),
    );
    expect(
      group.rules.slice(0, EXPECTED_RULES.length).map((r) => ({
        uid: r.uid,
        name: r.name,
        condition: r.condition,
        for: r.for,
        labels: r.labels,
        noDataState: r.noDataState,
        execErrState: r.execErrState,
        datas: r.datas.map((d) => ({ ...d, model: JSON.parse(d.model) as unknown })),
      })),
    ).toEqual(
      EXPECTED_RULES.map((e) => ({
        uid: e.uid,
        name: e.name,
        condition: "B",
        for: e.for,
        labels: { severity: e.severity },
        noDataState: e.noDataState,
        execErrState: e.execErrState,
        datas: [
          {
            refId: "A",
            datasourceUid: "timemanager-prometheus",
            relativeTimeRange: { from: 600, to: 0 },
            model: promQuery(e.expr),
          },
          {
            refId: "B",
            datasourceUid: "__expr__",
            relativeTimeRange: { from: 0, to: 0 },
            model: threshold(e.threshold[0], e.threshold[1]),
          },
        ],
      })),
    );
  });

  test("every alert has a summary and a description that name what fired", () => {
    const group = one(run, RULES).inputs as { rules: RuleInput[] };
    for (const rule of group.rules) {
      expect(Object.keys(rule.annotations).sort()).toEqual(["description", "summary"]);
      expect(rule.annotations.summary).toMatch(/\{\{ \$labels\.(job|name) \}\}/);
      expect(rule.annotations.description).toMatch(/\{\{ .*\$(labels|values)\..* \}\}/);
    }
  });

  test("every datasource UID a panel, a rule or a link references is one the stack creates", () => {
    const created = new Set(of(run, DS).map((r) => r.inputs.uid as string));
    const referenced = new Set<string>();
    const walk = (value: unknown, key = ""): void => {
      if (typeof value === "string") {
        if (key === "datasourceUid") referenced.add(value);
      } else if (Array.isArray(value)) {
        for (const v of value) walk(v);
      } else if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (key === "datasource" && typeof record.uid === "string") referenced.add(record.uid);
        for (const [k, v] of Object.entries(record)) walk(v, k);
      }
    };
    for (const d of of(run, "grafana:oss/dashboard:Dashboard"))
      walk(JSON.parse(d.inputs.configJson as string));
    for (const ds of of(run, DS)) walk(JSON.parse(ds.inputs.jsonDataEncoded as string));
    const group = one(run, RULES).inputs as { rules: RuleInput[] };
    for (const rule of group.rules)
      for (const d of rule.datas)
        walk({ datasourceUid: d.datasourceUid, model: JSON.parse(d.model) as unknown });
    referenced.delete("__expr__"); // Grafana's server-side expressions, not a datasource
    expect(referenced.size).toBeGreaterThanOrEqual(3);
    expect([...referenced].filter((uid) => !created.has(uid))).toEqual([]);
  });

  test("with no contact configured, no contact point or policy is managed", () => {
    expect(of(run, "grafana:alerting/contactPoint:ContactPoint")).toEqual([]);
    expect(of(run, "grafana:alerting/notificationPolicy:NotificationPolicy")).toEqual([]);
  });

  test("outputs give the dashboard URL, folder, datasource and rule UIDs", () => {
    expect(run.outputs).toMatchObject({
      dashboardUrl: "http://localhost:3001/d/timemanager-overview",
      folderUid: "timemanager",
      datasourceUids: {
        prometheus: "timemanager-prometheus",
        loki: "timemanager-loki",
        tempo: "timemanager-tempo",
      },
      alertRuleUids: {
        "High Error Rate": "timemanager-high-error-rate",
        "High Latency": "timemanager-high-latency",
        "Service Down": "timemanager-service-down",
        "High Memory": "timemanager-high-memory",
      },
    });
  });
});

describe("alert notifications", () => {
  test("a webhook contact gets a secret URL and the root policy routes every alert to it", async () => {
    const run = await runProgram(
      "dev",
      { alertContact: "webhook", alertWebhookUrl: "https://hooks.example.org/tm" },
      ["alertWebhookUrl"],
    );
    expect(one(run, "grafana:alerting/contactPoint:ContactPoint").inputs).toEqual({
      name: "Time Manager webhook",
      webhooks: secret([{ url: "https://hooks.example.org/tm" }]),
    });
    expect(one(run, "grafana:alerting/notificationPolicy:NotificationPolicy").inputs).toEqual({
      contactPoint: "Time Manager webhook",
      groupBies: ["grafana_folder", "alertname", "job"],
      groupWait: "30s",
      groupInterval: "5m",
      repeatInterval: "4h",
    });
  });

  test("an e-mail contact sends to the configured addresses", async () => {
    const run = await runProgram("dev", {
      alertContact: "email",
      alertEmails: JSON.stringify(["oncall@example.org", "dev@example.org"]),
      smtpHost: "smtp.example.org:587",
    });
    expect(one(run, "grafana:alerting/contactPoint:ContactPoint").inputs).toEqual({
      name: "Time Manager e-mail",
      emails: [{ addresses: ["oncall@example.org", "dev@example.org"] }],
    });
  });

  test("the SMTP settings reach Grafana's [smtp] section, the password as a secret", async () => {
    const run = await runProgram("dev", {
      alertContact: "email",
      alertEmails: JSON.stringify(["oncall@example.org"]),
      smtpHost: "smtp.example.org:587",
      smtpUser: "grafana@example.org",
      smtpPassword: "smtp-s3cret",
      smtpFromAddress: "grafana@example.org",
    });
    const grafana = run.resources.find((r) => r.name === "grafana-container");
    const envs = grafana?.inputs.envs as { value: string[] } | undefined;
    expect(envs?.value.filter((e) => e.startsWith("GF_SMTP_"))).toEqual([
      "GF_SMTP_ENABLED=true",
      "GF_SMTP_HOST=smtp.example.org:587",
      "GF_SMTP_FROM_ADDRESS=grafana@example.org",
      "GF_SMTP_USER=grafana@example.org",
      "GF_SMTP_PASSWORD=smtp-s3cret",
    ]);
    expect(envs).toEqual(expect.objectContaining({ [specialSigKey]: specialSecretSig }));
  });

  test("without smtpHost Grafana gets no [smtp] settings", async () => {
    const run = await runProgram("dev", {});
    const grafana = run.resources.find((r) => r.name === "grafana-container");
    const envs = grafana?.inputs.envs as { value: string[] } | undefined;
    expect(envs?.value.filter((e) => e.startsWith("GF_SMTP_"))).toEqual([]);
  });

  test("changing only Grafana settings changes no Docker resource's inputs", async () => {
    const docker = (r: ProgramRun) =>
      r.resources.filter((x) => x.type.startsWith("docker:")).map((x) => [x.name, x.inputs]);
    const before = await runProgram("dev", {});
    const after = await runProgram("dev", {
      alertContact: "webhook",
      alertWebhookUrl: "https://hooks.example.org/alerts",
    });
    expect(docker(after)).toEqual(docker(before));
    expect(of(after, "grafana:alerting/contactPoint:ContactPoint")).toHaveLength(1);
  });
});
