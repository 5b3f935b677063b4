import { parse } from "yaml";
import type * as prometheusModule from "../../../components/docker/prometheus";
import { renderPrometheusConfig } from "../../../components/observability/prometheus/config";
import { renderRules } from "../../../components/observability/prometheus/rules";
import type { SloSpec } from "../../../components/observability/slo";
import { runComponent } from "../../helpers/program";
import {
  CONTEXT,
  TYPES,
  byName,
  containerOptions,
  hardened,
  healthcheck,
  image,
  outputsOf,
  registered,
  volume,
} from "./expected";

/** Objectives unlike the defaults: a week's window, a 500 ms threshold. */
const SLO: SloSpec = {
  availabilityObjective: 99.9,
  latencyObjective: 95,
  latencyThresholdSeconds: 0.5,
  windowDays: 7,
};
const TARGETS = {
  backendTarget: "api:9000",
  traefikTarget: "proxy:8082",
  logShipperTarget: "shipper:9080",
};

describe("Prometheus", () => {
  it("scrapes the given targets from both networks and keeps the given retention", async () => {
    // Given Prometheus built alone, with its own targets, retention and objectives
    const run = await runComponent((load) => {
      const { Prometheus } = load("components/docker/prometheus") as typeof prometheusModule;
      return new Prometheus("metrics", {
        context: CONTEXT,
        image: "prom/prometheus:v3.13.3",
        memoryMb: 900,
        hostPort: 19090,
        retentionDays: 3,
        retentionSize: "2GB",
        ...TARGETS,
        slo: SLO,
      });
    });

    // Then its container joins the app network too, uploads the config and the rules, and runs
    // with the retention flags
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:Prometheus", "metrics", {}),
      registered(
        TYPES.container,
        "metrics-container",
        {
          ...hardened("prometheus", "prom/prometheus:v3.13.3", 900),
          networksAdvanced: [
            { name: "tm-net", aliases: ["prometheus"] },
            { name: "shop_default", aliases: ["prometheus"] },
          ],
          ports: [{ internal: 9090, external: 19090, ip: "127.0.0.1" }],
          uploads: [
            { file: "/etc/prometheus/prometheus.yml", content: renderPrometheusConfig(TARGETS) },
            {
              file: "/etc/prometheus/rules/timemanager.rules.yml",
              content: renderRules({ slo: SLO }),
            },
          ],
          mounts: [{ type: "volume", source: "tm_prometheus_data", target: "/prometheus" }],
          command: [
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            "--storage.tsdb.retention.time=3d",
            "--storage.tsdb.retention.size=2GB",
            "--web.enable-remote-write-receiver",
            "--enable-feature=exemplar-storage",
          ],
          ...healthcheck(["CMD", "/bin/promtool", "check", "ready"]),
        },
        containerOptions("metrics", true),
      ),
      image("metrics", "metrics-container", "prom/prometheus:v3.13.3"),
      volume("metrics", "prometheus"),
    ]);
    expect(outputsOf(run)).toEqual({
      internalUrl: "http://prometheus:9090",
      hostUrl: "http://localhost:19090",
      remoteWriteUrl: "http://prometheus:9090/api/v1/write",
      containerName: "tm-prometheus",
    });
  });

  it("uploads a config that scrapes exactly the given targets", async () => {
    const run = await runComponent((load) => {
      const { Prometheus } = load("components/docker/prometheus") as typeof prometheusModule;
      return new Prometheus("prometheus", {
        context: CONTEXT,
        image: "prom/prometheus:v3.13.3",
        memoryMb: 1024,
        hostPort: 9090,
        retentionDays: 15,
        retentionSize: "10GB",
        ...TARGETS,
        slo: SLO,
      });
    });
    const uploads = run.resources.find((r) => r.type === TYPES.container)?.inputs.uploads as {
      file: string;
      content: string;
    }[];
    const config = parse(uploads[0].content) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(
      Object.fromEntries(
        config.scrape_configs.map((c) => [c.job_name, c.static_configs.flatMap((s) => s.targets)]),
      ),
    ).toEqual({
      prometheus: ["localhost:9090"],
      backend: ["api:9000"],
      traefik: ["proxy:8082"],
      cadvisor: ["cadvisor:8080"],
      loki: ["loki:3100"],
      tempo: ["tempo:3200"],
      "log-shipper": ["shipper:9080"],
      grafana: ["grafana:3000"],
    });
    // And rules with the week's SLO window
    expect(uploads[1].content).toContain("job:slo_availability_errors:ratio_rate7d");
  });
});
