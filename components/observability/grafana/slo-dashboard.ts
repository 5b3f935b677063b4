/* eslint-disable @typescript-eslint/no-deprecated --
 * foundation-sdk 0.0.21 deprecates the classic dashboard model for dashboardv2, but the Grafana
 * provider's Dashboard resource (configJson, /api/dashboards/db) takes the classic model only.
 */
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import { GRAFANA_UIDS } from "../names";
import {
  ALERT_WINDOWS,
  BURN_RATE_ALERTS,
  budgetRemainingRecord,
  burnRateExpr,
  errorRatioRecord,
  exhaustionExpr,
  objectiveOf,
  objectiveRatio,
  objectiveText,
  type Sli,
  SLIS,
  type SloSpec,
  sliExpr,
  sloWindow,
} from "../slo";
import { dashboardLink, layOutRows, type RowSpec } from "./dashboard";
import { prometheusDatasource, promQuery } from "./panels";

/** The SLO dashboard's title. */
export const SLO_DASHBOARD_TITLE = "Time Manager SLOs";

/** The window whose burn rate tells how long the budget left lasts: the fast page's long one. */
export const EXHAUSTION_WINDOW = "1h";

const NAMES: Readonly<Record<Sli, string>> = { availability: "Availability", latency: "Latency" };

const STAT_HEIGHT = 5;
const BURN_HEIGHT = 7;

const DAY = 86400;

/** Steps of a panel's thresholds, the first from minus infinity. */
function thresholds(
  steps: readonly (readonly [number | null, string])[],
): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

/**
 * The base of the SLO stats: one instant query (the value now, whatever the time range), its
 * last value, coloured by thresholds.
 */
function statPanel(
  title: string,
  description: string,
  unit: string,
  expr: string,
): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(prometheusDatasource())
    .withTarget(promQuery("A", expr, "{{job}}").instant())
    .unit(unit)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Value)
    .justifyMode(common.BigValueJustifyMode.Center)
    .orientation(common.VizOrientation.Auto);
}

/** The SLI over the SLO window: red under the objective, green at or above it. */
export function sliPanel(spec: SloSpec, sli: Sli): stat.PanelBuilder {
  return statPanel(
    `${NAMES[sli]} over ${String(spec.windowDays)} days`,
    `Share of the backend's requests that met the objective (${objectiveText(spec, sli)}) over the SLO window. Recorded: ${errorRatioRecord(sli, sloWindow(spec))}.`,
    "percentunit",
    sliExpr(spec, sli),
  )
    .decimals(3)
    .thresholds(
      thresholds([
        [null, "red"],
        [objectiveRatio(objectiveOf(spec, sli)), "green"],
      ]),
    );
}

/** What is left of the window's error budget: red once it is spent. */
export function budgetLeftPanel(spec: SloSpec, sli: Sli): stat.PanelBuilder {
  return statPanel(
    `${NAMES[sli]} error budget left`,
    `Share of the ${String(spec.windowDays)}-day error budget not yet spent: 100 % untouched, 0 % spent, below 0 overspent. Recorded: ${budgetRemainingRecord(sli)}.`,
    "percentunit",
    budgetRemainingRecord(sli),
  )
    .decimals(1)
    .thresholds(
      thresholds([
        [null, "red"],
        [0, "orange"],
        [0.25, "green"],
      ]),
    );
}

/** When the budget left is gone if errors keep coming as over the last hour. */
export function exhaustionPanel(spec: SloSpec, sli: Sli): stat.PanelBuilder {
  return statPanel(
    `${NAMES[sli]} budget gone in`,
    `How long what is left of the error budget lasts if bad requests keep coming as fast as over the last ${EXHAUSTION_WINDOW}; "Not burning" when there was none.`,
    "s",
    exhaustionExpr(spec, sli, EXHAUSTION_WINDOW),
  )
    .noValue("Not burning")
    .thresholds(
      thresholds([
        [null, "red"],
        [DAY, "orange"],
        [7 * DAY, "green"],
      ]),
    );
}

/** The alerts in words, e.g. "page at 14.4x over 1h and 5m, ...". */
function alertsText(): string {
  return BURN_RATE_ALERTS.map(
    (a) => `${a.severity} at ${String(a.factor)}x over ${a.long} and ${a.short}`,
  ).join(", ");
}

/** The burn rate over every alert window, coloured at the alerts' factors. */
export function burnRatePanel(spec: SloSpec, sli: Sli): bargauge.PanelBuilder {
  const factors = [...new Set(BURN_RATE_ALERTS.map((a) => a.factor))].sort((a, b) => a - b);
  const colors = ["yellow", "orange", "red", "dark-red"];
  const panel = new bargauge.PanelBuilder()
    .title(`${NAMES[sli]} burn rate per window`)
    .description(
      `How many times faster than the objective allows the error budget is spent, over each window the alerts look at (1x spends it exactly over ${String(spec.windowDays)} days). The alerts: ${alertsText()}.`,
    )
    .datasource(prometheusDatasource())
    .unit("suffix:x")
    .decimals(2)
    .min(0)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .thresholds(thresholds([[null, "green"], ...factors.map((f, i) => [f, colors[i]] as const)]))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .valueMode(common.BarGaugeValueMode.Color)
    .namePlacement(common.BarGaugeNamePlacement.Auto)
    .showUnfilled(true)
    .sizing(common.BarGaugeSizing.Auto)
    .orientation(common.VizOrientation.Vertical);
  ALERT_WINDOWS.forEach((window, i) => {
    const refId = String.fromCharCode("A".charCodeAt(0) + i);
    panel.withTarget(promQuery(refId, burnRateExpr(spec, sli, window), window).instant());
  });
  return panel;
}

/** One row per objective: its SLI, budget left and time to exhaustion, then its burn rates. */
function rows(spec: SloSpec): RowSpec[] {
  return SLIS.map((sli) => ({
    title: `${NAMES[sli]}: ${objectiveText(spec, sli)}`,
    panels: [
      { panel: () => sliPanel(spec, sli), w: 8, h: STAT_HEIGHT },
      { panel: () => budgetLeftPanel(spec, sli), w: 8, h: STAT_HEIGHT },
      { panel: () => exhaustionPanel(spec, sli), w: 8, h: STAT_HEIGHT },
      { panel: () => burnRatePanel(spec, sli), w: 24, h: BURN_HEIGHT },
    ],
  }));
}

/**
 * The SLO dashboard's model: both objectives of the backend, every value an instant query on
 * the SLO recording rules, so that it shows now's budget whatever the time range.
 */
export function sloDashboard(spec: SloSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(SLO_DASHBOARD_TITLE)
    .uid(GRAFANA_UIDS.sloDashboard)
    .description(
      `Error budgets of the Time Manager backend: ${SLIS.map((sli) => objectiveText(spec, sli)).join("; ")}.`,
    )
    .tags(["timemanager", "slo"])
    .editable()
    .refresh("1m")
    .time({ from: "now-24h", to: "now" })
    .timezone("browser")
    .link(
      dashboardLink(
        "Overview",
        GRAFANA_UIDS.dashboard,
        "Health, traffic, latency, errors, resources and logs of the Time Manager app.",
      ),
    );
  layOutRows(builder, rows(spec));
  return builder.build();
}

/** The SLO dashboard JSON Grafana imports. */
export function renderSloDashboard(spec: SloSpec): string {
  return JSON.stringify(sloDashboard(spec), null, 2);
}
