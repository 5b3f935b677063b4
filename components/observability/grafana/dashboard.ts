/* eslint-disable @typescript-eslint/no-deprecated --
 * foundation-sdk 0.0.21 deprecates the classic dashboard model for dashboardv2, but the Grafana
 * provider's Dashboard resource (configJson, /api/dashboards/db) takes the classic model only.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { GRAFANA_UIDS, JOBS } from "../names";
import { RECORDED } from "../prometheus/rules";
import * as panels from "./panels";

/** The dashboard's title, as the seed names it. */
export const DASHBOARD_TITLE = "Time Manager Overview";

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

/** A panel builder the layout can place: every foundation-sdk panel builder is one. */
interface PlaceablePanel extends cog.Builder<dashboard.Panel> {
  id(id: number): unknown;
  gridPos(gridPos: dashboard.GridPos): unknown;
}

/** One panel of a row: how to build it, and its size. */
export interface PanelSlot {
  readonly panel: () => PlaceablePanel;
  /** Width in grid columns. */
  readonly w: number;
  /** Height in grid rows. */
  readonly h: number;
}

/** A row of a dashboard: its title and its panels, left to right, wrapped at 24 columns. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSlot[];
}

const GRAPH_HEIGHT = 8;
const LOGS_HEIGHT = 10;

/** The seed's rows, in its order, then the app's own metrics, Traefik and the logs. */
const ROWS: readonly RowSpec[] = [
  { title: "Health Status", panels: [{ panel: panels.servicesUpPanel, w: 24, h: 4 }] },
  {
    title: "Request Rate",
    panels: [
      { panel: panels.requestRateByPathPanel, w: 16, h: GRAPH_HEIGHT },
      { panel: panels.requestRateTotalPanel, w: 8, h: GRAPH_HEIGHT },
    ],
  },
  {
    title: "Latency",
    panels: [
      { panel: panels.latencyQuantilesPanel, w: 12, h: GRAPH_HEIGHT },
      { panel: panels.latencyP99ByPathPanel, w: 12, h: GRAPH_HEIGHT },
    ],
  },
  {
    title: "Error Rate",
    panels: [
      { panel: panels.errorRatePanel, w: 12, h: GRAPH_HEIGHT },
      { panel: panels.errorRatioPanel, w: 12, h: GRAPH_HEIGHT },
    ],
  },
  {
    title: "Resources",
    panels: [
      { panel: panels.containerCpuPanel, w: 8, h: GRAPH_HEIGHT },
      { panel: panels.containerMemoryPanel, w: 8, h: GRAPH_HEIGHT },
      { panel: panels.containerMemoryRatioPanel, w: 8, h: GRAPH_HEIGHT },
    ],
  },
  {
    title: "Application",
    panels: [
      { panel: panels.dbPoolConnectionsPanel, w: 12, h: GRAPH_HEIGHT },
      { panel: panels.loginAttemptsPanel, w: 12, h: GRAPH_HEIGHT },
    ],
  },
  {
    title: "Traefik",
    panels: [
      { panel: panels.traefikRequestsPanel, w: 8, h: GRAPH_HEIGHT },
      { panel: panels.traefikDurationPanel, w: 8, h: GRAPH_HEIGHT },
      { panel: panels.traefikStatusPanel, w: 8, h: GRAPH_HEIGHT },
    ],
  },
  {
    title: "Logs",
    panels: [
      { panel: panels.backendLogsPanel, w: 24, h: LOGS_HEIGHT },
      { panel: panels.backendErrorsPanel, w: 24, h: LOGS_HEIGHT },
    ],
  },
];

function pathVariable(): dashboard.QueryVariableBuilder {
  const query = `label_values(${RECORDED.requestRateByPathClass}{job="${JOBS.backend}"}, path)`;
  return (
    new dashboard.QueryVariableBuilder(panels.VARIABLES.path)
      .label("Endpoint")
      .description("Backend endpoints the request, latency and error panels show.")
      .datasource(panels.prometheusDatasource())
      .query(query)
      .definition(query)
      .multi(true)
      .includeAll(true)
      // One regex instead of an alternation of every path Prometheus knows.
      .allValue(".*")
      .current({ selected: true, text: ["All"], value: ["$__all"] })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
  );
}

/** A hidden variable of the top lines a panel draws (panels.TOP_VARIABLES). */
function topVariable(v: panels.TopVariable): dashboard.QueryVariableBuilder {
  const query = panels.topVariableQuery(v);
  return new dashboard.QueryVariableBuilder(v.name)
    .description(v.description)
    .datasource(panels.prometheusDatasource())
    .query(query)
    .definition(query)
    .regex(panels.topVariableRegex(v))
    .multi(true)
    .includeAll(false)
    .hide(dashboard.VariableHide.HideVariable)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.Disabled);
}

function logFilterVariable(): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder(panels.VARIABLES.logFilter)
    .label("Log filter")
    .description("Text the backend log lines must contain, e.g. ERROR; empty shows every line.")
    .defaultValue("")
    .current({ text: "", value: "" });
}

/**
 * Places `rows` on the dashboard. Rows are expanded, so their panels follow them in the
 * top-level panel list (Grafana's layout); every row and panel gets an explicit id and gridPos,
 * stacked row after row and wrapped at 24 columns.
 */
export function layOutRows(builder: dashboard.DashboardBuilder, rows: readonly RowSpec[]): void {
  let id = 1;
  let y = 0;
  for (const row of rows) {
    builder.withRow(
      new dashboard.RowBuilder(row.title).id(id++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 }),
    );
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const slot of row.panels) {
      if (x + slot.w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const panel = slot.panel();
      panel.id(id++);
      panel.gridPos({ x, y, w: slot.w, h: slot.h });
      builder.withPanel(panel);
      x += slot.w;
      lineHeight = Math.max(lineHeight, slot.h);
    }
    y += lineHeight;
  }
}

/** A link in the dashboard's header to another dashboard of the stack, by its uid. */
export function dashboardLink(
  title: string,
  uid: string,
  tooltip: string,
): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(`/d/${uid}`)
    .tooltip(tooltip)
    .icon("dashboard")
    .asDropdown(false)
    .targetBlank(false)
    .includeVars(false)
    .keepTime(false);
}

/** The overview dashboard's model: the seed's rows, then the app's metrics, Traefik and logs. */
export function overviewDashboard(): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(DASHBOARD_TITLE)
    .uid(GRAFANA_UIDS.dashboard)
    .description("Health, traffic, latency, errors, resources and logs of the Time Manager app.")
    .tags(["timemanager", "observability"])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh("30s")
    .time({ from: "now-6h", to: "now" })
    .timezone("browser")
    .link(
      dashboardLink(
        "SLOs",
        GRAFANA_UIDS.sloDashboard,
        "The backend's service level objectives: error budgets left and burn rates.",
      ),
    )
    .withVariable(pathVariable())
    .withVariable(logFilterVariable());
  // After $path, which the endpoints' rankings read.
  for (const v of panels.TOP_VARIABLES) builder.withVariable(topVariable(v));
  layOutRows(builder, ROWS);
  return builder.build();
}

/** The dashboard JSON Grafana imports. */
export function renderDashboard(): string {
  return JSON.stringify(overviewDashboard(), null, 2);
}

/** One query of one panel, as Grafana would send it to the datasource. */
export interface DashboardQuery {
  /** Title of the panel the query belongs to. */
  readonly panel: string;
  readonly refId: string;
  /** UID of the datasource the query runs on: the target's own, else the panel's. */
  readonly datasourceUid: string;
  /** The PromQL or LogQL text, Grafana variables not yet substituted. */
  readonly expr: string;
}

function isRef(value: unknown): value is common.DataSourceRef {
  return typeof value === "object" && value !== null;
}

function isRow(panel: dashboard.Panel | dashboard.RowPanel): panel is dashboard.RowPanel {
  return panel.type === "row";
}

/**
 * Every query of a dashboard model, read from its panels, those of collapsed rows included, so
 * that tests and live checks see exactly what Grafana runs.
 */
export function dashboardQueries(
  model: dashboard.Dashboard = overviewDashboard(),
): DashboardQuery[] {
  const all = (model.panels ?? []).flatMap((p) => (isRow(p) ? p.panels : [p]));
  return all.flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      const title = panel.title ?? "";
      if (!("expr" in target) || typeof target.expr !== "string") {
        throw new Error(`panel "${title}": a target without an expr`);
      }
      const refId = "refId" in target && typeof target.refId === "string" ? target.refId : "";
      const own =
        "datasource" in target && isRef(target.datasource) ? target.datasource : undefined;
      const datasourceUid = own?.uid ?? panel.datasource?.uid;
      if (datasourceUid === undefined) {
        throw new Error(`panel "${title}", query ${refId}: no datasource`);
      }
      return { panel: title, refId, datasourceUid, expr: target.expr };
    }),
  );
}
