import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { stringify } from "yaml";
import { DEFAULT_SLO } from "../../config";
import { KEYS } from "../../config/keys";
import { JOBS } from "../../components/observability/names";
import { prometheusFlags, SCRAPE_INTERVAL } from "../../components/observability/prometheus/config";
import { renderRules } from "../../components/observability/prometheus/rules";
import { buildModel, historySeries, seriesText, type Scale } from "./model";
import { startPrometheus, type RunningPrometheus } from "./prometheus";
import type { LinearSeries } from "./tsdb";

/**
 * What the default memory limit holds: one real Prometheus per size, each scraping a synthetic
 * exporter of that many active series (the benchmark's backend and cAdvisor series, labels and
 * all) every 15 s, with the program's rules file evaluating every 15 s and the program's flags,
 * its resident memory read from its own `process_resident_memory_bytes` once the head has
 * settled. All sizes run side by side, so the whole measurement takes `minutes`.
 */

export interface MemoryOptions {
  /** Scales of the default model, one Prometheus each. */
  readonly scales: readonly number[];
  /** How long every Prometheus scrapes before the reading. */
  readonly minutes: number;
}

export interface MemoryPoint {
  readonly scale: number;
  /** Active series Prometheus's head holds (prometheus_tsdb_head_series), rules' included. */
  readonly headSeries: number;
  /** Series the exporter serves. */
  readonly scraped: number;
  /** RSS in MiB at each reading, one per scrape interval. */
  readonly rssMiB: readonly number[];
  /** The largest RSS of the last minute, MiB. */
  readonly settledMiB: number;
  /** Change of the last minute's mean RSS against the minute before, percent. */
  readonly driftPercent: number;
}

export interface MemoryFit {
  readonly points: readonly MemoryPoint[];
  /** RSS = interceptMiB + slopeMiB x (series / 100,000), least squares over the points. */
  readonly interceptMiB: number;
  readonly slopeMiBPer100k: number;
  /** The default prometheusMemoryMb. */
  readonly limitMiB: number;
  /** Headroom kept under the limit, as a fraction (0.3). */
  readonly headroom: number;
  /** The most active series whose fitted RSS, plus the headroom, stays under the limit. */
  readonly maxSeries: number;
  /** MiB to add to the limit per 100,000 more series, headroom included. */
  readonly perMoreMiB: number;
}

const HEADROOM = 0.3;
const MIB = 2 ** 20;
const SCRAPE_SECONDS = Number.parseInt(SCRAPE_INTERVAL, 10);

/** One target's exposition: the raw series without job and instance, which the scrape adds. */
function target(
  series: readonly LinearSeries[],
  job: string,
): { prefixes: string[]; perInterval: number[]; counter: boolean[] } {
  const mine = series.filter((s) => s.labels.job === job);
  return {
    prefixes: mine.map((s) =>
      seriesText({
        ...s,
        labels: Object.fromEntries(
          Object.entries(s.labels).filter(([k]) => k !== "job" && k !== "instance"),
        ),
      }),
    ),
    perInterval: mine.map((s) => s.perInterval),
    counter: mine.map((s) => s.counter),
  };
}

/**
 * The exporter: `/<i>/<job>` serves size i's series of that job, every counter one interval
 * further on each scrape, as a real backend's and cAdvisor's would move.
 */
async function startExporter(
  sizes: readonly LinearSeries[][],
): Promise<{ port: number; close(): Promise<void> }> {
  const targets = new Map<string, ReturnType<typeof target> & { scrapes: number }>();
  sizes.forEach((series, i) => {
    for (const job of [JOBS.backend, JOBS.cadvisor]) {
      targets.set(`/${String(i)}/${job}`, { ...target(series, job), scrapes: 0 });
    }
  });
  const server = http.createServer((req, res) => {
    const t = targets.get(req.url ?? "");
    if (t === undefined) {
      res.writeHead(404).end();
      return;
    }
    t.scrapes++;
    const lines: string[] = new Array<string>(t.prefixes.length + 1);
    for (let i = 0; i < t.prefixes.length; i++) {
      const v = t.perInterval[i] ?? 0;
      lines[i] = `${t.prefixes[i] ?? ""}${String(t.counter[i] ? v * t.scrapes : v)}`;
    }
    lines[t.prefixes.length] = "";
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
    res.end(lines.join("\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Reads a metric of Prometheus's own /metrics. */
async function selfMetric(prom: RunningPrometheus, name: string): Promise<number> {
  const text = await (
    await fetch(`${prom.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
  ).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

function prometheusConfig(port: number, i: number): string {
  return stringify({
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    rule_files: ["rules.yml"],
    scrape_configs: [JOBS.backend, JOBS.cadvisor].map((job) => ({
      job_name: job,
      metrics_path: `/${String(i)}/${job}`,
      static_configs: [{ targets: [`127.0.0.1:${String(port)}`] }],
    })),
  });
}

/** A setting's default in config/keys.ts. */
function defaultOf<T>(spec: { readonly default?: T }, key: string): T {
  if (spec.default === undefined) throw new Error(`${key} has no default in config/keys.ts`);
  return spec.default;
}

/** The program's flags, but the config file and TSDB path, which startPrometheus sets. */
function programFlags(): string[] {
  return prometheusFlags({
    retentionDays: defaultOf(KEYS.prometheusRetentionDays, "prometheusRetentionDays"),
    retentionSize: defaultOf(KEYS.prometheusRetentionSize, "prometheusRetentionSize"),
  }).filter((f) => !f.startsWith("--config.file=") && !f.startsWith("--storage.tsdb.path="));
}

/** Least squares of y over x. */
function fitLine(xs: readonly number[], ys: readonly number[]): { a: number; b: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * ((ys[i] ?? 0) - my), 0);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: my - b * mx, b };
}

const mean = (xs: readonly number[]): number =>
  xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);

export async function measureMemory(
  dir: string,
  base: Scale,
  options: MemoryOptions,
  progress: (line: string) => void,
): Promise<MemoryFit> {
  const sizes = options.scales.map((f) => {
    const model = buildModel({
      ...base,
      endpoints: Math.max(1, Math.round(base.endpoints * f)),
      containers: Math.max(1, Math.round(base.containers * f)),
    });
    return historySeries(model).raw;
  });
  const exporter = await startExporter(sizes);
  const running: RunningPrometheus[] = [];
  const rss: number[][] = sizes.map(() => []);
  try {
    for (const [i] of sizes.entries()) {
      const home = path.join(dir, `memory-${String(i)}`);
      fs.mkdirSync(home, { recursive: true });
      fs.writeFileSync(path.join(home, "rules.yml"), renderRules({ slo: DEFAULT_SLO }));
      running.push(
        await startPrometheus(home, path.join(home, "data"), {
          config: prometheusConfig(exporter.port, i),
          flags: programFlags(),
        }),
      );
    }
    const readings = Math.max(2, Math.round((options.minutes * 60) / SCRAPE_SECONDS));
    for (let r = 0; r < readings; r++) {
      await new Promise((resolve) => setTimeout(resolve, SCRAPE_SECONDS * 1000));
      const now = await Promise.all(
        running.map((p) => selfMetric(p, "process_resident_memory_bytes")),
      );
      now.forEach((bytes, i) => rss[i]?.push(bytes / MIB));
      progress(
        `  after ${String((r + 1) * SCRAPE_SECONDS)} s: ${now.map((b) => `${(b / MIB).toFixed(0)} MiB`).join(", ")}`,
      );
    }
    const perMinute = Math.round(60 / SCRAPE_SECONDS);
    const points: MemoryPoint[] = [];
    for (const [i, p] of running.entries()) {
      const values = rss[i] ?? [];
      const last = values.slice(-perMinute);
      const before = values.slice(-2 * perMinute, -perMinute);
      points.push({
        scale: options.scales[i] ?? 0,
        headSeries: await selfMetric(p, "prometheus_tsdb_head_series"),
        scraped: sizes[i]?.length ?? 0,
        rssMiB: values,
        settledMiB: Math.max(...last),
        driftPercent: before.length === 0 ? Number.NaN : (mean(last) / mean(before) - 1) * 100,
      });
    }
    const { a, b } = fitLine(
      points.map((p) => p.headSeries / 100_000),
      points.map((p) => p.settledMiB),
    );
    const limitMiB = defaultOf(KEYS.prometheusMemoryMb, "prometheusMemoryMb");
    return {
      points,
      interceptMiB: a,
      slopeMiBPer100k: b,
      limitMiB,
      headroom: HEADROOM,
      maxSeries: Math.max(0, Math.floor(((limitMiB * (1 - HEADROOM) - a) / b) * 100_000)),
      perMoreMiB: b / (1 - HEADROOM),
    };
  } finally {
    await Promise.all(running.map((p) => p.stop()));
    await exporter.close();
  }
}
