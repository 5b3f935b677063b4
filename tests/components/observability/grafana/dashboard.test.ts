import {
  type DashboardQuery,
  dashboardQueries,
  overviewDashboard,
  renderDashboard,
} from "../../../../components/observability/grafana/dashboard";
import {
  expectLogQL,
  expectPrometheusVariableQuery,
  expectPromQL,
  expectTraceQL,
  substituteGrafanaVariables,
  syntaxErrors,
} from "../../../helpers/grammars";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";

/** The parts of the rendered JSON these tests read. */
interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Ref {
  type: string;
  uid: string;
}
interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource: Ref;
  editorMode: string;
  range?: boolean;
  instant?: boolean;
  queryType?: string;
}
interface RenderedPanel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: Ref;
  targets?: Target[];
  collapsed?: boolean;
  panels?: RenderedPanel[];
  fieldConfig?: { defaults: { unit?: string; mappings?: unknown[] } };
}
interface RenderedDashboard {
  uid: string;
  title: string;
  tags: string[];
  timezone: string;
  editable: boolean;
  refresh: string;
  time: { from: string; to: string };
  graphTooltip: number;
  panels: RenderedPanel[];
  templating: { list: Record<string, unknown>[] };
}

const rendered = (): RenderedDashboard => JSON.parse(renderDashboard()) as RenderedDashboard;

const PROMETHEUS: Ref = { type: "prometheus", uid: "timemanager-prometheus" };
const LOKI: Ref = { type: "loki", uid: "timemanager-loki" };

/** Values the dashboard's own variables take when a query is parsed: All, and a typed filter. */
const VARIABLE_VALUES = {
  path: ".*",
  log_filter: "ERROR",
  // The hidden top-10 variables, as Grafana's regex format writes two values.
  busiest_paths: "(/api/v1/clocks|/api/v1/auth/me)",
  slowest_paths: "(/api/v1/clocks|/api/v1/auth/me)",
  cpu_containers: "(timemanager-backend|timemanager-db)",
  memory_containers: "(timemanager-backend|timemanager-db)",
  memory_ratio_containers: "(timemanager-backend|timemanager-db)",
};

interface ExpectedQuery {
  refId: string;
  expr: string;
  legend?: string;
}
interface ExpectedPanel {
  id: number;
  title: string;
  type: "row" | "stat" | "timeseries" | "logs";
  gridPos: GridPos;
  unit?: string;
  queries?: ExpectedQuery[];
}

const row = (id: number, title: string, y: number): ExpectedPanel => ({
  id,
  title,
  type: "row",
  gridPos: { x: 0, y, w: 24, h: 1 },
});

/** The whole dashboard, top to bottom, written out here rather than taken from the code. */
const EXPECTED_PANELS: ExpectedPanel[] = [
  row(1, "Health Status", 0),
  {
    id: 2,
    title: "Services up/down",
    type: "stat",
    gridPos: { x: 0, y: 1, w: 24, h: 4 },
    queries: [{ refId: "A", expr: "min by (job) (up)", legend: "{{job}}" }],
  },
  row(3, "Request Rate", 5),
  {
    id: 4,
    title: "Requests per second by endpoint",
    type: "timeseries",
    gridPos: { x: 0, y: 6, w: 16, h: 8 },
    unit: "reqps",
    queries: [
      {
        refId: "A",
        expr: 'sum by (path) (job_path_status_class:http_requests:rate5m{job="backend", path=~"${busiest_paths:regex}"})',
        legend: "{{path}}",
      },
    ],
  },
  {
    id: 5,
    title: "Total requests per second",
    type: "timeseries",
    gridPos: { x: 16, y: 6, w: 8, h: 8 },
    unit: "reqps",
    queries: [{ refId: "A", expr: 'job:http_requests:rate5m{job="backend"}', legend: "total" }],
  },
  row(6, "Latency", 14),
  {
    id: 7,
    title: "Backend latency p50 / p90 / p99",
    type: "timeseries",
    gridPos: { x: 0, y: 15, w: 12, h: 8 },
    unit: "s",
    queries: [
      {
        refId: "A",
        expr: 'job:http_request_duration_seconds:p50_rate5m{job="backend"}',
        legend: "p50",
      },
      {
        refId: "B",
        expr: 'job:http_request_duration_seconds:p90_rate5m{job="backend"}',
        legend: "p90",
      },
      {
        refId: "C",
        expr: 'job:http_request_duration_seconds:p99_rate5m{job="backend"}',
        legend: "p99",
      },
    ],
  },
  {
    id: 8,
    title: "p99 latency by endpoint",
    type: "timeseries",
    gridPos: { x: 12, y: 15, w: 12, h: 8 },
    unit: "s",
    queries: [
      {
        refId: "A",
        expr: 'job_path:http_request_duration_seconds:p99_rate5m{job="backend", path=~"${slowest_paths:regex}"}',
        legend: "{{path}}",
      },
    ],
  },
  row(9, "Error Rate", 23),
  {
    id: 10,
    title: "4xx and 5xx responses per second",
    type: "timeseries",
    gridPos: { x: 0, y: 24, w: 12, h: 8 },
    unit: "reqps",
    queries: [
      {
        refId: "A",
        expr: 'sum(job_path_status_class:http_requests:rate5m{job="backend", status_class="4xx", path=~"$path"})',
        legend: "4xx",
      },
      {
        refId: "B",
        expr: 'sum(job_path_status_class:http_requests:rate5m{job="backend", status_class="5xx", path=~"$path"})',
        legend: "5xx",
      },
    ],
  },
  {
    id: 11,
    title: "5xx error ratio",
    type: "timeseries",
    gridPos: { x: 12, y: 24, w: 12, h: 8 },
    unit: "percentunit",
    queries: [
      {
        refId: "A",
        expr: 'job:http_requests_5xx:ratio_rate5m{job="backend"}',
        legend: "5xx ratio",
      },
    ],
  },
  row(12, "Resources", 32),
  {
    id: 13,
    title: "CPU per container",
    type: "timeseries",
    gridPos: { x: 0, y: 33, w: 8, h: 8 },
    unit: "percentunit",
    queries: [
      {
        refId: "A",
        expr: 'name:container_cpu_usage_seconds:rate5m{name=~"${cpu_containers:regex}"}',
        legend: "{{name}}",
      },
    ],
  },
  {
    id: 14,
    title: "Memory per container",
    type: "timeseries",
    gridPos: { x: 8, y: 33, w: 8, h: 8 },
    unit: "bytes",
    queries: [
      {
        refId: "A",
        expr: 'sum by (name) (container_memory_working_set_bytes{name!="", name=~"${memory_containers:regex}"})',
        legend: "{{name}}",
      },
    ],
  },
  {
    id: 15,
    title: "Memory vs limit",
    type: "timeseries",
    gridPos: { x: 16, y: 33, w: 8, h: 8 },
    unit: "percentunit",
    queries: [
      {
        refId: "A",
        expr: 'name:container_memory_working_set_bytes:ratio_limit{name=~"${memory_ratio_containers:regex}"}',
        legend: "{{name}}",
      },
    ],
  },
  row(16, "Application", 41),
  {
    id: 17,
    title: "Database pool connections",
    type: "timeseries",
    gridPos: { x: 0, y: 42, w: 12, h: 8 },
    unit: "short",
    queries: [
      {
        refId: "A",
        expr: 'sum by (instance) (db_pool_connections{job="backend"})',
        legend: "{{instance}}",
      },
    ],
  },
  {
    id: 18,
    title: "Login attempts per second",
    type: "timeseries",
    gridPos: { x: 12, y: 42, w: 12, h: 8 },
    unit: "ops",
    queries: [
      {
        refId: "A",
        expr: 'sum(rate(auth_login_attempts{job="backend"}[$__rate_interval]))',
        legend: "attempts",
      },
    ],
  },
  row(19, "Traefik", 50),
  {
    id: 20,
    title: "Traefik requests per second by service",
    type: "timeseries",
    gridPos: { x: 0, y: 51, w: 8, h: 8 },
    unit: "reqps",
    queries: [
      {
        refId: "A",
        expr: 'sum by (service) (rate(traefik_service_requests_total{job="traefik"}[$__rate_interval]))',
        legend: "{{service}}",
      },
    ],
  },
  {
    id: 21,
    title: "Traefik p99 duration by service",
    type: "timeseries",
    gridPos: { x: 8, y: 51, w: 8, h: 8 },
    unit: "s",
    queries: [
      {
        refId: "A",
        expr: 'histogram_quantile(0.99, sum by (le, service) (rate(traefik_service_request_duration_seconds_bucket{job="traefik"}[$__rate_interval])))',
        legend: "{{service}}",
      },
    ],
  },
  {
    id: 22,
    title: "Traefik responses by status code",
    type: "timeseries",
    gridPos: { x: 16, y: 51, w: 8, h: 8 },
    unit: "reqps",
    queries: [
      {
        refId: "A",
        expr: 'sum by (code) (rate(traefik_service_requests_total{job="traefik"}[$__rate_interval]))',
        legend: "{{code}}",
      },
    ],
  },
  row(23, "Logs", 59),
  {
    id: 24,
    title: "Backend logs",
    type: "logs",
    gridPos: { x: 0, y: 60, w: 24, h: 10 },
    queries: [{ refId: "A", expr: '{container_name="timemanager-backend"} |= "$log_filter"' }],
  },
  {
    id: 25,
    title: "Backend errors",
    type: "logs",
    gridPos: { x: 0, y: 70, w: 24, h: 10 },
    queries: [{ refId: "A", expr: '{container_name="timemanager-backend"} |= "ERROR"' }],
  },
];

const EXPECTED_ROWS = EXPECTED_PANELS.filter((p) => p.type === "row");
const EXPECTED_VISUALS = EXPECTED_PANELS.filter((p) => p.type !== "row");

const findPanel = (title: string): RenderedPanel => {
  const found = rendered().panels.filter((p) => p.title === title);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("overviewDashboard", () => {
  test("is the stable, editable 'Time Manager Overview' over the last 6 hours, refreshed every 30 s", () => {
    const model = rendered();
    expect({
      uid: model.uid,
      title: model.title,
      tags: model.tags,
      timezone: model.timezone,
      editable: model.editable,
      refresh: model.refresh,
      time: model.time,
      graphTooltip: model.graphTooltip,
    }).toEqual({
      uid: "timemanager-overview",
      title: "Time Manager Overview",
      tags: ["timemanager", "observability"],
      timezone: "browser",
      editable: true,
      refresh: "30s",
      time: { from: "now-6h", to: "now" },
      graphTooltip: 1,
    });
  });

  test("holds exactly the expected rows and panels, in order", () => {
    expect(rendered().panels.map((p) => [p.id, p.type, p.title])).toEqual(
      EXPECTED_PANELS.map((p) => [p.id, p.type, p.title]),
    );
  });

  test("rows follow the seed's order, expanded, with their panels after them", () => {
    const rows = rendered().panels.filter((p) => p.type === "row");
    expect(rows).toEqual(
      EXPECTED_ROWS.map((r) => ({
        id: r.id,
        type: "row",
        title: r.title,
        gridPos: r.gridPos,
        collapsed: false,
        panels: [],
      })),
    );
  });

  test.each(EXPECTED_VISUALS.map((p) => [p.title, p] as const))(
    "panel %s: type, position, datasource, unit and queries",
    (title, expected) => {
      const panel = findPanel(title);
      const datasource = expected.type === "logs" ? LOKI : PROMETHEUS;
      expect({
        type: panel.type,
        gridPos: panel.gridPos,
        datasource: panel.datasource,
        unit: panel.fieldConfig?.defaults.unit,
        queries: (panel.targets ?? []).map((t) => ({
          refId: t.refId,
          expr: t.expr,
          legend: t.legendFormat,
          datasource: t.datasource,
        })),
      }).toEqual({
        type: expected.type,
        gridPos: expected.gridPos,
        datasource,
        unit: expected.unit,
        queries: (expected.queries ?? []).map((q) => ({ ...q, datasource })),
      });
    },
  );

  test("Prometheus queries are code-mode range queries, except the health stat's instant one", () => {
    const modes = rendered()
      .panels.filter((p) => p.datasource?.type === "prometheus")
      .flatMap((p) => (p.targets ?? []).map((t) => [p.title, t.editorMode, t.range, t.instant]));
    expect(modes).toEqual(
      EXPECTED_VISUALS.filter((p) => p.type !== "logs").flatMap((p) =>
        (p.queries ?? []).map(() =>
          p.type === "stat" ? [p.title, "code", false, true] : [p.title, "code", true, false],
        ),
      ),
    );
  });

  test("Loki queries are code-mode range queries", () => {
    expect(
      rendered()
        .panels.filter((p) => p.type === "logs")
        .flatMap((p) => (p.targets ?? []).map((t) => [t.editorMode, t.queryType])),
    ).toEqual([
      ["code", "range"],
      ["code", "range"],
    ]);
  });

  test("the health stat maps 1 to a green UP and 0 to a red DOWN", () => {
    expect(findPanel("Services up/down").fieldConfig?.defaults.mappings).toEqual([
      {
        type: "value",
        options: {
          "1": { text: "UP", color: "green", index: 0 },
          "0": { text: "DOWN", color: "red", index: 1 },
        },
      },
    ]);
  });

  test("template variables: a multi-valued endpoint list with All, a free-text log filter, and the hidden top 10 of the panels that draw one line per endpoint or container", () => {
    expect(rendered().templating.list).toEqual([
      {
        type: "query",
        name: "path",
        label: "Endpoint",
        description: "Backend endpoints the request, latency and error panels show.",
        datasource: PROMETHEUS,
        query: 'label_values(job_path_status_class:http_requests:rate5m{job="backend"}, path)',
        definition: 'label_values(job_path_status_class:http_requests:rate5m{job="backend"}, path)',
        multi: true,
        includeAll: true,
        allValue: ".*",
        current: { selected: true, text: ["All"], value: ["$__all"] },
        refresh: 2,
        sort: 1,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
      {
        type: "textbox",
        name: "log_filter",
        label: "Log filter",
        description: "Text the backend log lines must contain, e.g. ERROR; empty shows every line.",
        query: "",
        current: { text: "", value: "" },
        multi: false,
        includeAll: false,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
      {
        type: "query",
        name: "busiest_paths",
        description:
          "The 10 selected endpoints with the most requests per second at the end of the time range shown.",
        datasource: PROMETHEUS,
        query:
          'query_result(topk(10, sum by (path) (job_path_status_class:http_requests:rate5m{job="backend", path=~"$path"})))',
        definition:
          'query_result(topk(10, sum by (path) (job_path_status_class:http_requests:rate5m{job="backend", path=~"$path"})))',
        regex: '/path="([^"]*)"/',
        multi: true,
        includeAll: false,
        hide: 2,
        refresh: 2,
        sort: 0,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
      {
        type: "query",
        name: "slowest_paths",
        description:
          "The 10 selected endpoints with the highest p99 latency at the end of the time range shown.",
        datasource: PROMETHEUS,
        query:
          'query_result(topk(10, max by (path) (job_path:http_request_duration_seconds:p99_rate5m{job="backend", path=~"$path"})))',
        definition:
          'query_result(topk(10, max by (path) (job_path:http_request_duration_seconds:p99_rate5m{job="backend", path=~"$path"})))',
        regex: '/path="([^"]*)"/',
        multi: true,
        includeAll: false,
        hide: 2,
        refresh: 2,
        sort: 0,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
      {
        type: "query",
        name: "cpu_containers",
        description: "The 10 containers using the most CPU at the end of the time range shown.",
        datasource: PROMETHEUS,
        query: "query_result(topk(10, sum by (name) (name:container_cpu_usage_seconds:rate5m)))",
        definition:
          "query_result(topk(10, sum by (name) (name:container_cpu_usage_seconds:rate5m)))",
        regex: '/name="([^"]*)"/',
        multi: true,
        includeAll: false,
        hide: 2,
        refresh: 2,
        sort: 0,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
      {
        type: "query",
        name: "memory_containers",
        description:
          "The 10 containers with the largest working set at the end of the time range shown.",
        datasource: PROMETHEUS,
        query:
          'query_result(topk(10, max by (name) (container_memory_working_set_bytes{name!=""})))',
        definition:
          'query_result(topk(10, max by (name) (container_memory_working_set_bytes{name!=""})))',
        regex: '/name="([^"]*)"/',
        multi: true,
        includeAll: false,
        hide: 2,
        refresh: 2,
        sort: 0,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
      {
        type: "query",
        name: "memory_ratio_containers",
        description:
          "The 10 containers closest to their memory limit at the end of the time range shown.",
        datasource: PROMETHEUS,
        query:
          "query_result(topk(10, max by (name) (name:container_memory_working_set_bytes:ratio_limit)))",
        definition:
          "query_result(topk(10, max by (name) (name:container_memory_working_set_bytes:ratio_limit)))",
        regex: '/name="([^"]*)"/',
        multi: true,
        includeAll: false,
        hide: 2,
        refresh: 2,
        sort: 0,
        skipUrlSync: false,
        allowCustomValue: true,
        auto: false,
        auto_min: "10s",
        auto_count: 30,
      },
    ]);
  });

  test("the multi-valued $path is only ever used in a regex matcher", () => {
    // Grafana joins several endpoints as a|b: only =~ reads that as either
    const outside = dashboardQueries()
      .map((q) => [q.panel, q.refId, q.expr.replaceAll('path=~"$path"', "")])
      .filter(([, , rest]) => rest.includes("$path"));
    expect(outside).toEqual([]);
  });
});

describe("overviewDashboard layout", () => {
  const panels = rendered().panels;

  test("every panel lies within the 24-column grid", () => {
    const outside = panels.filter(
      ({ gridPos: g }) => g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > 24,
    );
    expect(outside).toEqual([]);
  });

  test("no two panels cover the same cell", () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const p of panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const cell = `${String(x)},${String(y)}`;
          const other = owner.get(cell);
          if (other !== undefined) {
            clashes.push(`${p.title} overlaps ${other} at ${cell}`);
          }
          owner.set(cell, p.title);
        }
      }
    }
    expect(clashes).toEqual([]);
  });

  test("rows are full width and one unit high; each panel sits below its row, before the next", () => {
    const rows = panels.filter((p) => p.type === "row");
    expect(rows.map((r) => [r.gridPos.x, r.gridPos.w, r.gridPos.h])).toEqual(
      rows.map(() => [0, 24, 1]),
    );
    const misplaced = panels
      .filter((p, i) => {
        if (p.type === "row") {
          return false;
        }
        const own = panels
          .slice(0, i)
          .filter((q) => q.type === "row")
          .at(-1);
        const next = panels.slice(i).find((q) => q.type === "row");
        const top = (own?.gridPos.y ?? Number.POSITIVE_INFINITY) + 1;
        const bottom = next?.gridPos.y ?? Number.POSITIVE_INFINITY;
        return p.gridPos.y < top || p.gridPos.y + p.gridPos.h > bottom;
      })
      .map((p) => p.title);
    expect(misplaced).toEqual([]);
  });

  test("the grid has no holes: each line of a row is filled across the 24 columns", () => {
    const bottom = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h));
    const width = (y: number): number =>
      panels
        .filter((p) => p.gridPos.y <= y && y < p.gridPos.y + p.gridPos.h)
        .reduce((sum, p) => sum + p.gridPos.w, 0);
    const lines = Array.from({ length: bottom }, (_, y) => width(y));
    expect(lines).toEqual(lines.map(() => 24));
  });
});

describe("dashboardQueries", () => {
  test("lists every panel's queries, read from the model, with each query's datasource", () => {
    expect(dashboardQueries()).toEqual(
      EXPECTED_VISUALS.flatMap((p) =>
        (p.queries ?? []).map((q) => ({
          panel: p.title,
          refId: q.refId,
          datasourceUid: p.type === "logs" ? LOKI.uid : PROMETHEUS.uid,
          expr: q.expr,
        })),
      ),
    );
  });

  test("reads the panels of a collapsed row too, and falls back to the panel's datasource", () => {
    // Given a model whose only panel sits in a collapsed row and whose query names no datasource
    const model = overviewDashboard();
    model.panels = [
      {
        type: "row",
        id: 1,
        title: "Folded",
        collapsed: true,
        panels: [
          {
            type: "timeseries",
            title: "Inside",
            datasource: { type: "prometheus", uid: "ds-panel" },
            targets: [
              { refId: "Z", expr: "up", _implementsDataqueryVariant: () => undefined } as never,
            ],
          },
        ],
      },
    ];
    // Then its query is found, on the panel's datasource
    expect(dashboardQueries(model)).toEqual<DashboardQuery[]>([
      { panel: "Inside", refId: "Z", datasourceUid: "ds-panel", expr: "up" },
    ]);
  });
});

describe("every dashboard query parses with the official grammar", () => {
  const queries = dashboardQueries();

  const named = (uid: string) =>
    queries
      .filter((q) => q.datasourceUid === uid)
      .map((q) => [`${q.panel} (${q.refId})`, q] as const);

  test.each(named(PROMETHEUS.uid))("PromQL of %s", (_, q) => {
    expectPromQL(q.expr, VARIABLE_VALUES);
  });

  test.each(named(LOKI.uid))("LogQL of %s, filtered and unfiltered", (_, q) => {
    expectLogQL(q.expr, VARIABLE_VALUES);
    expectLogQL(q.expr, { ...VARIABLE_VALUES, log_filter: "" });
  });

  test("the endpoint variable's label_values selector is PromQL", () => {
    const path = rendered().templating.list.find((v) => v.name === "path");
    expect(() => {
      expectPrometheusVariableQuery(String(path?.query));
    }).not.toThrow();
  });

  test.each([
    "busiest_paths",
    "slowest_paths",
    "cpu_containers",
    "memory_containers",
    "memory_ratio_containers",
  ])("the hidden variable %s's query_result is PromQL", (name) => {
    const variable = rendered().templating.list.find((v) => v.name === name);
    expect(() => {
      expectPrometheusVariableQuery(String(variable?.query), VARIABLE_VALUES);
    }).not.toThrow();
  });
});

describe("grammar helpers", () => {
  test("substitute Grafana's built-in and dashboard variables in all their spellings", () => {
    expect(
      substituteGrafanaVariables(
        'rate(x{path=~"$path", a="${path}", b="${path:regex}", c="[[path]]"}[$__rate_interval]) @ $__range_s',
        { path: ".*" },
      ),
    ).toBe('rate(x{path=~".*", a=".*", b=".*", c=".*"}[1m]) @ 21600');
  });

  test("leave capture-group references alone", () => {
    expect(substituteGrafanaVariables('label_replace(up, "a", "${1}xx", "b", "(.)")')).toBe(
      'label_replace(up, "a", "${1}xx", "b", "(.)")',
    );
  });

  test("reject a variable with no value, even inside a string", () => {
    expect(() => {
      substituteGrafanaVariables('up{path=~"$pth"}', { path: ".*" });
    }).toThrow('unknown Grafana variable $pth in up{path=~"$pth"}');
  });

  test("report where a query stops parsing", () => {
    expect(syntaxErrors(promqlParser, "sum by (job) (up")).toEqual([{ from: 16, to: 16 }]);
    expect(syntaxErrors(promqlParser, "sum by (job) (up)")).toEqual([]);
  });

  test.each([
    ["an unclosed call", "sum by (path) (rate(http_requests_total[5m])"],
    ["a missing range", "rate(http_requests_total)[]"],
    ["a by clause without parentheses", "histogram_quantile(0.99, sum by le (x))"],
    ["two selectors side by side", "up down"],
    ["an empty query", ""],
  ])("reject broken PromQL: %s", (_, expr) => {
    expect(() => {
      expectPromQL(expr);
    }).toThrow(/^PromQL/);
  });

  test.each([
    ["an unclosed selector", '{container_name="timemanager-backend"'],
    ["a line filter without a string", '{container_name="timemanager-backend"} |='],
    ["no stream selector", '|= "ERROR"'],
  ])("reject broken LogQL: %s", (_, expr) => {
    expect(() => {
      expectLogQL(expr);
    }).toThrow(/^LogQL syntax error/);
  });

  test("accept and reject TraceQL", () => {
    expect(() => {
      expectTraceQL('{ resource.service.name = "backend" && span.http.status_code >= 500 }');
    }).not.toThrow();
    expect(() => {
      expectTraceQL("{ span.http.status_code >= }");
    }).toThrow(/^TraceQL syntax error/);
  });

  test("reject a variable query that is neither label_values() nor query_result()", () => {
    expect(() => {
      expectPrometheusVariableQuery("label_names()");
    }).toThrow("not a label_values() or query_result() variable query: label_names()");
    expect(() => {
      expectPrometheusVariableQuery('label_values(up{job="backend", path)');
    }).toThrow(/^PromQL syntax error/);
  });
});
