import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { APP_CONTAINERS, BACKEND_LATENCY_BUCKETS } from "../../components/observability/names";

/**
 * A synthetic exporter for live tests: the backend's, Traefik's and cAdvisor's metrics, with
 * known rates. Every counter is `rate x seconds since the origin`, so any rate() over a window
 * the data covers is exact, and a histogram's quantiles are known in advance.
 *
 * The mode is fixed per instance: with a setter, a 5-minute window would mix both modes. Run
 * one exporter (and one Prometheus) per mode instead.
 */

export const MODES = ["healthy", "bad"] as const;
/** healthy: 0.5 % 5xx, p99 0.9 s, memory at 25 %; bad: 50 % 5xx, p99 4.9 s, memory at 95 %. */
export type Mode = (typeof MODES)[number];

/** The three scrape targets the exporter stands in for, one HTTP server each. */
export const TARGETS = ["backend", "traefik", "cadvisor"] as const;
export type Target = (typeof TARGETS)[number];

type Labels = Readonly<Record<string, string>>;

/** A counter grows by `value` per second; a gauge stays at `value`. */
interface Series {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram";
  readonly series: readonly Series[];
}

interface Endpoint {
  readonly method: string;
  readonly path: string;
  /** Requests per second by status code. */
  readonly rates: Readonly<Record<string, number>>;
}

interface Container {
  readonly name: string;
  /** CPU seconds per second. */
  readonly cpu: number;
  readonly workingSet: number;
  /** 0: no limit, as cAdvisor reports it. */
  readonly limit: number;
}

interface TraefikService {
  readonly service: string;
  /** Requests per second by method and code, e.g. "GET 200". */
  readonly rates: Readonly<Record<string, number>>;
  /** Percent of requests in each of TRAEFIK_BOUNDS' buckets, not cumulative. */
  readonly shares: readonly number[];
}

interface ModeModel {
  readonly endpoints: readonly Endpoint[];
  /** Percent of requests in each of LATENCY_BOUNDS' buckets, not cumulative. */
  readonly latencyShares: readonly number[];
  readonly dbPoolConnections: number;
  readonly containers: readonly Container[];
  readonly traefik: readonly TraefikService[];
}

/** The backend's histogram buckets (upper bounds, s), the program's own; +Inf is added. */
export const LATENCY_BOUNDS = BACKEND_LATENCY_BUCKETS;
/** Traefik's default buckets. */
export const TRAEFIK_BOUNDS = [0.1, 0.3, 1.2, 5] as const;

const MIB = 1024 * 1024;
/** machine_memory_bytes, the host cAdvisor runs on: 16 GiB. */
const MACHINE_MEMORY = 16 * 1024 * MIB;
const LOGIN_PATH = "/api/v1/auth/login";

const limited = (name: string, cpu: number, limitMib: number, usage: number): Container => ({
  name,
  cpu,
  workingSet: usage * limitMib * MIB,
  limit: limitMib * MIB,
});

/** Containers whose numbers do not depend on the mode: one with no limit at all. */
const STEADY_CONTAINERS: readonly Container[] = [
  limited("timemanager-prometheus", 0.05, 1024, 0.25),
  { name: "timemanager-traefik", cpu: 0.02, workingSet: 64 * MIB, limit: 0 },
];

const FRONTEND: TraefikService = {
  service: "frontend@docker",
  rates: { "GET 200": 3, "GET 304": 1 },
  shares: [90, 10, 0, 0],
};

/** The backend's traffic as Traefik forwards it, by method and code. */
function viaTraefik(endpoints: readonly Endpoint[], shares: readonly number[]): TraefikService {
  const rates: Record<string, number> = {};
  for (const e of endpoints) {
    for (const [status, rate] of Object.entries(e.rates)) {
      const key = `${e.method} ${status}`;
      rates[key] = (rates[key] ?? 0) + rate;
    }
  }
  return { service: "backend@docker", rates, shares };
}

const HEALTHY_ENDPOINTS: readonly Endpoint[] = [
  { method: "GET", path: "/api/v1/auth/me", rates: { "200": 4 } },
  { method: "POST", path: LOGIN_PATH, rates: { "200": 1, "401": 0.5 } },
  { method: "GET", path: "/api/v1/clocks", rates: { "200": 4.45, "500": 0.05 } },
];
const BAD_ENDPOINTS: readonly Endpoint[] = [
  { method: "GET", path: "/api/v1/auth/me", rates: { "200": 2 } },
  { method: "POST", path: LOGIN_PATH, rates: { "200": 0.5, "401": 0.5 } },
  { method: "GET", path: "/api/v1/clocks", rates: { "200": 2, "500": 5 } },
];

export const MODELS: Readonly<Record<Mode, ModeModel>> = {
  healthy: {
    endpoints: HEALTHY_ENDPOINTS,
    latencyShares: [40, 30, 15, 10, 5, 0, 0],
    dbPoolConnections: 5,
    containers: [limited(APP_CONTAINERS.backend, 0.25, 512, 0.25), ...STEADY_CONTAINERS],
    traefik: [viaTraefik(HEALTHY_ENDPOINTS, [70, 20, 10, 0]), FRONTEND],
  },
  bad: {
    endpoints: BAD_ENDPOINTS,
    latencyShares: [0, 20, 0, 20, 20, 20, 20],
    dbPoolConnections: 20,
    containers: [limited(APP_CONTAINERS.backend, 0.9, 512, 0.95), ...STEADY_CONTAINERS],
    traefik: [viaTraefik(BAD_ENDPOINTS, [10, 20, 20, 50]), FRONTEND],
  },
};

/** How Prometheus 3 writes `le` (normalised at ingestion): 1 -> "1.0", 0.05 -> "0.05". */
function formatLe(le: number): string {
  return Number.isInteger(le) ? le.toFixed(1) : String(le);
}

const sumOf = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Every login request is one attempt, whatever its outcome. */
const loginRate = (m: ModeModel): number =>
  sumOf(m.endpoints.filter((e) => e.path === LOGIN_PATH).flatMap((e) => Object.values(e.rates)));

/** A classic histogram whose requests fall into the buckets by `shares` (percent). */
function histogram(
  name: string,
  labels: Labels,
  rate: number,
  bounds: readonly number[],
  shares: readonly number[],
): Series[] {
  // Cumulative percents are integers, so the buckets are exactly monotonic.
  let percent = 0;
  const buckets = bounds.map((le, i) => {
    percent += shares[i] ?? 0;
    return {
      name: `${name}_bucket`,
      labels: { ...labels, le: formatLe(le) },
      value: (rate * percent) / 100,
    };
  });
  const midpoints = bounds.map((le, i) => (le + (i === 0 ? 0 : (bounds[i - 1] ?? 0))) / 2);
  const mean = sumOf(midpoints.map((m, i) => (m * (shares[i] ?? 0)) / 100));
  return [
    ...buckets,
    { name: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: rate },
    { name: `${name}_sum`, labels, value: rate * mean },
    { name: `${name}_count`, labels, value: rate },
  ];
}

function backendFamilies(m: ModeModel): Family[] {
  const requests = m.endpoints.flatMap(({ method, path, rates }) =>
    Object.entries(rates).map(([status, value]) => ({
      name: "http_requests_total",
      labels: { method, path, status },
      value,
    })),
  );
  const durations = m.endpoints.flatMap(({ method, path, rates }) =>
    histogram(
      "http_request_duration_seconds",
      { method, path },
      sumOf(Object.values(rates)),
      LATENCY_BOUNDS,
      m.latencyShares,
    ),
  );
  return [
    { name: "http_requests_total", type: "counter", series: requests },
    { name: "http_request_duration_seconds", type: "histogram", series: durations },
    {
      name: "db_pool_connections",
      type: "gauge",
      series: [{ name: "db_pool_connections", labels: {}, value: m.dbPoolConnections }],
    },
    {
      // The seed's name, without _total: the Rust prometheus crate adds no suffix.
      name: "auth_login_attempts",
      type: "counter",
      series: [{ name: "auth_login_attempts", labels: {}, value: loginRate(m) }],
    },
  ];
}

function cadvisorFamilies(m: ModeModel): Family[] {
  type Cgroup = Omit<Container, "name"> & { readonly labels: Labels };
  const cgroups: Cgroup[] = [
    ...m.containers.map(({ name, ...usage }) => ({
      ...usage,
      labels: { id: `/docker/${name}`, image: `${name}:latest`, name },
    })),
    // The root cgroup has no name label: the rules' name!="" must leave it out.
    { labels: { id: "/" }, cpu: 2, workingSet: 4096 * MIB, limit: 8192 * MIB },
  ];
  const family = (
    name: string,
    type: Family["type"],
    pick: (c: Cgroup) => number,
    extra: Labels = {},
  ): Family => ({
    name,
    type,
    series: cgroups.map((c) => ({ name, labels: { ...c.labels, ...extra }, value: pick(c) })),
  });
  return [
    family("container_cpu_usage_seconds_total", "counter", (c) => c.cpu, { cpu: "total" }),
    family("container_memory_working_set_bytes", "gauge", (c) => c.workingSet),
    family("container_spec_memory_limit_bytes", "gauge", (c) => c.limit),
    {
      name: "machine_memory_bytes",
      type: "gauge",
      series: [{ name: "machine_memory_bytes", labels: {}, value: MACHINE_MEMORY }],
    },
  ];
}

function traefikFamilies(m: ModeModel): Family[] {
  const perService = m.traefik.flatMap((s) =>
    Object.entries(s.rates).map(([key, rate]) => {
      const [method = "", code = ""] = key.split(" ");
      return { s, rate, labels: { code, method, protocol: "http", service: s.service } };
    }),
  );
  const entrypoint: Record<string, number> = {};
  for (const { rate, labels } of perService) {
    const key = `${labels.method} ${labels.code}`;
    entrypoint[key] = (entrypoint[key] ?? 0) + rate;
  }
  return [
    {
      name: "traefik_service_requests_total",
      type: "counter",
      series: perService.map(({ rate, labels }) => ({
        name: "traefik_service_requests_total",
        labels,
        value: rate,
      })),
    },
    {
      name: "traefik_service_request_duration_seconds",
      type: "histogram",
      series: perService.flatMap(({ s, rate, labels }) =>
        histogram(
          "traefik_service_request_duration_seconds",
          labels,
          rate,
          TRAEFIK_BOUNDS,
          s.shares,
        ),
      ),
    },
    {
      name: "traefik_entrypoint_requests_total",
      type: "counter",
      series: Object.entries(entrypoint).map(([key, value]) => {
        const [method = "", code = ""] = key.split(" ");
        return {
          name: "traefik_entrypoint_requests_total",
          labels: { code, entrypoint: "websecure", method, protocol: "http" },
          value,
        };
      }),
    },
  ];
}

function families(target: Target, m: ModeModel): Family[] {
  switch (target) {
    case "backend":
      return backendFamilies(m);
    case "traefik":
      return traefikFamilies(m);
    case "cadvisor":
      return cadvisorFamilies(m);
  }
}

const labelText = (labels: Labels): string => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
};

const valueAt = (family: Family, series: Series, seconds: number): number =>
  family.type === "gauge" ? series.value : series.value * seconds;

/**
 * Prometheus's classic text format at `seconds` after the origin. A counter without _total
 * (auth_login_attempts) keeps its name: only OpenMetrics requires the suffix.
 */
export function exposition(target: Target, mode: Mode, seconds: number): string {
  return families(target, MODELS[mode])
    .flatMap((f) => [
      `# HELP ${f.name} Synthetic ${f.name}.`,
      `# TYPE ${f.name} ${f.type}`,
      ...f.series.map((s) => `${s.name}${labelText(s.labels)} ${String(valueAt(f, s, seconds))}`),
    ])
    .join("\n")
    .concat("\n");
}

/**
 * The targets' series as OpenMetrics with timestamps, one sample a second from the origin to
 * `untilMs`, for `promtool tsdb create-blocks-from openmetrics`. Each series carries the job and
 * instance labels a scrape would attach. No TYPE lines: OpenMetrics would require
 * auth_login_attempts to be auth_login_attempts_total, and the blocks keep no types anyway.
 */
function openMetricsHistory(
  mode: Mode,
  scraped: readonly { readonly target: Target; readonly labels: Labels }[],
  originMs: number,
  untilMs: number,
): string {
  const lines: string[] = [];
  for (const { target, labels } of scraped) {
    for (const f of families(target, MODELS[mode])) {
      for (const s of f.series) {
        const name = `${s.name}${labelText({ ...s.labels, ...labels })}`;
        for (let t = 1; originMs + t * 1000 <= untilMs; t++) {
          lines.push(`${name} ${String(valueAt(f, s, t))} ${String(originMs / 1000 + t)}`);
        }
      }
    }
  }
  return `${lines.join("\n")}\n# EOF\n`;
}

/**
 * Prometheus's histogram_quantile on buckets filled by `shares` (percent per bucket): the upper
 * bound's bucket is found by rank, then interpolated linearly inside it.
 */
export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  shares: readonly number[],
): number {
  const rank = q * 100;
  let below = 0;
  for (const [i, upper] of bounds.entries()) {
    const share = shares[i] ?? 0;
    if (below + share >= rank && share > 0) {
      const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
      return lower + ((upper - lower) * (rank - below)) / share;
    }
    below += share;
  }
  return bounds[bounds.length - 1] ?? Number.NaN;
}

/** The bucket (lower, upper] a quantile lands in. */
export function bucketOf(value: number, bounds: readonly number[]): [number, number] {
  const i = bounds.findIndex((upper) => value <= upper);
  return i === -1
    ? [bounds[bounds.length - 1] ?? 0, Infinity]
    : [i === 0 ? 0 : (bounds[i - 1] ?? 0), bounds[i] ?? 0];
}

/** What Prometheus must compute from a mode's metrics. */
export function expectedValues(mode: Mode) {
  const m = MODELS[mode];
  const sumBy = (key: (e: Endpoint, status: string) => string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const e of m.endpoints) {
      for (const [status, rate] of Object.entries(e.rates)) {
        const k = key(e, status);
        out[k] = (out[k] ?? 0) + rate;
      }
    }
    return out;
  };
  const byClass = sumBy((_, status) => `${status.charAt(0)}xx`);
  const requestRate = sumOf(Object.values(byClass));
  const latency = (q: number): number => histogramQuantile(q, LATENCY_BOUNDS, m.latencyShares);
  const containers = Object.fromEntries(m.containers.map((c) => [c.name, c]));
  const traefikRates = (s: TraefikService): number => sumOf(Object.values(s.rates));
  const byCode: Record<string, number> = {};
  for (const s of m.traefik) {
    for (const [key, rate] of Object.entries(s.rates)) {
      const code = key.split(" ")[1] ?? "";
      byCode[code] = (byCode[code] ?? 0) + rate;
    }
  }
  return {
    requestRate,
    requestRateByPath: sumBy((e) => e.path),
    requestRateByClass: byClass,
    errorRatio: (byClass["5xx"] ?? 0) / requestRate,
    latency: { p50: latency(0.5), p90: latency(0.9), p99: latency(0.99) },
    loginRate: loginRate(m),
    dbPoolConnections: m.dbPoolConnections,
    cpu: mapValues(containers, (c) => c.cpu),
    workingSet: mapValues(containers, (c) => c.workingSet),
    // A container without a limit (cAdvisor's 0) is measured against the host's memory.
    memoryRatio: mapValues(
      containers,
      (c) => c.workingSet / (c.limit > 0 ? c.limit : MACHINE_MEMORY),
    ),
    traefikRateByService: Object.fromEntries(m.traefik.map((s) => [s.service, traefikRates(s)])),
    traefikRateByCode: byCode,
    traefikP99ByService: Object.fromEntries(
      m.traefik.map((s) => [s.service, histogramQuantile(0.99, TRAEFIK_BOUNDS, s.shares)]),
    ),
  };
}
export type ExpectedValues = ReturnType<typeof expectedValues>;

function mapValues<T>(record: Record<string, T>, f: (value: T) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/** A running exporter: one HTTP server per target on 127.0.0.1, all serving /metrics. */
export interface Exporter {
  readonly mode: Mode;
  /** host:port of each target. */
  readonly targets: Readonly<Record<Target, string>>;
  /**
   * What the targets exposed from the origin until `untilMs`, one sample a second, as
   * OpenMetrics for a backfill; `jobs` names the scrape job of each target.
   */
  history(jobs: Readonly<Record<Target, string>>, untilMs: number): string;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { address, port } = server.address() as AddressInfo;
      resolve(`${address}:${String(port)}`);
    });
  });
}

/**
 * Starts the exporter in `mode`, its counters as if it had been running for `ageSeconds`
 * already: `history` gives what Prometheus would have scraped meanwhile.
 */
export async function startExporter(mode: Mode, ageSeconds: number): Promise<Exporter> {
  // A whole second, so that the history's timestamps are whole seconds too.
  const originMs = (Math.floor(Date.now() / 1000) - ageSeconds) * 1000;
  const servers = TARGETS.map((target) =>
    http.createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      // Prometheus 3 refuses a scrape whose Content-Type it does not know.
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(exposition(target, mode, (Date.now() - originMs) / 1000));
    }),
  );
  const addresses = await Promise.all(servers.map(listen));
  const targets = Object.fromEntries(TARGETS.map((t, i) => [t, addresses[i] ?? ""]));
  return {
    mode,
    targets: targets as Record<Target, string>,
    history: (jobs, untilMs) =>
      openMetricsHistory(
        mode,
        TARGETS.map((t) => ({ target: t, labels: { job: jobs[t], instance: targets[t] ?? "" } })),
        originMs,
        untilMs,
      ),
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => {
                resolve();
              });
            }),
        ),
      ).then(() => undefined),
  };
}
