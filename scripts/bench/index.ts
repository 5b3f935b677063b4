import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  buildModel,
  DEFAULT_SCALE,
  type HistoryFile,
  type HistoryStats,
  type Scale,
  writeHistory,
} from "./model";
import {
  backfill,
  instantQuery,
  rangeQuery,
  startPrometheus,
  type RunningPrometheus,
} from "./prometheus";
import { benchQueries, type BenchQuery } from "./queries";
import { measureRegistration } from "./registration/measure";

/**
 * `npm run bench [-- --endpoints=100 --repeats=5 ...]`: the overview dashboard's query cost on
 * the recording rules against the raw queries, on a backfilled real Prometheus, and the Pulumi
 * program's registration time under mocks against an SDK-only floor. Every option is also an
 * environment variable, BENCH_<NAME> (e.g. BENCH_ENDPOINTS=50).
 */

interface Options extends Scale {
  /** Timed runs of the dashboard, each side. */
  readonly repeats: number;
  /** Child processes per registration side. */
  readonly registrationRepeats: number;
  /** Dashboard panel width in pixels: step = max(15 s, range / width). */
  readonly width: number;
}

function options(argv: readonly string[]): Options {
  const defaults: Options = { ...DEFAULT_SCALE, repeats: 5, registrationRepeats: 15, width: 1000 };
  const args = new Map(
    argv.flatMap((a) => {
      const m = /^--([\w-]+)=(.*)$/.exec(a);
      return m ? [[m[1], m[2]] as const] : [];
    }),
  );
  const out: Record<string, number> = { ...defaults };
  for (const key of Object.keys(defaults)) {
    const env = `BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const text = args.get(key) ?? process.env[env];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`--${key} / ${env}: expected a positive number, got "${text}"`);
    }
    out[key] = value;
  }
  for (const key of args.keys()) {
    if (!(key in defaults))
      throw new Error(`unknown option --${key}; known: ${Object.keys(defaults).join(", ")}`);
  }
  return out as unknown as Options;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

const showSpread = (s: Spread): string =>
  `median ${seconds(s.median)} (min ${seconds(s.min)}, max ${seconds(s.max)})`;

/** One pass over the dashboard: every query once, in order, one at a time; ms per query. */
async function dashboardPass(
  prom: RunningPrometheus,
  queries: readonly string[],
  range: { start: number; end: number; step: number },
): Promise<number[]> {
  const times: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    await rangeQuery(prom.url, q, range.start, range.end, range.step);
    times.push(performance.now() - t0);
  }
  return times;
}

/** Both sides at the last instant must agree: the recorded series stand for the raw queries. */
async function checkEquivalence(
  prom: RunningPrometheus,
  queries: readonly BenchQuery[],
  time: number,
): Promise<void> {
  for (const q of queries.filter((x) => x.usesRule)) {
    const [recorded, raw] = await Promise.all([
      instantQuery(prom.url, q.recorded, time),
      instantQuery(prom.url, q.raw, time),
    ]);
    const values = (r: typeof raw): number[] =>
      r.map((s) => Number(s.value?.[1])).sort((a, b) => a - b);
    const a = values(recorded);
    const b = values(raw);
    const worst = a.reduce(
      (w, v, i) => Math.max(w, Math.abs(v - (b[i] ?? NaN)) / Math.max(Math.abs(v), 1e-12)),
      0,
    );
    if (a.length === 0 || a.length !== b.length || !(worst < 1e-6)) {
      throw new Error(
        `${q.id}: recorded (${String(a.length)} series) and raw (${String(b.length)} series) disagree, worst relative difference ${String(worst)}`,
      );
    }
  }
}

/**
 * Writes the history one block range at a time and backfills each file as soon as it is written,
 * at most one promtool per CPU, then moves the blocks into `data`. Each file is removed once
 * backfilled, so at most a few block ranges of OpenMetrics are on disk at once.
 */
async function loadHistory(
  dir: string,
  data: string,
  model: ReturnType<typeof buildModel>,
  end: number,
): Promise<{ stats: HistoryStats; writeMs: number; backfillMs: number[]; concurrency: number }> {
  const concurrency = Math.max(1, os.cpus().length);
  const queue: HistoryFile[] = [];
  const running = new Set<Promise<void>>();
  const backfillMs: number[] = [];
  const failures: unknown[] = [];
  const blocks = path.join(dir, "blocks");
  let wake: (() => void) | undefined;
  const startNext = (): void => {
    while (running.size < concurrency && queue.length > 0) {
      const next = queue.shift();
      if (next === undefined) break;
      const out = `${blocks}-${path.basename(next.file, ".om")}`;
      const job: Promise<void> = backfill(next.file, out)
        .then((ms) => {
          backfillMs.push(ms);
        })
        .catch((e: unknown) => {
          failures.push(e);
        })
        .finally(() => {
          fs.rmSync(next.file, { force: true });
          running.delete(job);
          startNext();
          wake?.();
        });
      running.add(job);
    }
  };
  const t0 = performance.now();
  const stats = await writeHistory(dir, model, end, (file) => {
    queue.push(file);
    startNext();
  });
  const writeMs = performance.now() - t0;
  while (running.size > 0 || queue.length > 0) {
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (failures.length > 0) throw failures[0];
  // Each promtool wrote its blocks (ULID directories with a meta.json) into its own directory.
  fs.mkdirSync(data, { recursive: true });
  for (const out of fs.readdirSync(dir).filter((d) => d.startsWith("blocks-"))) {
    for (const block of fs.readdirSync(path.join(dir, out))) {
      if (fs.existsSync(path.join(dir, out, block, "meta.json"))) {
        fs.renameSync(path.join(dir, out, block), path.join(data, block));
      }
    }
  }
  return { stats, writeMs, backfillMs, concurrency };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const totalStart = performance.now();
  console.log(
    `machine: ${String(os.cpus().length)} CPUs (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  console.log(`scale: ${JSON.stringify(opts)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timemanager-bench-"));
  let prom: RunningPrometheus | undefined;
  const cleanup = (): void => {
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void (prom?.stop() ?? Promise.resolve()).finally(() => {
      cleanup();
      process.exit(130);
    });
  });
  try {
    // Registration first, on a quiet machine.
    const registrations = measureRegistration(dir, opts.registrationRepeats);
    console.log(
      `\nregistration under mocks (fresh process each, ${String(opts.registrationRepeats)} runs per side):`,
    );
    for (const r of registrations) {
      const program = spread(r.program.wallMs);
      const floor = spread(r.floor.wallMs);
      console.log(`  ${r.mode}:`);
      console.log(`    program (${String(r.program.resources)} resources): ${showSpread(program)}`);
      console.log(
        `    floor (the program's ${String(r.modules)} node_modules files, no program): ${showSpread(floor)}`,
      );
      console.log(
        `    ratio program / floor: ${(program.median / floor.median).toFixed(2)}x${r.mode === "compiled" ? " (target <= 1.5x)" : " (includes transpiling the program, for information)"}`,
      );
      const programCpu = spread(r.program.cpuMs).median;
      const floorCpu = spread(r.floor.cpuMs).median;
      console.log(
        `    CPU time (user + system), median: program ${seconds(programCpu)}, floor ${seconds(floorCpu)}, ratio ${(programCpu / floorCpu).toFixed(2)}x`,
      );
    }

    const model = buildModel(opts);
    const end = Math.floor(Date.now() / 1000 / opts.interval) * opts.interval - opts.interval;
    const data = path.join(dir, "data");
    const t0 = performance.now();
    const load = await loadHistory(dir, data, model, end);
    const stats = load.stats;
    console.log(
      `\nhistory: ${String(stats.rawSeries)} raw + ${String(stats.recordedSeries)} recorded series, ${String(stats.samples)} samples, ${(stats.bytes / 2 ** 20).toFixed(0)} MiB of OpenMetrics in ${String(stats.files)} files (one per 2 h block)`,
    );
    console.log(
      `written in ${seconds(load.writeMs)}; backfilled (promtool tsdb create-blocks-from openmetrics, ${String(load.concurrency)} at a time, as each file is written) in ${seconds(load.backfillMs.reduce((a, b) => a + b, 0))} of promtool time; both together ${seconds(performance.now() - t0)}, ${String(Math.round(stats.samples / ((performance.now() - t0) / 1000)))} samples/s`,
    );

    prom = await startPrometheus(dir, data);
    const count = await instantQuery(prom.url, 'count({__name__=~".+"})', end);
    console.log(`series in the TSDB at the last sample: ${count[0]?.value?.[1] ?? "?"}`);

    const rangeSeconds = 6 * 3600;
    const step = Math.max(15, Math.round(rangeSeconds / opts.width));
    // Grafana's $__rate_interval: max(step + scrape interval, 4 x scrape interval), 15 s scrapes.
    const rateInterval = `${String(Math.max(step + 15, 60))}s`;
    const queries = benchQueries(rateInterval, rangeSeconds);
    const range = { start: end - rangeSeconds, end, step };
    console.log(
      `dashboard: ${String(queries.length)} Prometheus queries (${String(queries.filter((q) => q.usesRule).length)} on recording rules), range 6h, step ${String(step)} s, $__rate_interval ${rateInterval}`,
    );
    await checkEquivalence(prom, queries, end);
    console.log("equivalence: every recorded query matches its raw query at the last sample");

    const perQuery = {
      recorded: queries.map((): number[] => []),
      raw: queries.map((): number[] => []),
    };
    const totals = { recorded: [] as number[], raw: [] as number[] };
    for (let i = 0; i < opts.repeats; i++) {
      for (const side of ["recorded", "raw"] as const) {
        const times = await dashboardPass(
          prom,
          queries.map((q) => q[side]),
          range,
        );
        times.forEach((t, j) => perQuery[side][j]?.push(t));
        totals[side].push(times.reduce((a, b) => a + b, 0));
      }
    }
    console.log(`\nper query, median of ${String(opts.repeats)} (recorded | raw):`);
    queries.forEach((q, j) => {
      const r = spread(perQuery.recorded[j] ?? []).median;
      const w = spread(perQuery.raw[j] ?? []).median;
      console.log(
        `  ${seconds(r).padStart(10)} | ${seconds(w).padStart(10)}  ${q.usesRule ? "rule " : "as is"}  ${q.id}`,
      );
    });
    const recorded = spread(totals.recorded);
    const raw = spread(totals.raw);
    const ruleIdx = queries.map((q, j) => (q.usesRule ? j : -1)).filter((j) => j >= 0);
    const sumOver = (side: "recorded" | "raw", idx: readonly number[]): number =>
      idx.reduce((s, j) => s + spread(perQuery[side][j] ?? []).median, 0);
    console.log(`\nwhole dashboard, ${String(opts.repeats)} runs, total query time:`);
    console.log(`  with recording rules: ${showSpread(recorded)}`);
    console.log(`  raw:                  ${showSpread(raw)}`);
    console.log(
      `  ratio raw / recorded: ${(raw.median / recorded.median).toFixed(1)}x (target >= 50x)`,
    );
    console.log(
      `  the ${String(ruleIdx.length)} queries on recording rules only: ${seconds(sumOver("recorded", ruleIdx))} vs ${seconds(sumOver("raw", ruleIdx))} raw, ${(sumOver("raw", ruleIdx) / sumOver("recorded", ruleIdx)).toFixed(1)}x`,
    );
  } finally {
    await prom?.stop();
    cleanup();
  }
  console.log(`\nbenchmark took ${seconds(performance.now() - totalStart)} (target < 10 min)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
