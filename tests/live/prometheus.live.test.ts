import { ALERTS, type AlertSpec } from "../../components/observability/grafana/alerts";
import {
  dashboardQueries,
  overviewDashboard,
  type DashboardQuery,
} from "../../components/observability/grafana/dashboard";
import { VARIABLES } from "../../components/observability/grafana/panels";
import { APP_CONTAINERS, DATASOURCE_UIDS, JOBS } from "../../components/observability/names";
import {
  bucketOf,
  expectedValues,
  LATENCY_BOUNDS,
  MODES,
  type ExpectedValues,
  type Mode,
} from "../helpers/exporter";
import { describeWithTool } from "../helpers/tools";
import {
  DOWN_JOBS,
  queryWithData,
  startPrometheusStack,
  type PrometheusStack,
  type PromSample,
} from "./prometheus-stack";

/*
 * Every Prometheus query of the overview dashboard and of the Grafana alerts, run on a real
 * Prometheus that loads the rendered prometheus.yml and rules file and scrapes a synthetic
 * exporter with known rates, once healthy and once bad. Six minutes of history are backfilled
 * before Prometheus starts, so that the rules' 5-minute windows are full and every rate is the
 * exporter's exact rate, not a partial window's.
 */

/** Grafana's variables as the test sets them: every endpoint, and windows the history covers. */
const GRAFANA_VALUES: Readonly<Record<string, string>> = {
  [VARIABLES.path]: ".*",
  // The hidden top-10 variables: the exporter serves fewer endpoints and containers than that.
  [VARIABLES.busiestPaths]: ".*",
  [VARIABLES.slowestPaths]: ".*",
  [VARIABLES.cpuContainers]: ".*",
  [VARIABLES.memoryContainers]: ".*",
  [VARIABLES.memoryRatioContainers]: ".*",
  __rate_interval: "1m",
  __interval: "15s",
  __range: "5m",
  __range_s: "300",
  __range_ms: "300000",
};

/**
 * Relative tolerance on every value. Rates of a linear counter are exact, except that rate()
 * extrapolates by half a scrape when the query instant is more than 1.1 scrapes past the last
 * sample: up to 1 % on a 1-minute window (measured otherwise: under 0.01 %).
 */
const TOLERANCE = 0.02;

const PROMETHEUS_QUERIES = dashboardQueries().filter(
  (q) => q.datasourceUid === DATASOURCE_UIDS.prometheus,
);

const ownerOf = (q: DashboardQuery): string => `panel "${q.panel}" (query ${q.refId})`;

function dashboardQuery(panel: string, refId = "A"): DashboardQuery {
  const query = PROMETHEUS_QUERIES.find((q) => q.panel === panel && q.refId === refId);
  if (query === undefined) throw new Error(`no Prometheus query ${refId} in panel "${panel}"`);
  return query;
}

/** `expect.closeTo` within TOLERANCE of `expected`, relative; 0 must be 0. */
function near(expected: number): unknown {
  const precision = expected === 0 ? 9 : -Math.log10(2 * TOLERANCE * Math.abs(expected));
  return expect.closeTo(expected, precision);
}

/**
 * The value of each series, keyed by the label `by` ("" when a query must return one series).
 * Two series with the same key are an error: a missing aggregation would otherwise hide.
 */
function valuesBy(samples: readonly PromSample[], by: string | undefined): Record<string, number> {
  const values: Record<string, number> = {};
  for (const { metric, value } of samples) {
    const key = by === undefined ? "" : (metric[by] ?? "");
    if (key in values) {
      const series = JSON.stringify(samples.map((s) => s.metric));
      throw new Error(`several series for ${by ?? "a single-series query"}="${key}": ${series}`);
    }
    values[key] = value;
  }
  return values;
}

/** What a query must return: each series' value, keyed by the label that tells them apart. */
interface Expected {
  readonly by?: string;
  readonly values: Readonly<Record<string, number>>;
}

const one = (value: number): Expected => ({ values: { "": value } });
const each = (value: number, keys: readonly string[]): Record<string, number> =>
  Object.fromEntries(keys.map((k) => [k, value]));

/** Every scrape job's `up`: 1 for the exporter and Prometheus itself, 0 for the closed ports. */
const UP: Readonly<Record<string, number>> = {
  ...each(1, [JOBS.prometheus, JOBS.backend, JOBS.traefik, JOBS.cadvisor]),
  ...each(0, DOWN_JOBS),
};

/** The numbers each dashboard query must show, by panel title and refId. */
function dashboardExpectations(
  e: ExpectedValues,
  backendInstance: string,
): Readonly<Partial<Record<string, Expected>>> {
  const paths = Object.keys(e.requestRateByPath);
  return {
    "Services up/down A": { by: "job", values: UP },
    "Requests per second by endpoint A": { by: "path", values: e.requestRateByPath },
    "Total requests per second A": one(e.requestRate),
    "Backend latency p50 / p90 / p99 A": one(e.latency.p50),
    "Backend latency p50 / p90 / p99 B": one(e.latency.p90),
    "Backend latency p50 / p90 / p99 C": one(e.latency.p99),
    // Every endpoint has the same latency distribution.
    "p99 latency by endpoint A": { by: "path", values: each(e.latency.p99, paths) },
    "4xx and 5xx responses per second A": one(e.requestRateByClass["4xx"] ?? 0),
    "4xx and 5xx responses per second B": one(e.requestRateByClass["5xx"] ?? 0),
    "5xx error ratio A": one(e.errorRatio),
    "CPU per container A": { by: "name", values: e.cpu },
    "Memory per container A": { by: "name", values: e.workingSet },
    "Memory vs limit A": { by: "name", values: e.memoryRatio },
    "Database pool connections A": {
      by: "instance",
      values: { [backendInstance]: e.dbPoolConnections },
    },
    "Login attempts per second A": one(e.loginRate),
    "Traefik requests per second by service A": { by: "service", values: e.traefikRateByService },
    "Traefik p99 duration by service A": { by: "service", values: e.traefikP99ByService },
    "Traefik responses by status code A": { by: "code", values: e.traefikRateByCode },
  };
}

/** What each Grafana alert's query returns, and the series over its threshold, by mode. */
function alertExpectations(
  e: ExpectedValues,
  mode: Mode,
): Readonly<Partial<Record<string, Expected & { readonly firing: readonly string[] }>>> {
  const bad = mode === "bad";
  return {
    "High Error Rate": {
      by: "job",
      values: { [JOBS.backend]: e.errorRatio },
      firing: bad ? [JOBS.backend] : [],
    },
    "High Latency": {
      by: "job",
      values: { [JOBS.backend]: e.latency.p99 },
      firing: bad ? [JOBS.backend] : [],
    },
    "High Memory": {
      by: "name",
      values: e.memoryRatio,
      firing: bad ? [APP_CONTAINERS.backend] : [],
    },
    "Service Down": { by: "job", values: UP, firing: [...DOWN_JOBS].sort() },
  };
}

function over(alert: AlertSpec, value: number): boolean {
  return alert.operator === "gt" ? value > alert.threshold : value < alert.threshold;
}

/**
 * The rules file's groups, in the order Prometheus's API lists them (by name), and their rules in
 * file order: written out here rather than taken from the code.
 */
const EXPECTED_RULES: Readonly<Record<string, readonly string[]>> = {
  timemanager: ["HighErrorRate", "ServiceDown"],
  "timemanager-recording": [
    "job_path_status_class:http_requests:rate5m",
    "job:http_requests:rate5m",
    "job:http_requests_5xx:ratio_rate5m",
    "job_le:http_request_duration_seconds_bucket:rate5m",
    "job:http_request_duration_seconds:p50_rate5m",
    "job:http_request_duration_seconds:p90_rate5m",
    "job:http_request_duration_seconds:p99_rate5m",
    "job_path:http_request_duration_seconds:p99_rate5m",
    "name:container_cpu_usage_seconds:rate5m",
    "name:container_memory_working_set_bytes:ratio_limit",
  ],
  "timemanager-slo": [
    "job:http_requests_5xx:rate5m",
    ...["availability", "latency"].flatMap((sli) => [
      ...["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"].map(
        (window) => `job:slo_${sli}_errors:ratio_rate${window}`,
      ),
      `job:slo_${sli}_error_budget:remaining`,
    ]),
  ],
};

/** Grafana's formatting of a multi-value variable inside a regex matcher. */
function multiValueRegex(values: readonly string[]): string {
  return `(${values.map((v) => v.replace(/[\\^$*+?.()|[\]{}]/g, "\\$&")).join("|")})`;
}

/** The PromQL inside a query_result() variable of the dashboard model. */
function queryResultExpr(name: string): string {
  const variable = overviewDashboard().templating.list?.find((v) => v.name === name);
  const query = typeof variable?.query === "string" ? variable.query : "";
  const match = /^query_result\((.+)\)$/s.exec(query);
  if (match === null)
    throw new Error(`the ${name} variable is not a query_result() query: ${query}`);
  return match[1];
}

/** The path variable's `label_values(selector, label)`, from the dashboard model. */
function pathVariableQuery(): { selector: string; label: string } {
  const variable = overviewDashboard().templating.list?.find((v) => v.name === VARIABLES.path);
  const query = typeof variable?.query === "string" ? variable.query : "";
  const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
  if (match === null) {
    throw new Error(`the ${VARIABLES.path} variable is not a label_values() query: ${query}`);
  }
  const [, selector, label] = match;
  return { selector, label };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as T;
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
        MODES.map((mode) => startPrometheusStack(mode, { prometheus, promtool })),
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
      const e = expectedValues(mode);

      it.each(PROMETHEUS_QUERIES)(
        'dashboard panel "$panel" query $refId returns the exporter\'s numbers',
        async (q) => {
          // Given Prometheus scraping the exporter, and the numbers this panel must show
          const { url, exporter } = stackFor(mode);
          const expected = dashboardExpectations(e, exporter.targets.backend)[
            `${q.panel} ${q.refId}`
          ];
          if (expected === undefined) {
            throw new Error(`${ownerOf(q)}: no expected value in this test; add one`);
          }

          // When Grafana's query runs (it throws, naming the panel, on an error or no data)
          const samples = await queryWithData(url, ownerOf(q), q.expr, GRAFANA_VALUES);

          // Then every series it returns is one expected, with the expected value
          expect({ query: q.expr, values: valuesBy(samples, expected.by) }).toEqual({
            query: q.expr,
            values: Object.fromEntries(
              Object.entries(expected.values).map(([k, v]) => [k, near(v)]),
            ),
          });
        },
      );

      it(`puts the backend's p99 in its bucket ${JSON.stringify(bucketOf(e.latency.p99, LATENCY_BOUNDS))}`, async () => {
        // Given the bucket the exporter's p99 falls in
        const [lower, upper] = bucketOf(e.latency.p99, LATENCY_BOUNDS);
        const q = dashboardQuery("Backend latency p50 / p90 / p99", "C");

        // When the dashboard's p99 query runs
        const samples = await queryWithData(stackFor(mode).url, ownerOf(q), q.expr, GRAFANA_VALUES);

        // Then Prometheus's quantile is inside that bucket
        const p99 = samples.map((s) => s.value);
        expect(p99).toEqual([expect.any(Number)]);
        expect(p99[0]).toBeGreaterThan(lower);
        expect(p99[0]).toBeLessThanOrEqual(upper);
      });

      it.each(ALERTS)(
        'Grafana alert "$title" is over its threshold for exactly the expected series',
        async (alert) => {
          // Given the alert's expected values and the series that must be over its threshold
          const expected = alertExpectations(e, mode)[alert.title];
          if (expected === undefined)
            throw new Error(`alert "${alert.title}": no expectation here`);
          const owner = `alert "${alert.title}"`;

          // When its query runs, as Grafana sends it
          const samples = await queryWithData(
            stackFor(mode).url,
            owner,
            alert.expr,
            GRAFANA_VALUES,
          );

          // Then it returns the expected values, and only the expected series cross the threshold
          const values = valuesBy(samples, expected.by);
          const firing = Object.keys(values).filter((k) => over(alert, values[k] ?? Number.NaN));
          expect({ query: alert.expr, values, firing: firing.sort() }).toEqual({
            query: alert.expr,
            values: Object.fromEntries(
              Object.entries(expected.values).map(([k, v]) => [k, near(v)]),
            ),
            firing: expected.firing,
          });
        },
      );

      it("lists every endpoint the exporter serves in the path variable", async () => {
        // Given the dashboard's path variable query
        const { selector, label } = pathVariableQuery();

        // When Grafana asks Prometheus for the label's values
        const body = await getJson<{ data: string[] }>(
          `${stackFor(mode).url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(selector)}`,
        );

        // Then they are the exporter's endpoints
        expect(body.data.sort()).toEqual(Object.keys(e.requestRateByPath).sort());
      });

      it("shows only the endpoints chosen in a multi-value path selection", async () => {
        // Given two endpoints selected in the path variable
        const chosen = Object.keys(e.requestRateByPath).sort().slice(0, 2);
        const q = dashboardQuery("Requests per second by endpoint");

        // When the hidden variable of the panel's top endpoints, then the panel's query, run with
        // Grafana's regex for the selection
        const selection = { ...GRAFANA_VALUES, [VARIABLES.path]: multiValueRegex(chosen) };
        const top = await queryWithData(
          stackFor(mode).url,
          `variable ${VARIABLES.busiestPaths}`,
          queryResultExpr(VARIABLES.busiestPaths),
          selection,
        );
        const samples = await queryWithData(stackFor(mode).url, ownerOf(q), q.expr, {
          ...selection,
          [VARIABLES.busiestPaths]: multiValueRegex(top.map((t) => t.metric.path)),
        });

        // Then it shows those two and their rates only
        expect(valuesBy(samples, "path")).toEqual(
          Object.fromEntries(chosen.map((p) => [p, near(e.requestRateByPath[p] ?? 0)])),
        );
      });

      it("ingests the exporter's live scrapes on top of the backfilled history", async () => {
        // Given one counter of each exporter target
        const counters = [
          "http_requests_total",
          "traefik_service_requests_total",
          "container_cpu_usage_seconds_total",
        ];
        const age = counters.map((c) => `max by (job) (time() - timestamp(${c}))`).join(" or ");

        // When Prometheus says how old each job's newest sample is
        const samples = await queryWithData(stackFor(mode).url, "sample age", age);

        // Then it is from the last scrapes (1 s apart), not from the history written before start
        const ages = valuesBy(samples, "job");
        expect(Object.keys(ages).sort()).toEqual(
          [JOBS.backend, JOBS.cadvisor, JOBS.traefik].sort(),
        );
        expect(Math.max(...Object.values(ages))).toBeLessThan(2.5);
      });

      it("loads every rule of the rules file and evaluates each without error", async () => {
        // Given the rendered rules loaded by Prometheus
        // When Prometheus lists them after some evaluations
        const body = await getJson<{
          data: {
            groups: {
              name: string;
              rules: { name: string; health: string; lastError?: string }[];
            }[];
          };
        }>(`${stackFor(mode).url}/api/v1/rules`);

        // Then every group and rule is there, in order, and each evaluated healthy
        expect(
          body.data.groups.map((g) => [
            g.name,
            g.rules.map((r) => [r.name, r.health, r.lastError ?? ""]),
          ]),
        ).toEqual(
          Object.entries(EXPECTED_RULES).map(([group, names]) => [
            group,
            names.map((name) => [name, "ok", ""]),
          ]),
        );
      });

      it("makes Prometheus's own alerts active for exactly the broken jobs", async () => {
        // Given the seed's alerting rules (HighErrorRate: more than 0.1 5xx/s; ServiceDown)
        const expected = [
          ...DOWN_JOBS.map((job) => `ServiceDown ${job}`),
          ...(mode === "bad" ? [`HighErrorRate ${JOBS.backend}`] : []),
        ];

        // When Prometheus lists its pending and firing alerts
        const body = await getJson<{
          data: { alerts: { labels: Partial<Record<string, string>> }[] };
        }>(`${stackFor(mode).url}/api/v1/alerts`);

        // Then they are one per broken job
        const active = body.data.alerts.map(
          (a) => `${a.labels.alertname ?? ""} ${a.labels.job ?? ""}`,
        );
        expect(active.sort()).toEqual(expected.sort());
      });
    });

    describe("the query check", () => {
      it("fails, naming the panel, when a query's metric name is wrong", async () => {
        // Given a panel's query with the wrong name for its counter: the seed's counter has no _total
        const q = dashboardQuery("Login attempts per second");
        const wrong = q.expr.replace("auth_login_attempts{", "auth_login_attempts_total{");
        expect(wrong).not.toBe(q.expr);

        // When the check runs it
        const run = queryWithData(stackFor("healthy").url, ownerOf(q), wrong, GRAFANA_VALUES);

        // Then it fails with the panel's title, the cause and the query
        await expect(run).rejects.toThrow(
          `panel "Login attempts per second" (query A): no data (an empty result)\n  query:   ${wrong}`,
        );
      });

      it("fails, naming the panel, when Prometheus rejects a query", async () => {
        // Given a panel's query with its closing parenthesis dropped
        const q = dashboardQuery("Traefik requests per second by service");
        const broken = q.expr.slice(0, -1);

        // When the check runs it
        const run = queryWithData(stackFor("healthy").url, ownerOf(q), broken, GRAFANA_VALUES);

        // Then it fails with the panel's title and Prometheus's parse error
        await expect(run).rejects.toThrow(
          /^panel "Traefik requests per second by service" \(query A\): Prometheus answered bad_data: .*parse error/,
        );
      });
    });
  });
});
