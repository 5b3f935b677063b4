import { parse } from "yaml";
import {
  expectLogQL,
  expectPromQL,
  expectPrometheusVariableQuery,
  expectTraceQL,
} from "./helpers/grammars";
import { type Registered, runProgram, stackFileConfig } from "./helpers/program";

/*
 * Every query the stack hands to Grafana or Prometheus, read from what the program registers
 * (not from the modules that build it, so a new dashboard, alert, rule or datasource link is
 * parsed without this test knowing it), parsed by the official grammar of its datasource's
 * language: dashboard targets and variables, alert rule queries, the Tempo datasource's
 * trace-to-metrics queries, and the Prometheus rules on both platforms.
 */

/** A query, where it comes from, and the language of the datasource it runs on. */
interface Query {
  /** What holds it: a dashboard, an alert, a datasource, a rules file. */
  readonly source: string;
  readonly where: string;
  readonly language: string;
  readonly expr: string;
  /** The values Grafana's variables take when it sends the query. */
  readonly values: Readonly<Record<string, string>>;
}

const GRAMMARS: Readonly<
  Partial<Record<string, (expr: string, values: Record<string, string>) => void>>
> = {
  prometheus: expectPromQL,
  loki: expectLogQL,
  tempo: expectTraceQL,
  "prometheus variable": expectPrometheusVariableQuery,
};

const ofType = (rs: readonly Registered[], type: string) => rs.filter((r) => r.type === type);
const json = (text: unknown): Record<string, unknown> =>
  JSON.parse(String(text)) as Record<string, unknown>;

/** Datasource types by uid, as the stack creates them. */
function datasourceTypes(rs: readonly Registered[]): Map<string, string> {
  return new Map(
    ofType(rs, "grafana:oss/dataSource:DataSource").map((d) => [
      String(d.inputs.uid),
      String(d.inputs.type),
    ]),
  );
}

interface Panel {
  title?: string;
  datasource?: { uid?: string };
  targets?: { refId?: string; expr?: string; query?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: { uid?: string };
  includeAll?: boolean;
  allValue?: string;
  current?: { value?: unknown };
}

/** What a variable stands for in a query: All's value, else the current one. */
function valueOf(v: Variable): string {
  if (v.includeAll === true && v.allValue !== undefined) return v.allValue;
  const current = v.current?.value;
  const first = Array.isArray(current) ? (current[0] as unknown) : current;
  return typeof first === "string" ? first : "";
}

function dashboardQueries(rs: readonly Registered[], types: Map<string, string>): Query[] {
  return ofType(rs, "grafana:oss/dashboard:Dashboard").flatMap((d) => {
    const model = json(d.inputs.configJson) as {
      title: string;
      panels?: Panel[];
      templating?: { list?: Variable[] };
    };
    const variables = model.templating?.list ?? [];
    const values = Object.fromEntries(variables.map((v) => [v.name, valueOf(v)]));
    const panels = (ps: readonly Panel[]): Panel[] =>
      ps.flatMap((p) => [p, ...panels(p.panels ?? [])]);
    const targets = panels(model.panels ?? []).flatMap((p) =>
      (p.targets ?? []).map((t) => ({
        source: `dashboard ${model.title}`,
        where: `dashboard "${model.title}", panel "${p.title ?? ""}" (${t.refId ?? ""})`,
        language: types.get(t.datasource?.uid ?? p.datasource?.uid ?? "") ?? "unknown",
        expr: t.expr ?? t.query ?? "",
        values,
      })),
    );
    const queryVariables = variables
      .filter((v) => v.type === "query")
      .map((v) => ({
        source: `dashboard ${model.title}`,
        where: `dashboard "${model.title}", variable ${v.name}`,
        language: `${types.get(v.datasource?.uid ?? "") ?? "unknown"} variable`,
        expr: String(v.query),
        values,
      }));
    return [...targets, ...queryVariables];
  });
}

function alertQueries(rs: readonly Registered[], types: Map<string, string>): Query[] {
  const rules = ofType(rs, "grafana:alerting/ruleGroup:RuleGroup").flatMap(
    (g) =>
      g.inputs.rules as {
        name: string;
        datas: { refId: string; datasourceUid: string; model: string }[];
      }[],
  );
  return rules.flatMap((rule) =>
    rule.datas.flatMap((d) => {
      const model = json(d.model);
      // Grafana's server-side expressions: a threshold has no query language.
      if (d.datasourceUid === "__expr__") {
        expect([rule.name, d.refId, model.type]).toEqual([rule.name, d.refId, "threshold"]);
        return [];
      }
      return [
        {
          source: `alert ${rule.name}`,
          where: `alert "${rule.name}" (${d.refId})`,
          language: types.get(d.datasourceUid) ?? "unknown",
          expr: String(model.expr),
          values: {},
        },
      ];
    }),
  );
}

/** The Tempo datasource's trace-to-metrics queries, with $__tags as Grafana fills it. */
function traceToMetricsQueries(rs: readonly Registered[], types: Map<string, string>): Query[] {
  return ofType(rs, "grafana:oss/dataSource:DataSource").flatMap((d) => {
    const link = json(d.inputs.jsonDataEncoded).tracesToMetrics as
      | {
          datasourceUid: string;
          tags?: { key: string; value?: string }[];
          queries?: { name: string; query: string }[];
        }
      | undefined;
    if (link === undefined) return [];
    // Each span attribute becomes a matcher on its label: service.name -> service="<value>".
    const tags = (link.tags ?? [])
      .map((t) => `${t.value ?? t.key}="timemanager-backend"`)
      .join(", ");
    return (link.queries ?? []).flatMap((q) =>
      [tags, ""].map((value) => ({
        source: `datasource ${String(d.inputs.name)}`,
        where: `datasource ${String(d.inputs.name)}, trace to metrics "${q.name}" (tags: ${value || "none"})`,
        language: types.get(link.datasourceUid) ?? "unknown",
        expr: q.query,
        values: { __tags: value },
      })),
    );
  });
}

/** Every expr of rule groups as Prometheus loads them. */
function ruleExprs(where: string, groups: unknown): Query[] {
  return (
    groups as { name: string; rules: { record?: string; alert?: string; expr: string }[] }[]
  ).flatMap((g) =>
    g.rules.map((r) => ({
      source: where,
      where: `${where}, group ${g.name}, ${r.record ?? r.alert ?? ""}`,
      language: "prometheus",
      expr: r.expr,
      values: {},
    })),
  );
}

function prometheusRulesFile(rs: readonly Registered[]): Query[] {
  return ofType(rs, "docker:index/container:Container").flatMap((c) =>
    ((c.inputs.uploads ?? []) as { file: string; content: string }[])
      .filter((u) => u.file.includes("/rules/"))
      .flatMap((u) => ruleExprs(u.file, (parse(u.content) as { groups: unknown }).groups)),
  );
}

function prometheusRuleObjects(rs: readonly Registered[]): Query[] {
  return rs
    .filter((r) => r.inputs.kind === "PrometheusRule")
    .flatMap((r) =>
      ruleExprs(`PrometheusRule ${r.name}`, (r.inputs.spec as { groups: unknown }).groups),
    );
}

let docker: Query[] = [];
let kubernetes: Query[] = [];
let alertNames: string[] = [];

beforeAll(async () => {
  const dev = (await runProgram("dev", stackFileConfig("dev"))).resources;
  const k8s = (
    await runProgram("dev", {
      ...stackFileConfig("dev"),
      platform: "kubernetes",
      grafanaUrl: "http://localhost:3000",
    })
  ).resources;
  const types = datasourceTypes(dev);
  docker = [
    ...dashboardQueries(dev, types),
    ...alertQueries(dev, types),
    ...traceToMetricsQueries(dev, types),
    ...prometheusRulesFile(dev),
  ];
  kubernetes = prometheusRuleObjects(k8s);
  alertNames = ofType(dev, "grafana:alerting/ruleGroup:RuleGroup").flatMap((g) =>
    (g.inputs.rules as { name: string }[]).map((r) => r.name),
  );
});

describe("every query of the stack parses with the official grammar of its language", () => {
  it("finds the queries of every dashboard, alert, datasource link and rules file", () => {
    const sources = (qs: readonly Query[], kind: string) =>
      [...new Set(qs.map((q) => q.source).filter((src) => src.startsWith(kind)))].sort();
    expect({
      dashboards: sources(docker, "dashboard"),
      datasources: sources(docker, "datasource"),
      rules: [...sources(docker, "/"), ...sources(kubernetes, "PrometheusRule")],
      alerts: sources(docker, "alert").length,
    }).toEqual({
      dashboards: ["dashboard Time Manager Overview", "dashboard Time Manager SLOs"],
      datasources: ["datasource Tempo"],
      rules: ["/etc/prometheus/rules/timemanager.rules.yml", "PrometheusRule kubernetes-rules"],
      alerts: alertNames.length,
    });
    // Both trace-to-metrics queries, with the service's tag and with none
    expect(docker.filter((q) => q.source === "datasource Tempo").map((q) => q.where)).toEqual([
      'datasource Tempo, trace to metrics "Request rate" (tags: service="timemanager-backend")',
      'datasource Tempo, trace to metrics "Request rate" (tags: none)',
      'datasource Tempo, trace to metrics "p99 latency" (tags: service="timemanager-backend")',
      'datasource Tempo, trace to metrics "p99 latency" (tags: none)',
    ]);
    // The PrometheusRule holds the rules file's rules, one for one
    expect(kubernetes.map((q) => q.expr)).toEqual(
      docker.filter((q) => q.source.startsWith("/")).map((q) => q.expr),
    );
  });

  it("every query's datasource speaks a language with a grammar here", () => {
    expect(
      [...docker, ...kubernetes].filter((q) => !(q.language in GRAMMARS)).map((q) => q.where),
    ).toEqual([]);
  });

  it("parses every one", () => {
    const failures = [...docker, ...kubernetes].flatMap((q) => {
      try {
        GRAMMARS[q.language]?.(q.expr, { ...q.values });
        return [];
      } catch (e) {
        return [`${q.where}: ${(e as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it("names the query and where its syntax breaks when one does not parse", () => {
    const link = docker.find((q) => q.where.includes("trace to metrics"));
    if (link === undefined) throw new Error("no trace-to-metrics query");
    // The Tempo link's query with its closing parenthesis dropped, as a typo would leave it
    const broken = { ...link, expr: link.expr.slice(0, -1) };
    expect(() => {
      GRAMMARS[broken.language]?.(broken.expr, { ...broken.values });
    }).toThrow(/^PromQL syntax error at offset \d+:/);
  });
});
