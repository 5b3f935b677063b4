import {
  dashboardQueries,
  overviewDashboard,
} from "../../../../components/observability/grafana/dashboard";
import {
  renderSloDashboard,
  sloDashboard,
} from "../../../../components/observability/grafana/slo-dashboard";
import { DEFAULT_SLO } from "../../../../config";
import { expectPromQL } from "../../../helpers/grammars";

/** The parts of the rendered JSON these tests read. */
interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Target {
  refId: string;
  expr: string;
  legendFormat: string;
  datasource: { type: string; uid: string };
  editorMode: string;
  range: boolean;
  instant: boolean;
}
interface Step {
  value: number | null;
  color: string;
}
interface RenderedPanel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  noValue?: string;
  fieldConfig?: {
    defaults: { unit?: string; noValue?: string; thresholds?: { steps: Step[] } };
  };
}
interface Link {
  title: string;
  type: string;
  url: string;
}
interface RenderedDashboard {
  uid: string;
  title: string;
  tags: string[];
  refresh: string;
  editable: boolean;
  links: Link[];
  panels: RenderedPanel[];
}

const rendered = (spec = DEFAULT_SLO): RenderedDashboard =>
  JSON.parse(renderSloDashboard(spec)) as RenderedDashboard;

const PROMETHEUS = { type: "prometheus", uid: "timemanager-prometheus" };

interface Expected {
  id: number;
  type: "row" | "stat" | "bargauge";
  title: string;
  gridPos: GridPos;
  unit?: string;
  /** refId, legend, expr */
  queries?: [string, string, string][];
  steps?: Step[];
}

const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
const BURN_STEPS: Step[] = [
  { value: null, color: "green" },
  { value: 1, color: "yellow" },
  { value: 3, color: "orange" },
  { value: 6, color: "red" },
  { value: 14.4, color: "dark-red" },
];

/** One objective's row and panels, written out here rather than taken from the code. */
function objective(
  first: number,
  y: number,
  name: string,
  sli: string,
  budget: string,
  heading: string,
  objectiveRatio: number,
): Expected[] {
  return [
    { id: first, type: "row", title: `${name}: ${heading}`, gridPos: { x: 0, y, w: 24, h: 1 } },
    {
      id: first + 1,
      type: "stat",
      title: `${name} over 30 days`,
      gridPos: { x: 0, y: y + 1, w: 8, h: 5 },
      unit: "percentunit",
      queries: [["A", "{{job}}", `1 - job:slo_${sli}_errors:ratio_rate30d`]],
      steps: [
        { value: null, color: "red" },
        { value: objectiveRatio, color: "green" },
      ],
    },
    {
      id: first + 2,
      type: "stat",
      title: `${name} error budget left`,
      gridPos: { x: 8, y: y + 1, w: 8, h: 5 },
      unit: "percentunit",
      queries: [["A", "{{job}}", `job:slo_${sli}_error_budget:remaining`]],
      steps: [
        { value: null, color: "red" },
        { value: 0, color: "orange" },
        { value: 0.25, color: "green" },
      ],
    },
    {
      id: first + 3,
      type: "stat",
      title: `${name} budget gone in`,
      gridPos: { x: 16, y: y + 1, w: 8, h: 5 },
      unit: "s",
      queries: [
        [
          "A",
          "{{job}}",
          `clamp_min(job:slo_${sli}_error_budget:remaining, 0) * 2592000 / (job:slo_${sli}_errors:ratio_rate1h / ${budget} > 0)`,
        ],
      ],
      steps: [
        { value: null, color: "red" },
        { value: 86400, color: "orange" },
        { value: 604800, color: "green" },
      ],
    },
    {
      id: first + 4,
      type: "bargauge",
      title: `${name} burn rate per window`,
      gridPos: { x: 0, y: y + 6, w: 24, h: 7 },
      unit: "suffix:x",
      queries: WINDOWS.map((w, i) => [
        "ABCDEFG".charAt(i),
        w,
        `job:slo_${sli}_errors:ratio_rate${w} / ${budget}`,
      ]),
      steps: BURN_STEPS,
    },
  ];
}

const EXPECTED: Expected[] = [
  ...objective(
    1,
    0,
    "Availability",
    "availability",
    "0.005",
    "99.5 % of requests not answered 5xx over 30 days",
    0.995,
  ),
  ...objective(
    6,
    13,
    "Latency",
    "latency",
    "0.01",
    "99 % of requests answered within 1 s over 30 days",
    0.99,
  ),
];

describe("sloDashboard", () => {
  it("is the stable, editable 'Time Manager SLOs', refreshed every minute", () => {
    // Given the SLO dashboard at the default objectives
    const model = rendered();

    // When its identity is read
    const { uid, title, tags, refresh, editable } = model;

    // Then it is the one the overview links to
    expect({ uid, title, tags, refresh, editable }).toEqual({
      uid: "timemanager-slos",
      title: "Time Manager SLOs",
      tags: ["timemanager", "slo"],
      refresh: "1m",
      editable: true,
    });
  });

  it("links to the overview, and the overview links to it", () => {
    // Given both dashboards
    const overview = overviewDashboard();
    const slos = rendered();

    // When their header links are read
    const links = (model: { links?: unknown }) =>
      (model.links as Link[]).map((l) => [l.title, l.type, l.url]);

    // Then each opens the other by its uid
    expect(links(overview)).toEqual([["SLOs", "link", "/d/timemanager-slos"]]);
    expect(links(slos)).toEqual([["Overview", "link", "/d/timemanager-overview"]]);
    expect(overview.uid).toBe("timemanager-overview");
  });

  it("holds exactly the expected rows and panels, in order", () => {
    // Given the rendered panels
    const panels = rendered().panels;

    // When they are listed
    // Then they are each objective's row, three stats and the burn rates
    expect(panels.map((p) => [p.id, p.type, p.title])).toEqual(
      EXPECTED.map((p) => [p.id, p.type, p.title]),
    );
  });

  it.each(EXPECTED.filter((p) => p.type !== "row").map((p) => [p.title, p] as const))(
    "panel %s: position, unit, thresholds and instant queries on Prometheus",
    (title, expected) => {
      // Given the panel
      const panel = rendered().panels.find((p) => p.title === title);

      // When its settings and queries are read
      const actual = {
        type: panel?.type,
        gridPos: panel?.gridPos,
        datasource: panel?.datasource,
        unit: panel?.fieldConfig?.defaults.unit,
        steps: panel?.fieldConfig?.defaults.thresholds?.steps,
        queries: (panel?.targets ?? []).map((t) => [t.refId, t.legendFormat, t.expr]),
        modes: (panel?.targets ?? []).map((t) => [t.datasource, t.editorMode, t.instant, t.range]),
      };

      // Then they are the expected ones: every query instant, so it shows the value now
      expect(actual).toEqual({
        type: expected.type,
        gridPos: expected.gridPos,
        datasource: PROMETHEUS,
        unit: expected.unit,
        steps: expected.steps,
        queries: expected.queries,
        modes: (expected.queries ?? []).map(() => [PROMETHEUS, "code", true, false]),
      });
    },
  );

  it('says "Not burning" when the budget is not burning', () => {
    // Given the time-until-gone stats
    const stats = rendered().panels.filter((p) => p.title.endsWith("budget gone in"));

    // When their no-value text is read
    // Then it says so
    expect(stats.map((p) => p.fieldConfig?.defaults.noValue)).toEqual([
      "Not burning",
      "Not burning",
    ]);
  });

  it("fills the 24-column grid without holes or overlaps", () => {
    // Given the panels' positions
    const panels = rendered().panels;

    // When each grid line's width is summed
    const bottom = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h));
    const width = (y: number): number =>
      panels
        .filter((p) => p.gridPos.y <= y && y < p.gridPos.y + p.gridPos.h)
        .reduce((sum, p) => sum + p.gridPos.w, 0);

    // Then every line is exactly full
    expect(Array.from({ length: bottom }, (_, y) => width(y))).toEqual(
      Array.from({ length: bottom }, () => 24),
    );
  });

  it("follows the settings: objective, threshold and window", () => {
    // Given a stack with 99.9 % availability, 95 % within 0.25 s, over 28 days
    const spec = {
      availabilityObjective: 99.9,
      latencyObjective: 95,
      latencyThresholdSeconds: 0.25,
      windowDays: 28,
    };

    // When its dashboard's queries, titles and SLI thresholds are read
    const model = rendered(spec);
    const exprs = model.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const greens = model.panels
      .filter((p) => p.type === "stat" && p.title.includes("over 28 days"))
      .map((p) => p.fieldConfig?.defaults.thresholds?.steps[1]?.value);

    // Then the budgets, the window and the objectives are the stack's
    expect(exprs).toEqual(
      expect.arrayContaining([
        "1 - job:slo_availability_errors:ratio_rate28d",
        "job:slo_availability_errors:ratio_rate1h / 0.001",
        "job:slo_latency_errors:ratio_rate1h / 0.05",
        `clamp_min(job:slo_latency_error_budget:remaining, 0) * ${String(28 * 86400)} / (job:slo_latency_errors:ratio_rate1h / 0.05 > 0)`,
      ]),
    );
    expect(model.panels.filter((p) => p.type === "row").map((p) => p.title)).toEqual([
      "Availability: 99.9 % of requests not answered 5xx over 28 days",
      "Latency: 95 % of requests answered within 0.25 s over 28 days",
    ]);
    expect(greens).toEqual([0.999, 0.95]);
  });

  it("renders the model as indented JSON", () => {
    expect(renderSloDashboard(DEFAULT_SLO)).toBe(
      JSON.stringify(sloDashboard(DEFAULT_SLO), null, 2),
    );
  });
});

describe("every SLO dashboard query", () => {
  const queries = dashboardQueries(sloDashboard(DEFAULT_SLO));

  it("is one of the 20 expected, each on the Prometheus datasource", () => {
    expect(queries.map((q) => [q.panel, q.refId, q.datasourceUid, q.expr])).toEqual(
      EXPECTED.flatMap((p) =>
        (p.queries ?? []).map(([refId, , expr]) => [p.title, refId, PROMETHEUS.uid, expr]),
      ),
    );
    expect(queries).toHaveLength(20);
  });

  it.each(queries.map((q) => [`${q.panel} (${q.refId})`, q.expr] as const))(
    "%s parses with the official PromQL grammar",
    (_, expr) => {
      expectPromQL(expr);
    },
  );
});
