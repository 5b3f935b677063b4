import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { JOBS, PATHS } from "../../components/observability/names";
import {
  prometheusFlags,
  renderPrometheusConfig,
} from "../../components/observability/prometheus/config";
import {
  RECORDED,
  renderRules,
  sloRecordingRules,
} from "../../components/observability/prometheus/rules";
import type { SloSpec } from "../../components/observability/slo";
import { startExporter, type Exporter, type Mode } from "../helpers/exporter";
import { freePort, stopProcess } from "../../scripts/lib/processes";
import { substituteGrafanaVariables } from "../helpers/grammars";
import { runTool } from "../helpers/tools";
import { DEFAULT_SLO } from "../../config";

/**
 * A real Prometheus running the rendered prometheus.yml and rules file against the synthetic
 * exporter, everything on 127.0.0.1. Only the targets and the intervals differ from what the
 * container gets: scrapes and rule evaluations every second, so the test need not wait.
 */

/** Scrape and evaluation interval in the test. */
export const TEST_INTERVAL = "1s";
/** History backfilled before Prometheus starts: more than the rules' 5-minute windows. */
export const HISTORY_SECONDS = 360;
/** The jobs whose targets are left on closed ports, so that their `up` is 0. */
export const DOWN_JOBS = [JOBS.loki, JOBS.tempo, JOBS.grafana, JOBS.logShipper] as const;

const STARTUP_TIMEOUT_MS = 20_000;
const POLL_MS = 200;
const QUERY_TIMEOUT_MS = 5_000;

/** One series of an instant vector. */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

interface ApiResponse {
  status: "success" | "error";
  data?: {
    resultType: string;
    result: { metric: Record<string, string>; value: [number, string] }[];
  };
  errorType?: string;
  error?: string;
  warnings?: string[];
}

interface RulesResponse {
  data: { groups: { name: string; lastEvaluation: string }[] };
}

async function get(url: string): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
}

/**
 * Runs one instant query. Throws unless Prometheus answers success with at least one series,
 * every value a number and no warning; the message names `owner` (the panel or alert) and the
 * query, as written and as sent.
 */
export async function queryWithData(
  baseUrl: string,
  owner: string,
  expr: string,
  variables: Readonly<Record<string, string>> = {},
): Promise<PromSample[]> {
  const sent = substituteGrafanaVariables(expr, variables);
  const fail = (why: string): Error =>
    new Error(`${owner}: ${why}\n  query:   ${expr}\n  sent as: ${sent}`);
  const response = await get(`${baseUrl}/api/v1/query?query=${encodeURIComponent(sent)}`);
  const body = (await response.json()) as ApiResponse;
  if (body.status !== "success" || body.data === undefined) {
    throw fail(`Prometheus answered ${body.errorType ?? "?"}: ${body.error ?? "no error text"}`);
  }
  if (body.data.resultType !== "vector") {
    throw fail(`expected an instant vector, got a ${body.data.resultType}`);
  }
  if (body.data.result.length === 0) {
    throw fail("no data (an empty result)");
  }
  if (body.warnings !== undefined && body.warnings.length > 0) {
    throw fail(`warnings: ${body.warnings.join("; ")}`);
  }
  const samples = body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  const nan = samples.filter((s) => !Number.isFinite(s.value));
  if (nan.length > 0) {
    throw fail(`not a number for ${JSON.stringify(nan.map((s) => s.metric))}`);
  }
  return samples;
}

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
}
interface PrometheusYaml {
  global: Record<string, string>;
  scrape_configs: ScrapeConfig[];
}

/**
 * The rendered prometheus.yml with every job's target replaced from `targets` and the test's
 * intervals. A job missing from `targets` is an error: a target left as rendered would be
 * resolved through DNS, off this machine.
 */
export function testPrometheusConfig(
  rendered: string,
  targets: Readonly<Partial<Record<string, string>>>,
): string {
  const config = parse(rendered) as PrometheusYaml;
  config.global = {
    ...config.global,
    scrape_interval: TEST_INTERVAL,
    evaluation_interval: TEST_INTERVAL,
  };
  for (const job of config.scrape_configs) {
    const target = targets[job.job_name];
    if (target === undefined) {
      throw new Error(`no test target for scrape job ${job.job_name}`);
    }
    job.static_configs = [{ targets: [target] }];
  }
  return stringify(config);
}

/** A running Prometheus and the exporter it scrapes. */
export interface PrometheusStack {
  readonly mode: Mode;
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly exporter: Exporter;
  /** What Prometheus printed so far, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  child: ChildProcess,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not listening yet, or a query that has no data yet: try again.
    }
    if (child.exitCode !== null) {
      throw new Error(`prometheus exited (${String(child.exitCode)}) before ${what}\n${logs()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${String(STARTUP_TIMEOUT_MS)} ms waiting for ${what}\n${logs()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Starts the exporter in `mode`, backfills its history with promtool, then starts Prometheus on
 * the rendered files laid out as in the container (the SLO rules for `slo`), and waits until
 * every job has been scraped and every recording rule has a value.
 */
export async function startPrometheusStack(
  mode: Mode,
  bins: { readonly prometheus: string; readonly promtool: string },
  slo: SloSpec = DEFAULT_SLO,
): Promise<PrometheusStack> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `prometheus-live-${mode}-`));
  const inRoot = (containerPath: string): string => path.join(root, containerPath);
  const exporter = await startExporter(mode, HISTORY_SECONDS);
  const port = await freePort();
  const closed = async (): Promise<string> => `127.0.0.1:${String(await freePort())}`;

  const rendered = renderPrometheusConfig({
    backendTarget: exporter.targets.backend,
    traefikTarget: exporter.targets.traefik,
    logShipperTarget: await closed(),
  });
  const targets: Record<string, string> = {
    [JOBS.prometheus]: `127.0.0.1:${String(port)}`,
    [JOBS.backend]: exporter.targets.backend,
    [JOBS.traefik]: exporter.targets.traefik,
    [JOBS.cadvisor]: exporter.targets.cadvisor,
  };
  for (const job of DOWN_JOBS) targets[job] = await closed();
  for (const [file, text] of [
    [PATHS.prometheusConfig, testPrometheusConfig(rendered, targets)],
    [PATHS.prometheusRules, renderRules({ slo })],
  ] as const) {
    fs.mkdirSync(path.dirname(inRoot(file)), { recursive: true });
    fs.writeFileSync(inRoot(file), text);
  }

  const data = inRoot(PATHS.prometheusData);
  const history = path.join(root, "history.om");
  fs.writeFileSync(
    history,
    exporter.history(
      { backend: JOBS.backend, traefik: JOBS.traefik, cadvisor: JOBS.cadvisor },
      Date.now(),
    ),
  );
  const backfill = runTool(bins.promtool, [
    "tsdb",
    "create-blocks-from",
    "openmetrics",
    history,
    data,
  ]);
  if (backfill.status !== 0) throw new Error(`backfill failed:\n${backfill.output}`);

  // The container's flags, with the config and the data where this test put them.
  const flags = prometheusFlags({ retentionDays: 1, retentionSize: "1GB" }).map((flag) =>
    flag
      .replace(`=${PATHS.prometheusConfig}`, `=${inRoot(PATHS.prometheusConfig)}`)
      .replace(`=${PATHS.prometheusData}`, `=${data}`),
  );
  const child = spawn(
    bins.prometheus,
    [...flags, `--web.listen-address=127.0.0.1:${String(port)}`],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const logs = (): string => `prometheus (${mode}) printed:\n${output.slice(-4000)}`;
  const url = `http://127.0.0.1:${String(port)}`;

  const stop = async (): Promise<void> => {
    await stopProcess(child, 5_000);
    await exporter.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitFor("/-/ready", async () => (await get(`${url}/-/ready`)).ok, child, logs);
    const jobs = Object.keys(targets).length;
    await waitFor(
      `an up sample for each of the ${String(jobs)} jobs`,
      async () => {
        const up = await queryWithData(url, "startup", "up");
        return up.length === jobs;
      },
      child,
      logs,
    );
    // Alerts on `up` are only right once their group has run on every job's first scrape.
    const scrapedAt = Date.now();
    await waitFor(
      "an evaluation of every rule group after every job's first scrape",
      async () => {
        const body = (await (await get(`${url}/api/v1/rules`)).json()) as RulesResponse;
        return body.data.groups.every((g) => Date.parse(g.lastEvaluation) > scrapedAt);
      },
      child,
      logs,
    );
    const records = [...Object.values(RECORDED), ...sloRecordingRules(slo).map((r) => r.record)];
    for (const recorded of records) {
      await waitFor(
        `a value of ${recorded}`,
        async () => {
          await queryWithData(url, "startup", recorded);
          return true;
        },
        child,
        logs,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { mode, url, exporter, logs, stop };
}
