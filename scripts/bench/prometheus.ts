import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, stopProcess } from "../lib/processes";

/** A Prometheus 3 on 127.0.0.1, on the benchmark's TSDB or scraping its exporter. */

const STARTUP_TIMEOUT_MS = 120_000;
const POLL_MS = 250;
/** Longer than any query: the raw side of a large scale can take minutes. */
const QUERY_TIMEOUT_MS = 600_000;

const PROJECT_BIN = path.join(__dirname, "..", "..", ".tools", "prometheus", "bin");

/** PROMETHEUS / PROMTOOL if set, otherwise the project's `.tools/prometheus/bin`. */
export function toolPath(tool: "prometheus" | "promtool"): string {
  const bin = process.env[tool.toUpperCase()] ?? path.join(PROJECT_BIN, tool);
  if (!fs.existsSync(bin)) {
    throw new Error(`${bin} not found: run \`bash scripts/install-prometheus-tools.sh\``);
  }
  return bin;
}

export interface RunningPrometheus {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** What to start Prometheus with; by default an empty config and the query side's flags. */
export interface PrometheusOptions {
  /** prometheus.yml's text; the default scrapes nothing and has no rules. */
  readonly config?: string;
  /** Flags instead of the query benchmark's (retention, no compaction, long query timeout). */
  readonly flags?: readonly string[];
}

/** The query benchmark's flags: keep the written 2 h blocks as they are, allow long queries. */
const QUERY_FLAGS = [
  "--storage.tsdb.retention.time=30d",
  // No compaction in the middle of a timing.
  "--storage.tsdb.max-block-duration=2h",
  "--query.timeout=10m",
  "--query.max-samples=1000000000",
];

/** Starts Prometheus on `data` with its config in `dir`; waits until it is ready. */
export async function startPrometheus(
  dir: string,
  data: string,
  options: PrometheusOptions = {},
): Promise<RunningPrometheus> {
  const config = path.join(dir, "prometheus.yml");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    config,
    options.config ?? "global:\n  scrape_interval: 15s\nscrape_configs: []\n",
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    toolPath("prometheus"),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${String(port)}`,
      ...(options.flags ?? QUERY_FLAGS),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  });
  const stop = (): Promise<void> => stopProcess(child, 10_000);
  const url = `http://127.0.0.1:${String(port)}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      if (ready.ok) return { url, pid: child.pid ?? 0, stop };
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface ApiResponse {
  status: "success" | "error";
  error?: string;
  data?: { result: { metric: Record<string, string>; value?: [number, string] }[] };
}

/** Series of an instant or range query's result. */
export type Result = { metric: Record<string, string>; value?: [number, string] }[];

async function api(url: string, endpoint: string, params: Record<string, string>): Promise<Result> {
  const response = await fetch(`${url}/api/v1/${endpoint}`, {
    method: "POST",
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
  });
  const body = (await response.json()) as ApiResponse;
  if (body.status !== "success" || body.data === undefined) {
    throw new Error(`${endpoint} ${JSON.stringify(params)}: ${body.error ?? "no error text"}`);
  }
  return body.data.result;
}

/** A range query as Grafana sends it; resolves to the number of series returned. */
export async function rangeQuery(
  url: string,
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<number> {
  const result = await api(url, "query_range", {
    query,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  return result.length;
}

/** An instant query at `time`. */
export function instantQuery(url: string, query: string, time: number): Promise<Result> {
  return api(url, "query", { query, time: String(time) });
}
