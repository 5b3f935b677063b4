import { ruleInput, sloAlerts } from "../../components/observability/grafana/alerts";
import { dashboardQueries } from "../../components/observability/grafana/dashboard";
import { sloDashboard } from "../../components/observability/grafana/slo-dashboard";
import type { SloSpec } from "../../components/observability/slo";
import { LATENCY_BOUNDS, MODELS, MODES, type Mode, expectedValues } from "../helpers/exporter";
import { describeWithTool } from "../helpers/tools";
import { startPrometheusStack, type PrometheusStack } from "./prometheus-stack";

/*
 * Every query of the SLO dashboard and of the SLO alerts (their condition A and their annotation
 * query C), run on a real Prometheus that loads the rules rendered for the objectives below and
 * scrapes the synthetic exporter, once healthy and once bad. The exporter's rates are constant
 * from its origin, so every window's ratio is the exporter's own, and so are the burn rates, the
 * budgets left and the alerts over their factors.
 */

/**
 * Objectives chosen so that the exporter's rates land well away from every factor: healthy,
 * 0.5 % of requests fail (5x a 0.1 % budget: the tickets fire) and 5 % take over 0.5 s (0.625x
 * an 8 % budget: nothing fires, the budget lasts); bad, 50 % fail (500x) and 60 % are slow
 * (7.5x: both tickets and the 6x page).
 */
const SLO: SloSpec = {
  availabilityObjective: 99.9,
  latencyObjective: 92,
  latencyThresholdSeconds: 0.5,
  windowDays: 7,
};
const BUDGET = { availability: 0.001, latency: 0.08 } as const;
const WINDOW_SECONDS = 7 * 86400;
const WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

/** What the exporter serves: the share of bad requests of each SLI. */
function badShares(mode: Mode): { availability: number; latency: number } {
  const { latencyShares } = MODELS[mode];
  const slowPercent = LATENCY_BOUNDS.reduce(
    (sum, upper, i) => (upper > SLO.latencyThresholdSeconds ? sum + (latencyShares[i] ?? 0) : sum),
    0,
  );
  return { availability: expectedValues(mode).errorRatio, latency: slowPercent / 100 };
}

/** Relative tolerance: rate() over a window the scrapes just left can be off by half a scrape. */
const TOLERANCE = 0.02;

function near(expected: number): unknown {
  const precision = expected === 0 ? 9 : -Math.log10(2 * TOLERANCE * Math.abs(expected));
  return expect.closeTo(expected, precision);
}

/** One instant query's series: the backend's value, or nothing. */
async function backendValue(url: string, expr: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== "success" || body.data === undefined) {
    throw new Error(`${expr}: Prometheus answered ${body.error ?? body.status}`);
  }
  const series = body.data.result;
  if (series.some((s) => s.metric.job !== "backend") || series.length > 1) {
    throw new Error(`${expr}: series other than the backend's: ${JSON.stringify(series)}`);
  }
  return series.length === 0 ? undefined : Number(series[0]?.value[1]);
}

/** The value each SLO dashboard query must show, by panel and refId; undefined: no data. */
function dashboardExpectations(mode: Mode): Record<string, number | undefined> {
  const bad = badShares(mode);
  const out: Record<string, number | undefined> = {};
  for (const [sli, name] of [
    ["availability", "Availability"],
    ["latency", "Latency"],
  ] as const) {
    const burn = bad[sli] / BUDGET[sli];
    const left = 1 - burn;
    out[`${name} over 7 days A`] = 1 - bad[sli];
    out[`${name} error budget left A`] = left;
    out[`${name} budget gone in A`] =
      burn === 0 ? undefined : (Math.max(left, 0) * WINDOW_SECONDS) / burn;
    WINDOWS.forEach((_, i) => {
      out[`${name} burn rate per window ${"ABCDEFG".charAt(i)}`] = burn;
    });
  }
  return out;
}

const DASHBOARD_QUERIES = dashboardQueries(sloDashboard(SLO));
const ALERTS = sloAlerts(SLO).map(ruleInput);

/** Each alert's queries: A (the condition's) and C (the annotation's). */
function queriesOf(rule: (typeof ALERTS)[number]): { a: string; c: string; factor: number } {
  const model = (refId: string) =>
    JSON.parse(rule.datas.find((d) => d.refId === refId)?.model ?? "{}") as {
      expr?: string;
      conditions?: { evaluator: { params: number[] } }[];
    };
  return {
    a: model("A").expr ?? "",
    c: model("C").expr ?? "",
    factor: model("B").conditions?.[0]?.evaluator.params[0] ?? Number.NaN,
  };
}

describeWithTool("promtool", (promtool) => {
  describeWithTool("prometheus", (prometheus) => {
    const stacks = new Map<Mode, PrometheusStack>();
    const stackFor = (mode: Mode): PrometheusStack => {
      const stack = stacks.get(mode);
      if (stack === undefined) throw new Error(`the ${mode} Prometheus did not start`);
      return stack;
    };

    beforeAll(async () => {
      const started = await Promise.allSettled(
        MODES.map((mode) => startPrometheusStack(mode, { prometheus, promtool }, SLO)),
      );
      for (const result of started) {
        if (result.status === "fulfilled") stacks.set(result.value.mode, result.value);
      }
      const failed = started.find((r) => r.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    }, 60_000);

    afterAll(async () => {
      await Promise.all([...stacks.values()].map((s) => s.stop()));
    });

    describe.each(MODES)("with a %s exporter", (mode) => {
      it("serves the SLIs these cases are written for", () => {
        // Given the exporter's model
        // When its bad shares are read
        // Then they are the ones the objectives above were chosen around
        expect(badShares(mode)).toEqual(
          mode === "healthy"
            ? { availability: 0.005, latency: 0.05 }
            : { availability: 0.5, latency: 0.6 },
        );
      });

      it.each(DASHBOARD_QUERIES.map((q) => [`${q.panel} (${q.refId})`, q] as const))(
        "SLO dashboard %s shows the exporter's number",
        async (_, q) => {
          // Given what the panel must show
          const expected = dashboardExpectations(mode)[`${q.panel} ${q.refId}`];
          if (!(`${q.panel} ${q.refId}` in dashboardExpectations(mode)))
            throw new Error(`${q.panel} ${q.refId}: no expected value in this test; add one`);

          // When Grafana's query runs
          const value = await backendValue(stackFor(mode).url, q.expr);

          // Then it is that number, or nothing when the budget is not burning
          expect({ query: q.expr, value }).toEqual({
            query: q.expr,
            value: expected === undefined ? undefined : near(expected),
          });
        },
      );

      it.each(ALERTS.map((r) => [r.uid, r] as const))(
        "SLO alert %s returns the long window's burn rate exactly when both windows are over",
        async (uid, rule) => {
          // Given the alert's queries and the burn rate the exporter causes
          const { a, c, factor } = queriesOf(rule);
          const sli = uid.startsWith("timemanager-slo-latency-") ? "latency" : "availability";
          const burn = badShares(mode)[sli] / BUDGET[sli];
          const fires = burn > factor;

          // When Grafana's condition query and annotation query run
          const url = stackFor(mode).url;
          const [condition, goneIn] = await Promise.all([
            backendValue(url, a),
            backendValue(url, c),
          ]);

          // Then A is the burn rate when it is over the factor, nothing otherwise; C the time
          // the budget left lasts at that rate
          const left = Math.max(1 - burn, 0);
          expect({ uid, condition, goneIn }).toEqual({
            uid,
            condition: fires ? near(burn) : undefined,
            goneIn: near((left * WINDOW_SECONDS) / burn),
          });
        },
      );

      it("fires exactly the expected SLO alerts", async () => {
        // Given the alerts' condition queries
        const url = stackFor(mode).url;

        // When each runs
        const firing: string[] = [];
        for (const rule of ALERTS) {
          const { a, factor } = queriesOf(rule);
          const value = await backendValue(url, a);
          if (value !== undefined && value > factor) firing.push(rule.uid);
        }

        // Then healthy, the availability tickets; bad, everything that can burn that fast
        expect(firing).toEqual(
          mode === "healthy"
            ? ["timemanager-slo-availability-1d-2h", "timemanager-slo-availability-3d-6h"]
            : [
                "timemanager-slo-availability-1h-5m",
                "timemanager-slo-availability-6h-30m",
                "timemanager-slo-availability-1d-2h",
                "timemanager-slo-availability-3d-6h",
                "timemanager-slo-latency-6h-30m",
                "timemanager-slo-latency-1d-2h",
                "timemanager-slo-latency-3d-6h",
              ],
        );
      });
    });
  });
});
