import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildModel, DEFAULT_SCALE, historySeries, type Scale } from "./model";
import { measureMemory, type MemoryFit } from "./memory";
import { instantQuery, rangeQuery, startPrometheus, type RunningPrometheus } from "./prometheus";
import { DEFAULT_SLO } from "../../config";
import {
  benchQueries,
  type BenchQuery,
  type BenchVariable,
  fill,
  sloBenchQueries,
} from "./queries";
import { compileProgram, measureRegistration } from "./registration/measure";
import { type BlockStats, writeBlocks } from "./tsdb";

/**
 * `npm run bench [-- --endpoints=100 --repeats=5 ...]`: the Pulumi program's registration as
 * Pulumi runs it, against an SDK-only floor; the overview dashboard's query cost on the recording
 * rules and raw, on a real Prometheus, at three scales, and the SLO dashboard's at the default
 * one; and what the default Prometheus memory
 * limit holds, from real Prometheus processes scraping a synthetic exporter. Every option is also
 * an environment variable, BENCH_<NAME> (e.g. BENCH_ENDPOINTS=50, BENCH_SCALES=0.25,1).
 */

interface Options extends Scale {
  /** Timed passes over the dashboard on the recording rules, each scale. */
  readonly repeats: number;
  /** Timed passes over the raw dashboard, each scale (the raw side is the slow one). */
  readonly rawRepeats: number;
  /** Child processes per registration side. */
  readonly registrationRepeats: number;
  /** Dashboard panel width in pixels: step = max(15 s, range / width). */
  readonly width: number;
  /** Factors of the endpoints and containers of the scaling table; 1 is the default scale. */
  readonly scales: readonly number[];
  /** Factors of the default scale the memory measurement runs, one Prometheus each. */
  readonly memoryScales: readonly number[];
  /** Minutes every Prometheus of the memory measurement scrapes before it is read. */
  readonly memoryMinutes: number;
}

const DEFAULTS: Options = {
  ...DEFAULT_SCALE,
  repeats: 15,
  rawRepeats: 1,
  registrationRepeats: 11,
  width: 1000,
  scales: [0.25, 1, 4],
  memoryScales: [0.25, 1, 2, 4],
  memoryMinutes: 3,
};

function options(argv: readonly string[]): Options {
  const args = new Map(
    argv.flatMap((a) => {
      const m = /^--([\w-]+)=(.*)$/.exec(a);
      return m ? [[m[1], m[2]] as const] : [];
    }),
  );
  for (const key of args.keys()) {
    if (!(key in DEFAULTS))
      throw new Error(`unknown option --${key}; known: ${Object.keys(DEFAULTS).join(", ")}`);
  }
  const out: Record<string, number | readonly number[]> = { ...DEFAULTS };
  for (const [key, fallback] of Object.entries(DEFAULTS)) {
    const env = `BENCH_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const text = args.get(key) ?? process.env[env];
    if (text === undefined) continue;
    const values = text.split(",").map(Number);
    if (
      values.some((v) => !Number.isFinite(v) || v <= 0) ||
      (!Array.isArray(fallback) && values.length !== 1)
    ) {
      throw new Error(
        `--${key} / ${env}: expected ${Array.isArray(fallback) ? "positive numbers, comma-separated" : "a positive number"}, got "${text}"`,
      );
    }
    out[key] = Array.isArray(fallback) ? values : (values[0] ?? 0);
  }
  if ((out.memoryScales as readonly number[]).length < 2) {
    throw new Error("--memoryScales / BENCH_MEMORY_SCALES: at least two sizes, to fit a line");
  }
  return out as unknown as Options;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const thousands = (n: number): string => Math.round(n).toLocaleString("en-US");

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

type SideName = "recorded" | "raw";

/** The hidden variables' values on one side: instant queries at the range's end, as Grafana's. */
async function variableValues(
  prom: RunningPrometheus,
  variables: readonly BenchVariable[],
  side: SideName,
  end: number,
  times?: number[],
): Promise<Map<string, string[]>> {
  const values = new Map<string, string[]>();
  for (const v of variables) {
    const t0 = performance.now();
    const result = await instantQuery(prom.url, v[side], end);
    times?.push(performance.now() - t0);
    values.set(
      v.name,
      result.map((r) => r.metric[v.label] ?? ""),
    );
  }
  return values;
}

/**
 * One pass over the dashboard on one side: the hidden variables, then every panel query once, in
 * order, one at a time; ms per query, variables first.
 */
async function dashboardPass(
  prom: RunningPrometheus,
  variables: readonly BenchVariable[],
  queries: readonly BenchQuery[],
  side: SideName,
  range: { start: number; end: number; step: number },
): Promise<number[]> {
  const times: number[] = [];
  const values = await variableValues(prom, variables, side, range.end, times);
  for (const q of queries) {
    const text = fill(q[side], values);
    const t0 = performance.now();
    await rangeQuery(prom.url, text, range.start, range.end, range.step);
    times.push(performance.now() - t0);
  }
  return times;
}

/** Both sides at the last instant must agree: the recorded series stand for the raw queries. */
async function checkEquivalence(
  prom: RunningPrometheus,
  variables: readonly BenchVariable[],
  queries: readonly BenchQuery[],
  time: number,
): Promise<void> {
  const values = {
    recorded: await variableValues(prom, variables, "recorded", time),
    raw: await variableValues(prom, variables, "raw", time),
  };
  const checks = [
    ...variables.map((v) => ({ id: `$${v.name}`, recorded: v.recorded, raw: v.raw })),
    ...queries
      .filter((q) => q.usesRule)
      .map((q) => ({
        id: q.id,
        recorded: fill(q.recorded, values.recorded),
        raw: fill(q.raw, values.raw),
      })),
  ];
  for (const q of checks) {
    const [recorded, raw] = await Promise.all([
      instantQuery(prom.url, q.recorded, time),
      instantQuery(prom.url, q.raw, time),
    ]);
    const sorted = (r: typeof raw): number[] =>
      r.map((s) => Number(s.value?.[1])).sort((a, b) => a - b);
    const a = sorted(recorded);
    const b = sorted(raw);
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

/** The SLO dashboard's measurement: its instant queries at the range's end, each side. */
interface SloRun {
  readonly queries: readonly BenchQuery[];
  /** ms per pass of each query. */
  readonly perQuery: { readonly recorded: number[][]; readonly raw: number[][] };
  readonly totals: { readonly recorded: number[]; readonly raw: number[] };
}

/**
 * The SLO dashboard on the same history: every query checked against its raw one, then
 * `repeats` passes on the rules and `rawRepeats` raw, each query an instant query at `end`, as
 * the dashboard sends them.
 */
async function runSlo(prom: RunningPrometheus, opts: Options, end: number): Promise<SloRun> {
  const queries = sloBenchQueries(DEFAULT_SLO);
  await checkEquivalence(prom, [], queries, end);
  const perQuery = {
    recorded: queries.map((): number[] => []),
    raw: queries.map((): number[] => []),
  };
  const totals = { recorded: [] as number[], raw: [] as number[] };
  for (let i = 0; i < Math.max(opts.repeats, opts.rawRepeats); i++) {
    for (const side of ["recorded", "raw"] as const) {
      if (i >= (side === "raw" ? opts.rawRepeats : opts.repeats)) continue;
      let total = 0;
      for (const [j, q] of queries.entries()) {
        const t0 = performance.now();
        await instantQuery(prom.url, q[side], end);
        const ms = performance.now() - t0;
        perQuery[side][j]?.push(ms);
        total += ms;
      }
      totals[side].push(total);
    }
  }
  return { queries, perQuery, totals };
}

/** One scale's dashboard measurement. */
interface ScaleRun {
  readonly factor: number;
  readonly scale: Scale;
  readonly blocks: BlockStats;
  readonly writeMs: number;
  readonly tsdbSeries: number;
  readonly variables: readonly BenchVariable[];
  readonly queries: readonly BenchQuery[];
  /** ms per pass of each variable, then each query. */
  readonly perQuery: { readonly recorded: number[][]; readonly raw: number[][] };
  readonly totals: { readonly recorded: number[]; readonly raw: number[] };
  /** The SLO dashboard, at the default scale only. */
  readonly slo?: SloRun;
}

/**
 * Writes the scale's history as TSDB blocks, starts Prometheus on them, checks every recorded
 * query against its raw one, then times `repeats` passes on the rules, interleaved with
 * `rawRepeats` raw passes.
 */
async function runScale(
  dir: string,
  opts: Options,
  factor: number,
  onStart: (p: RunningPrometheus | undefined) => void,
): Promise<ScaleRun> {
  const scale: Scale = {
    ...opts,
    endpoints: Math.max(1, Math.round(opts.endpoints * factor)),
    containers: Math.max(1, Math.round(opts.containers * factor)),
  };
  const { raw, recorded } = historySeries(buildModel(scale));
  const steps = Math.floor((scale.hours * 3600) / scale.interval);
  const end = Math.floor(Date.now() / 1000 / scale.interval) * scale.interval - scale.interval;
  const home = path.join(dir, `scale-${String(factor)}`);
  const data = path.join(home, "data");
  const t0 = performance.now();
  const blocks = writeBlocks(data, [...raw, ...recorded], {
    startMs: (end - steps * scale.interval) * 1000,
    intervalMs: scale.interval * 1000,
    steps,
  });
  const writeMs = performance.now() - t0;
  const prom = await startPrometheus(home, data);
  onStart(prom);
  try {
    const count = await instantQuery(prom.url, 'count({__name__=~".+"})', end);
    const rangeSeconds = 6 * 3600;
    const step = Math.max(15, Math.round(rangeSeconds / opts.width));
    // Grafana's $__rate_interval: max(step + scrape interval, 4 x scrape interval), 15 s scrapes.
    const rateInterval = `${String(Math.max(step + 15, 60))}s`;
    const { variables, queries } = benchQueries(rateInterval, rangeSeconds);
    const range = { start: end - rangeSeconds, end, step };
    await checkEquivalence(prom, variables, queries, end);
    const slots = variables.length + queries.length;
    const perQuery = {
      recorded: Array.from({ length: slots }, (): number[] => []),
      raw: Array.from({ length: slots }, (): number[] => []),
    };
    const totals = { recorded: [] as number[], raw: [] as number[] };
    for (let i = 0; i < Math.max(opts.repeats, opts.rawRepeats); i++) {
      for (const side of ["recorded", "raw"] as const) {
        if (i >= (side === "raw" ? opts.rawRepeats : opts.repeats)) continue;
        const times = await dashboardPass(prom, variables, queries, side, range);
        times.forEach((t, j) => perQuery[side][j]?.push(t));
        totals[side].push(times.reduce((a, b) => a + b, 0));
      }
    }
    const slo = factor === 1 ? await runSlo(prom, opts, end) : undefined;
    return {
      factor,
      scale,
      blocks,
      writeMs,
      tsdbSeries: Number(count[0]?.value?.[1] ?? Number.NaN),
      variables,
      queries,
      perQuery,
      totals,
      ...(slo === undefined ? {} : { slo }),
    };
  } finally {
    onStart(undefined);
    await prom.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => spread(values).median;

/** Per panel (its queries' medians summed: Grafana sends them together), ms. */
function panelTimes(run: ScaleRun, side: SideName): Map<string, number> {
  const panels = new Map<string, number>();
  const offset = run.variables.length;
  run.queries.forEach((q, j) => {
    panels.set(q.panel, (panels.get(q.panel) ?? 0) + median(run.perQuery[side][offset + j] ?? []));
  });
  return panels;
}

/** Each row of the per-query table: the hidden variables, then the panel queries. */
function rows(run: ScaleRun): { id: string; kind: string }[] {
  return [
    ...run.variables.map((v) => ({
      id: `$${v.name} (instant, hidden variable)`,
      kind: v.usesRule ? "rule " : "as is",
    })),
    ...run.queries.map((q) => ({ id: q.id, kind: q.usesRule ? "rule " : "as is" })),
  ];
}

function reportDefaultScale(run: ScaleRun, opts: Options): void {
  const { perQuery, totals } = run;
  console.log(
    `\nper query at the default scale, median of ${String(opts.repeats)} on the rules | of ${String(opts.rawRepeats)} raw:`,
  );
  rows(run).forEach((row, j) => {
    const r = median(perQuery.recorded[j] ?? []);
    const w = median(perQuery.raw[j] ?? []);
    console.log(
      `  ${seconds(r).padStart(10)} | ${seconds(w).padStart(10)}  ${row.kind}  ${row.id}`,
    );
  });
  const recorded = spread(totals.recorded);
  const raw = spread(totals.raw);
  const slowest = [...panelTimes(run, "recorded")].sort((a, b) => b[1] - a[1])[0] ?? ["?", 0];
  console.log(`\nwhole dashboard at the default scale, total query time:`);
  console.log(`  with recording rules (${String(opts.repeats)} passes): ${showSpread(recorded)}`);
  console.log(`  raw (${String(opts.rawRepeats)} passes):                  ${showSpread(raw)}`);
  console.log(
    `  ratio raw / recorded: ${(raw.median / recorded.median).toFixed(1)}x (goal >= 100x)`,
  );
  console.log(
    `  slowest panel on the rules: ${seconds(slowest[1])} "${slowest[0]}" (goal: every panel < 50 ms); the ${String(run.variables.length)} hidden variables together ${seconds(run.variables.reduce((sum, _, j) => sum + median(perQuery.recorded[j] ?? []), 0))}`,
  );
}

function reportSlo(slo: SloRun, opts: Options): void {
  console.log(
    `\nthe SLO dashboard at the default scale (${String(slo.queries.length)} instant queries at the range's end), median of ${String(opts.repeats)} on the rules | of ${String(opts.rawRepeats)} raw:`,
  );
  slo.queries.forEach((q, j) => {
    const r = median(slo.perQuery.recorded[j] ?? []);
    const w = median(slo.perQuery.raw[j] ?? []);
    console.log(`  ${seconds(r).padStart(10)} | ${seconds(w).padStart(10)}  rule   ${q.id}`);
  });
  const recorded = spread(slo.totals.recorded);
  const raw = spread(slo.totals.raw);
  console.log(`  whole SLO dashboard, with recording rules: ${showSpread(recorded)}`);
  console.log(`  raw:                                      ${showSpread(raw)}`);
  console.log(`  ratio raw / recorded: ${(raw.median / recorded.median).toFixed(1)}x`);
}

function reportScaling(runs: readonly ScaleRun[]): void {
  // Totals include the hidden variables' queries, which Grafana runs on every refresh too.
  console.log(
    `\nscaling: the same dashboard (range 6h, step ${String(Math.max(15, Math.round(21600 / 1000)))} s), medians of the total query time`,
  );
  console.log(
    `  ${"scale".padEnd(7)}${"series".padStart(10)}${"on the rules".padStart(15)}${"raw".padStart(12)}${"raw/rules".padStart(11)}   slowest panel on the rules`,
  );
  for (const run of runs) {
    const recorded = median(run.totals.recorded);
    const raw = median(run.totals.raw);
    const slowest = [...panelTimes(run, "recorded")].sort((a, b) => b[1] - a[1])[0] ?? ["?", 0];
    console.log(
      `  ${`${String(run.factor)}x`.padEnd(7)}${thousands(run.tsdbSeries).padStart(10)}${seconds(recorded).padStart(15)}${seconds(raw).padStart(12)}${`${(raw / recorded).toFixed(0)}x`.padStart(11)}   ${seconds(slowest[1])} ${slowest[0]}`,
    );
  }
  const first = runs.at(0);
  const last = runs.at(-1);
  if (first !== undefined && last !== undefined && first !== last) {
    const growth = (side: "recorded" | "raw"): string =>
      (median(last.totals[side]) / median(first.totals[side])).toFixed(2);
    console.log(
      `  ${String(first.factor)}x -> ${String(last.factor)}x: series x${(last.tsdbSeries / first.tsdbSeries).toFixed(1)}, on the rules x${growth("recorded")} (goal <= 1.5x), raw x${growth("raw")}`,
    );
  }
}

function reportMemory(fit: MemoryFit, minutes: number): void {
  console.log(
    `\nmemory: Prometheus scraping N active series every 15 s with the program's rules and flags, RSS (process_resident_memory_bytes) the largest of the last minute after ${String(minutes)} min:`,
  );
  console.log(
    `  ${"scale".padEnd(7)}${"head series".padStart(12)}${"RSS".padStart(11)}   last minute vs the one before`,
  );
  for (const p of fit.points) {
    console.log(
      `  ${`${String(p.scale)}x`.padEnd(7)}${thousands(p.headSeries).padStart(12)}${`${p.settledMiB.toFixed(0)} MiB`.padStart(11)}   ${p.driftPercent >= 0 ? "+" : ""}${p.driftPercent.toFixed(1)} %`,
    );
  }
  console.log(
    `  fit: RSS = ${fit.interceptMiB.toFixed(0)} MiB + ${fit.slopeMiBPer100k.toFixed(0)} MiB per 100,000 series (${((fit.slopeMiBPer100k * 2 ** 20) / 100_000).toFixed(0)} bytes a series)`,
  );
  console.log(
    `  the default prometheusMemoryMb (${String(fit.limitMiB)} MiB) holds about ${thousands(fit.maxSeries)} active series with ${String(fit.headroom * 100)} % of it free; add ${fit.perMoreMiB.toFixed(0)} MiB per 100,000 more`,
  );
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const totalStart = performance.now();
  console.log(
    `machine: ${String(os.cpus().length)} CPUs (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
  );
  console.log(`options: ${JSON.stringify(opts)}`);

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
    const compileMs = compileProgram();
    const registrations = measureRegistration(
      dir,
      opts.registrationRepeats,
      Math.max(1, Math.ceil(opts.registrationRepeats / 2)),
    );
    console.log(
      `\nregistration under mocks (fresh process each, ${String(opts.registrationRepeats)} runs per side, interleaved, half as many for the last)${compileMs === undefined ? "" : `; the program compiled first by npm run compile in ${seconds(compileMs)}`}:`,
    );
    for (const r of registrations) {
      const program = spread(r.program.wallMs);
      const floor = spread(r.floor.wallMs);
      console.log(`  ${r.title}:`);
      const info = r.mode === "pulumi-no-source-maps";
      console.log(`    program (${String(r.program.resources)} resources): ${showSpread(program)}`);
      console.log(
        `    floor (the program's ${String(r.modules)} node_modules files, no program): ${showSpread(floor)}`,
      );
      console.log(
        `    ratio program / floor: ${(program.median / floor.median).toFixed(2)}x${r.mode === "pulumi" ? " (goal <= 1.5x)" : info ? " (for information)" : ""}`,
      );
      const programCpu = median(r.program.cpuMs);
      const floorCpu = median(r.floor.cpuMs);
      console.log(
        `    CPU time (user + system), median: program ${seconds(programCpu)}, floor ${seconds(floorCpu)}, ratio ${(programCpu / floorCpu).toFixed(2)}x`,
      );
    }

    const runs: ScaleRun[] = [];
    for (const factor of opts.scales) {
      const t0 = performance.now();
      const run = await runScale(dir, opts, factor, (p) => (prom = p));
      runs.push(run);
      console.log(
        `\nscale ${String(factor)}x: ${String(run.scale.endpoints)} endpoints x ${String(run.scale.methods)} methods x ${String(run.scale.statuses)} statuses x ${String(run.scale.buckets)} buckets, ${String(run.scale.containers)} containers, ${String(run.scale.hours)} h at ${String(run.scale.interval)} s: ${thousands(run.tsdbSeries)} series, ${thousands(run.blocks.samples)} samples in ${String(run.blocks.blocks)} blocks (${(run.blocks.bytes / 2 ** 20).toFixed(0)} MiB) written in ${seconds(run.writeMs)}; every recorded query matches its raw one; ${seconds(performance.now() - t0)} in all`,
      );
      if (factor === 1) reportDefaultScale(run, opts);
      if (run.slo !== undefined) reportSlo(run.slo, opts);
    }
    reportScaling(runs);

    const t0 = performance.now();
    console.log(
      `\nmemory: ${String(opts.memoryScales.length)} Prometheus side by side for ${String(opts.memoryMinutes)} min...`,
    );
    const fit = await measureMemory(
      dir,
      opts,
      { scales: opts.memoryScales, minutes: opts.memoryMinutes },
      () => undefined,
    );
    reportMemory(fit, opts.memoryMinutes);
    console.log(`  (${seconds(performance.now() - t0)})`);
  } finally {
    await prom?.stop();
    cleanup();
  }
  console.log(`\nbenchmark took ${seconds(performance.now() - totalStart)} (goal < 15 min)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
