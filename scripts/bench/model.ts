import { JOBS } from "../../components/observability/names";
import { RECORDED } from "../../components/observability/prometheus/rules";
import {
  budgetRemainingRecord,
  ERRORS_RATE_RECORD,
  errorBudget,
  errorRatioRecord,
  type Sli,
  sliWindows,
  type SloSpec,
} from "../../components/observability/slo";
import { DEFAULT_SLO } from "../../config";
import type { LinearSeries } from "./tsdb";

/**
 * The benchmark's synthetic history: the backend's request counter and duration histogram and
 * cAdvisor's container series, plus the recording rules' series for the same history.
 *
 * Every counter grows by a whole number per interval (k requests per 30 s), so each series is
 * exactly linear: any rate() over the history is exactly k / interval, and so the recording rules'
 * values are known from the model without evaluating the rules. They are written straight into
 * the same TSDB blocks as the raw series (tsdb.ts).
 */

/** How big the history is. */
export interface Scale {
  readonly endpoints: number;
  readonly methods: number;
  readonly statuses: number;
  /** Histogram buckets, +Inf included. */
  readonly buckets: number;
  readonly containers: number;
  readonly hours: number;
  /** Seconds between two samples. */
  readonly interval: number;
}

export const DEFAULT_SCALE: Scale = {
  endpoints: 100,
  methods: 4,
  statuses: 8,
  buckets: 12,
  containers: 100,
  hours: 6,
  interval: 30,
};

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const STATUSES = ["200", "201", "204", "400", "401", "404", "500", "503", "302", "409", "429"];
/** Prometheus client defaults (11 finite bounds), then more if asked for. */
const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const BACKEND = { job: JOBS.backend, instance: "backend:8080" };
const CADVISOR = { job: JOBS.cadvisor, instance: "cadvisor:8080" };
const MIB = 1024 * 1024;
/** The host's memory, machine_memory_bytes: what a container without a limit is measured by. */
const MACHINE_MEMORY = 64 * 1024 * MIB;

/** A small deterministic generator, so that every run writes the same history. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** How Prometheus 3 writes `le`: 1 -> "1.0", 0.05 -> "0.05". */
const formatLe = (le: number): string => (Number.isInteger(le) ? le.toFixed(1) : String(le));

type Labels = Readonly<Record<string, string>>;
const labelText = (labels: Labels): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;

/** One series: its per-interval increment (counter) or its constant value (gauge). */
interface Series {
  readonly name: string;
  readonly labels: Labels;
  readonly perInterval: number;
  readonly counter: boolean;
}

interface RequestSeries {
  readonly path: string;
  readonly method: string;
  readonly status: string;
  /** Requests per interval. */
  readonly count: number;
  /** Cumulative requests per interval by bucket, +Inf last (= count). */
  readonly cumulative: readonly number[];
}

interface Container {
  readonly name: string;
  readonly cpu: number;
  readonly workingSet: number;
  readonly limit: number;
}

/** The history's model: the request series, the containers, and the finite bucket bounds. */
export interface Model {
  readonly scale: Scale;
  readonly bounds: readonly number[];
  readonly requests: readonly RequestSeries[];
  readonly containers: readonly Container[];
}

export function buildModel(scale: Scale): Model {
  if (scale.methods > METHODS.length || scale.statuses > STATUSES.length) {
    throw new Error(`at most ${METHODS.length} methods and ${STATUSES.length} statuses`);
  }
  if (scale.buckets < 2 || scale.buckets - 1 > BOUNDS.length) {
    throw new Error(`buckets must be between 2 and ${BOUNDS.length + 1}`);
  }
  const rnd = random(42);
  const bounds = BOUNDS.slice(0, scale.buckets - 1);
  const requests: RequestSeries[] = [];
  for (let e = 0; e < scale.endpoints; e++) {
    const path = `/api/v1/resource${String(e).padStart(3, "0")}`;
    // Latency profile of the endpoint: a log-normal-ish spread around a typical bucket.
    const centre = 2 + rnd() * (bounds.length - 4);
    const weights = bounds.map((_, i) => Math.exp(-((i - centre) ** 2) / 2)).concat([0.01]);
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    const fractions = weights.map((w) => (acc += w / total));
    const traffic = 1 + Math.floor(rnd() * 40);
    for (let m = 0; m < scale.methods; m++) {
      for (let s = 0; s < scale.statuses; s++) {
        const status = STATUSES[s] ?? "200";
        // Mostly 2xx, a few errors; every series moves, so every series costs.
        const share = status.startsWith("2") ? 1 : 0.05 + rnd() * 0.1;
        const count = Math.max(1, Math.round((traffic * share) / (m + 1)));
        const cumulative = fractions.map((f, i) =>
          i === fractions.length - 1 ? count : Math.round(count * f),
        );
        requests.push({ path, method: METHODS[m] ?? "GET", status, count, cumulative });
      }
    }
  }
  const containers: Container[] = [];
  for (let c = 0; c < scale.containers; c++) {
    const limit = c % 5 === 4 ? 0 : (256 + Math.floor(rnd() * 8) * 128) * MIB;
    containers.push({
      name: `app-${String(c).padStart(3, "0")}`,
      cpu: Math.round(rnd() * 1000) / 1000,
      workingSet: Math.round((0.1 + rnd() * 0.8) * (limit || 512 * MIB)),
      limit,
    });
  }
  return { scale, bounds, requests, containers };
}

/** The raw series a scrape of the backend and of cAdvisor would have stored. */
function rawSeries(model: Model): Series[] {
  const out: Series[] = [];
  const les = [...model.bounds.map(formatLe), "+Inf"];
  for (const r of model.requests) {
    const labels = { ...BACKEND, method: r.method, path: r.path, status: r.status };
    out.push({ name: "http_requests_total", labels, perInterval: r.count, counter: true });
    les.forEach((le, i) => {
      out.push({
        name: "http_request_duration_seconds_bucket",
        labels: { ...labels, le },
        perInterval: r.cumulative[i] ?? 0,
        counter: true,
      });
    });
    const mean = model.bounds.reduce(
      (sum, upper, i) =>
        sum + (upper * ((r.cumulative[i] ?? 0) - (i === 0 ? 0 : (r.cumulative[i - 1] ?? 0)))) / 2,
      0,
    );
    out.push({
      name: "http_request_duration_seconds_sum",
      labels,
      perInterval: mean,
      counter: true,
    });
    out.push({
      name: "http_request_duration_seconds_count",
      labels,
      perInterval: r.count,
      counter: true,
    });
  }
  const cgroups = [
    ...model.containers.map((c) => ({
      ...c,
      labels: { ...CADVISOR, id: `/docker/${c.name}`, image: `${c.name}:latest`, name: c.name },
    })),
    // The root cgroup has no name label, as cAdvisor reports it.
    { cpu: 2, workingSet: 4096 * MIB, limit: 8192 * MIB, labels: { ...CADVISOR, id: "/" } },
  ];
  out.push({
    name: "machine_memory_bytes",
    labels: CADVISOR,
    perInterval: MACHINE_MEMORY,
    counter: false,
  });
  for (const c of cgroups) {
    out.push({
      name: "container_cpu_usage_seconds_total",
      labels: { ...c.labels, cpu: "total" },
      perInterval: c.cpu * model.scale.interval,
      counter: true,
    });
    out.push({
      name: "container_memory_working_set_bytes",
      labels: c.labels,
      perInterval: c.workingSet,
      counter: false,
    });
    out.push({
      name: "container_spec_memory_limit_bytes",
      labels: c.labels,
      perInterval: c.limit,
      counter: false,
    });
  }
  return out;
}

/** Prometheus's histogram_quantile over cumulative bucket values (+Inf last). */
export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  cumulative: readonly number[],
): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const rank = q * total;
  const i = cumulative.findIndex((c) => c >= rank);
  if (i === -1 || i === bounds.length) return bounds[bounds.length - 1] ?? Number.NaN;
  const start = i === 0 ? 0 : (bounds[i - 1] ?? 0);
  const below = i === 0 ? 0 : (cumulative[i - 1] ?? 0);
  const end = bounds[i] ?? 0;
  return start + ((end - start) * (rank - below)) / ((cumulative[i] ?? 0) - below);
}

/**
 * The SLO recording rules' series for `spec`: the bad-request ratios are the same over every
 * window of a history whose rates never change. `buckets` are the backend's summed bucket rates,
 * +Inf last.
 */
function sloSeries(
  model: Model,
  spec: SloSpec,
  rates: { readonly total: number; readonly errors: number; readonly buckets: readonly number[] },
): Series[] {
  const within = model.bounds.indexOf(spec.latencyThresholdSeconds);
  if (within === -1) {
    throw new Error(
      `the SLO threshold ${String(spec.latencyThresholdSeconds)} s is not a bucket bound of this scale (${model.bounds.join(", ")}): raise --buckets`,
    );
  }
  const ratio: Readonly<Record<Sli, number>> = {
    availability: rates.errors / rates.total,
    latency: 1 - (rates.buckets[within] ?? Number.NaN) / (rates.buckets.at(-1) ?? Number.NaN),
  };
  const objective = { availability: spec.availabilityObjective, latency: spec.latencyObjective };
  const job = { job: JOBS.backend };
  const gauge = (name: string, value: number): Series => ({
    name,
    labels: job,
    perInterval: value,
    counter: false,
  });
  return [
    gauge(ERRORS_RATE_RECORD, rates.errors),
    ...(["availability", "latency"] as const).flatMap((sli) => [
      ...sliWindows(spec).map((w) => gauge(errorRatioRecord(sli, w), ratio[sli])),
      gauge(budgetRemainingRecord(sli), 1 - ratio[sli] / errorBudget(objective[sli])),
    ]),
  ];
}

/**
 * The recording rules' series, each a gauge with the constant value the rule computes on this
 * model (rates per second over any window the history covers).
 */
export function recordedSeries(model: Model, slo: SloSpec): Series[] {
  const per = model.scale.interval;
  const gauge = (name: string, labels: Labels, value: number): Series => ({
    name,
    labels,
    perInterval: value,
    counter: false,
  });
  const byPathClass = new Map<string, number>();
  let total = 0;
  let errors = 0;
  const buckets = model.bounds.map(() => 0).concat([0]);
  const pathBuckets = new Map<string, number[]>();
  for (const r of model.requests) {
    const mine = pathBuckets.get(r.path) ?? buckets.map(() => 0);
    r.cumulative.forEach((c, i) => (mine[i] = (mine[i] ?? 0) + c / per));
    pathBuckets.set(r.path, mine);
    const key = `${r.path} ${r.status.charAt(0)}xx`;
    byPathClass.set(key, (byPathClass.get(key) ?? 0) + r.count / per);
    total += r.count / per;
    if (r.status.startsWith("5")) errors += r.count / per;
    r.cumulative.forEach((c, i) => (buckets[i] = (buckets[i] ?? 0) + c / per));
  }
  const job = { job: JOBS.backend };
  const les = [...model.bounds.map(formatLe), "+Inf"];
  return [
    ...[...byPathClass].map(([key, value]) => {
      const [path = "", statusClass = ""] = key.split(" ");
      return gauge(
        RECORDED.requestRateByPathClass,
        { ...job, path, status_class: statusClass },
        value,
      );
    }),
    gauge(RECORDED.requestRate, job, total),
    gauge(RECORDED.errorRatio, job, errors / total),
    ...les.map((le, i) =>
      gauge(RECORDED.durationBuckets, { ...job, le }, buckets[i] ?? Number.NaN),
    ),
    gauge(RECORDED.latencyP50, job, histogramQuantile(0.5, model.bounds, buckets)),
    gauge(RECORDED.latencyP90, job, histogramQuantile(0.9, model.bounds, buckets)),
    gauge(RECORDED.latencyP99, job, histogramQuantile(0.99, model.bounds, buckets)),
    ...[...pathBuckets].map(([path, b]) =>
      gauge(RECORDED.pathLatencyP99, { ...job, path }, histogramQuantile(0.99, model.bounds, b)),
    ),
    ...model.containers.map((c) => gauge(RECORDED.containerCpu, { name: c.name }, c.cpu)),
    ...model.containers.map((c) =>
      gauge(
        RECORDED.containerMemoryRatio,
        { name: c.name },
        c.workingSet / (c.limit > 0 ? c.limit : MACHINE_MEMORY),
      ),
    ),
    ...sloSeries(model, slo, { total, errors, buckets }),
  ];
}

/** Every series of the history: the raw ones, then the recording rules' (one interval later). */
export function historySeries(
  model: Model,
  slo: SloSpec = DEFAULT_SLO,
): { raw: LinearSeries[]; recorded: LinearSeries[] } {
  const linear =
    (from: number) =>
    (s: Series): LinearSeries => ({
      labels: { __name__: s.name, ...s.labels },
      perInterval: s.perInterval,
      counter: s.counter,
      from,
    });
  // A rate needs two samples: the rules' series start at the second.
  return {
    raw: rawSeries(model).map(linear(0)),
    recorded: recordedSeries(model, slo).map(linear(1)),
  };
}

/** The exposition-format line prefix of a series, `name{label="value",...} `. */
export function seriesText(s: LinearSeries): string {
  const { __name__: name = "", ...labels } = s.labels;
  return `${name}${labelText(labels)} `;
}
