import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import {
  CADVISOR_METRIC_RELABELINGS,
  toPrometheusRelabelConfig,
} from "../../../components/kubernetes/adapters";
import { dashboardQueries } from "../../../components/observability/grafana/dashboard";
import { DATASOURCE_UIDS } from "../../../components/observability/names";
import { RECORDED, renderRules } from "../../../components/observability/prometheus/rules";
import { VARIABLES } from "../../../components/observability/grafana/panels";
import { substituteGrafanaVariables } from "../../../scripts/lib/grafana-variables";
import { freePort, stopProcess } from "../../../scripts/lib/processes";
import { describeWithTool } from "../../helpers/tools";
import { DEFAULT_SLO } from "../../../config";

/*
 * The cAdvisor label adapter on a real Prometheus: relabeling happens only at scrape time, so
 * promtool cannot show it. A synthetic kubelet serves /metrics/cadvisor as the kubelet labels it
 * (id, name = the runtime's 64-hex container ID, image, namespace, pod, container; "" when
 * unknown); Prometheus scrapes it every second with CADVISOR_METRIC_RELABELINGS as
 * metric_relabel_configs and loads the program's rules file. Everything on 127.0.0.1.
 */

const INTERVAL = "1s";
const STARTUP_TIMEOUT_MS = 30_000;
const POLL_MS = 200;
const HOST_MEMORY = 8e9;

type Labels = Readonly<Record<string, string>>;

/** The labels the kubelet gives every cgroup series, "" when unknown. */
type CgroupLabels = Readonly<
  Record<"id" | "name" | "image" | "namespace" | "pod" | "container", string>
>;

/** One cgroup as the kubelet reports it, and what it uses. */
interface Cgroup {
  readonly labels: CgroupLabels;
  /** CPU seconds per second. */
  readonly cpu: number;
  readonly workingSet: number;
  /** 0: no limit, as cAdvisor reports it. */
  readonly limit: number;
}

type Usage = Omit<Cgroup, "labels">;

/** A pod: where it runs and its own cgroup's path. */
interface Pod {
  readonly namespace: string;
  readonly pod: string;
  readonly cgroup: string;
}

const BACKEND: Pod = {
  namespace: "shop",
  pod: "backend-7d9c5b-x2k4q",
  cgroup: "/kubepods/burstable/pod1111",
};
const TRAEFIK: Pod = {
  namespace: "shop",
  pod: "traefik-5f6d8-abcde",
  cgroup: "/kubepods/besteffort/pod2222",
};
const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

/** A container of `pod`, which the kubelet names by the runtime's 64-hex ID. */
const inPod = (
  pod: Pod,
  container: string,
  idDigit: string,
  image: string,
  usage: Usage,
): Cgroup => {
  const runtimeId = idDigit.repeat(64);
  return {
    labels: {
      id: `${pod.cgroup}/${runtimeId}`,
      name: runtimeId,
      image,
      namespace: pod.namespace,
      pod: pod.pod,
      container,
    },
    ...usage,
  };
};

/** A pod's own cgroup: its containers' sum, without container, image or runtime name. */
const podLevel = (pod: Pod, usage: Usage): Cgroup => ({
  labels: {
    id: pod.cgroup,
    name: "",
    image: "",
    namespace: pod.namespace,
    pod: pod.pod,
    container: "",
  },
  ...usage,
});

/** One of the node's own cgroups: no pod at all. */
const nodeLevel = (id: string, usage: Usage): Cgroup => ({
  labels: { id, name: "", image: "", namespace: "", pod: "", container: "" },
  ...usage,
});

/** The app's containers: they alone must come out, each named <namespace>/<pod>/<container>. */
const APP = {
  api: inPod(BACKEND, "api", "a", "registry.example/backend:1.4.2", {
    cpu: 0.25,
    workingSet: 250e6,
    limit: 1e9,
  }),
  worker: inPod(BACKEND, "worker", "b", "registry.example/backend:1.4.2", {
    cpu: 0.5,
    workingSet: 375e6,
    limit: 500e6,
  }),
  // No memory limit: cAdvisor reports 0.
  traefik: inPod(TRAEFIK, "traefik", "c", "traefik:v3.5", {
    cpu: 0.125,
    workingSet: 100e6,
    limit: 0,
  }),
} as const;

const PAUSE: Usage = { cpu: 0.001, workingSet: 1e6, limit: 0 };

/** Cgroups that hold the app containers' usage again, or the sandboxes: none may come out. */
const NOT_CONTAINERS: readonly Cgroup[] = [
  podLevel(BACKEND, { cpu: 0.751, workingSet: 626e6, limit: 1.5e9 }),
  // The pause container as dockershim reports it.
  inPod(BACKEND, "POD", "d", PAUSE_IMAGE, PAUSE),
  podLevel(TRAEFIK, { cpu: 0.126, workingSet: 101e6, limit: 0 }),
  // The sandbox as containerd reports it: no container name.
  inPod(TRAEFIK, "", "e", PAUSE_IMAGE, PAUSE),
  nodeLevel("/", { cpu: 2, workingSet: 4e9, limit: 0 }),
  nodeLevel("/system.slice/kubelet.service", { cpu: 0.1, workingSet: 80e6, limit: 0 }),
];

/** Series kube-prometheus-stack drops for cost, on an app container, where they would stay. */
const COST_DROPPED = [
  "container_cpu_user_seconds_total",
  "container_spec_cpu_shares",
  "container_memory_swap",
  'container_memory_failures_total{scope="hierarchy"}',
] as const;

const selector = (labels: Labels): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;

/** One metric family in the text format: its type line, then each series' line. */
function family(
  name: string,
  type: "counter" | "gauge",
  series: readonly (readonly [Labels, number])[],
): string[] {
  return [
    `# TYPE ${name} ${type}`,
    ...series.map(([labels, value]) => `${name}${selector(labels)} ${String(value)}`),
  ];
}

/** /metrics/cadvisor at `seconds` since start: counters are rate x seconds, gauges constant. */
function cadvisorText(seconds: number): string {
  const cgroups = [...Object.values(APP), ...NOT_CONTAINERS];
  const every = (value: (c: Cgroup) => number): (readonly [Labels, number])[] =>
    cgroups.map((c) => [c.labels, value(c)] as const);
  const api = APP.api.labels;
  return [
    ...family(
      "container_cpu_usage_seconds_total",
      "counter",
      every((c) => c.cpu * seconds),
    ),
    ...family(
      "container_memory_working_set_bytes",
      "gauge",
      every((c) => c.workingSet),
    ),
    ...family(
      "container_spec_memory_limit_bytes",
      "gauge",
      every((c) => c.limit),
    ),
    // What the chart drops for cost, on a container whose other series stay.
    ...family("container_cpu_user_seconds_total", "counter", [[api, APP.api.cpu * seconds]]),
    ...family("container_spec_cpu_shares", "gauge", [[api, 1024]]),
    ...family("container_memory_swap", "gauge", [[api, 0]]),
    ...family(
      "container_memory_failures_total",
      "counter",
      ["container", "hierarchy"].map((scope) => [{ ...api, failure_type: "pgfault", scope }, 7]),
    ),
    ...family("machine_memory_bytes", "gauge", [
      [{ boot_id: "b0", machine_id: "m0", system_uuid: "u0" }, HOST_MEMORY],
    ]),
    "",
  ].join("\n");
}

/** One series of an instant vector. */
interface Sample {
  readonly metric: Labels;
  readonly value: number;
}

interface QueryResponse {
  status: string;
  error?: string;
  data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** An instant query; an empty result is an answer, an error is thrown with the query. */
async function query(url: string, expr: string): Promise<Sample[]> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as QueryResponse;
  if (body.status !== "success" || body.data === undefined) {
    throw new Error(`${expr}: Prometheus answered ${body.error ?? body.status}`);
  }
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Each series' value keyed by one label; a key seen twice is an error, not an overwrite. */
function valuesBy(samples: readonly Sample[], label: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const { metric, value } of samples) {
    const key = metric[label] ?? "";
    if (key in values) throw new Error(`two series with ${label}="${key}"`);
    values[key] = value;
  }
  return values;
}

/** The Prometheus query of a dashboard panel, unchanged: the one Grafana runs on Docker too. */
function panelExpr(title: string): string {
  const panel = dashboardQueries().filter(
    (q) => q.panel === title && q.datasourceUid === DATASOURCE_UIDS.prometheus,
  );
  if (panel.length !== 1) throw new Error(`expected one Prometheus query in panel "${title}"`);
  // As Grafana sends it: $__range and the other built-ins filled in, and the hidden top-10
  // container variables holding every container (fewer than 10 here).
  return substituteGrafanaVariables(panel[0].expr, {
    [VARIABLES.cpuContainers]: ".*",
    [VARIABLES.memoryContainers]: ".*",
    [VARIABLES.memoryRatioContainers]: ".*",
  });
}

const nameOf = (c: Cgroup): string => `${c.labels.namespace}/${c.labels.pod}/${c.labels.container}`;
const APP_NAMES = Object.values(APP).map(nameOf).sort();
const byName = (value: (c: Cgroup) => number): Record<string, number> =>
  Object.fromEntries(Object.values(APP).map((c) => [nameOf(c), value(c)]));

describeWithTool("prometheus", (prometheus) => {
  let root: string;
  let kubelet: http.Server | undefined;
  let child: ChildProcess | undefined;
  let output = "";
  let url: string;

  const logs = (): string => `prometheus printed:\n${output.slice(-4000)}`;

  async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // Not listening yet: try again.
      }
      if (child?.exitCode !== null) {
        throw new Error(`prometheus exited before ${what}\n${logs()}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs()}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "kubelet-cadvisor-"));
    const started = Date.now();
    kubelet = http.createServer((req, res) => {
      if (req.url !== "/metrics/cadvisor") {
        res.writeHead(404).end();
        return;
      }
      // Prometheus 3 refuses a scrape whose Content-Type it does not know.
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(cadvisorText((Date.now() - started) / 1000));
    });
    const server = kubelet;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const kubeletPort = (server.address() as { port: number }).port;

    const rules = path.join(root, "rules.yml");
    fs.writeFileSync(rules, renderRules({ slo: DEFAULT_SLO }));
    const config = path.join(root, "prometheus.yml");
    fs.writeFileSync(
      config,
      stringify({
        global: { scrape_interval: INTERVAL, evaluation_interval: INTERVAL },
        rule_files: [rules],
        scrape_configs: [
          {
            // As kube-prometheus-stack's kubelet ServiceMonitor scrapes it: the kubelet's own
            // labels win over the target's (namespace=kube-system), honorLabels: true.
            job_name: "kubelet",
            metrics_path: "/metrics/cadvisor",
            honor_labels: true,
            static_configs: [
              {
                targets: [`127.0.0.1:${String(kubeletPort)}`],
                labels: {
                  namespace: "kube-system",
                  service: "kubelet",
                  node: "node-1",
                  metrics_path: "/metrics/cadvisor",
                },
              },
            ],
            metric_relabel_configs: CADVISOR_METRIC_RELABELINGS.map(toPrometheusRelabelConfig),
          },
        ],
      }),
    );

    const port = await freePort();
    url = `http://127.0.0.1:${String(port)}`;
    const spawned = spawn(
      prometheus,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(root, "data")}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = spawned;
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    spawned.stdout.on("data", collect);
    spawned.stderr.on("data", collect);

    await waitFor("/-/ready", async () => (await fetch(`${url}/-/ready`)).ok);
    // A rate needs two scrapes. Both container rules are in one group, evaluated together, and
    // every series comes in the same scrape: once the CPU rule has a series, all have theirs.
    await waitFor(
      `a value of ${RECORDED.containerCpu}`,
      async () => (await query(url, RECORDED.containerCpu)).length > 0,
    );
  }, STARTUP_TIMEOUT_MS * 3);

  afterAll(async () => {
    if (child !== undefined) await stopProcess(child, 5_000);
    const server = kubelet;
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives the dashboard\'s "Memory per container" exactly the app containers, named ns/pod/container', async () => {
    // Given the kubelet's series, pod-level cgroups and pause containers among them, and the
    // panel's query as the dashboard holds it
    const expr = panelExpr("Memory per container");

    // When it runs
    const samples = await query(url, expr);

    // Then it sums each app container once, under its readable name
    expect({ expr, values: valuesBy(samples, "name") }).toEqual({
      expr,
      values: byName((c) => c.workingSet),
    });
  });

  it(`records ${RECORDED.containerMemoryRatio} per app container: limit, or the host's memory`, async () => {
    // Given api (250 MB of 1 GB), worker (375 MB of 500 MB) and traefik (100 MB, no limit)
    // When the recording rule's series is read
    const samples = await query(url, RECORDED.containerMemoryRatio);

    // Then each is its working set over its limit, or over machine_memory_bytes without one
    expect(valuesBy(samples, "name")).toEqual({
      [nameOf(APP.api)]: 0.25,
      [nameOf(APP.worker)]: 0.75,
      [nameOf(APP.traefik)]: 100e6 / HOST_MEMORY,
    });
  });

  it(`records ${RECORDED.containerCpu} per app container, in the containers' proportions`, async () => {
    // Given counters growing at 0.25, 0.5 and 0.125 CPU-seconds per second since the same start
    // When the recording rule's series is read (its 5m window is only partly filled, so every
    // rate is scaled by the same factor, which the ratios cancel)
    const values = valuesBy(await query(url, RECORDED.containerCpu), "name");

    // Then it has the app containers only, each in proportion to its CPU rate
    expect(Object.keys(values).sort()).toEqual(APP_NAMES);
    const api = values[nameOf(APP.api)] ?? Number.NaN;
    expect(api).toBeGreaterThan(0);
    const ratios = Object.fromEntries(Object.entries(values).map(([name, v]) => [name, v / api]));
    expect(ratios).toEqual(
      Object.fromEntries(
        Object.values(APP).map((c) => [nameOf(c), expect.closeTo(c.cpu / APP.api.cpu, 9)]),
      ),
    );
  });

  it("drops every container_* series of pod-level cgroups, sandboxes and the node's cgroups", async () => {
    // Given cgroups with container="" or container="POD" served with every container_ family
    // When Prometheus is asked for any container_ series not of an app container
    const left = await query(
      url,
      'count by (__name__, id) ({__name__=~"container_.+", container=~"|POD"})',
    );

    // Then there is none, and no series still carries a runtime's container ID as its name
    expect(left.map((s) => s.metric)).toEqual([]);
    expect(await query(url, '{name=~"[0-9a-f]{64}"}')).toEqual([]);
  });

  it("keeps machine_memory_bytes as the kubelet gave it, without a name", async () => {
    // Given machine_memory_bytes, which has none of the cgroup labels
    // When it is read
    const samples = await query(url, "machine_memory_bytes");

    // Then it is there, once, with the host's memory and no name label
    expect(samples.map((s) => [s.metric.name, s.value])).toEqual([[undefined, HOST_MEMORY]]);
  });

  it("keeps container_spec_memory_limit_bytes for every app container, 0 included", async () => {
    // Given the limits: 1 GB, 500 MB and none (0)
    // When the limit series are read
    const samples = await query(url, "container_spec_memory_limit_bytes");

    // Then each app container has its own
    expect(valuesBy(samples, "name")).toEqual(byName((c) => c.limit));
  });

  it.each(COST_DROPPED)("drops %s as kube-prometheus-stack does", async (series) => {
    // Given the series served for an app container, which the name and pod rules keep
    // When Prometheus is asked for it
    const samples = await query(url, series);

    // Then it is gone
    expect(samples).toEqual([]);
  });

  it("keeps the memory failures of the container scope (the chart drops only hierarchy)", async () => {
    // Given pgfault failures in both scopes for the api container
    // When they are read
    const samples = await query(url, "container_memory_failures_total");

    // Then the container scope's is there, under the container's name
    expect(samples.map((s) => [s.metric.scope, s.metric.name])).toEqual([
      ["container", nameOf(APP.api)],
    ]);
  });
});
