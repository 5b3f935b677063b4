import { parse } from "yaml";
import {
  prometheusFlags,
  renderPrometheusConfig,
} from "../../../../components/observability/prometheus/config";

const options = {
  backendTarget: "backend:8080",
  traefikTarget: "traefik:8082",
  logShipperTarget: "log-shipper:9080",
};

describe("renderPrometheusConfig", () => {
  test("scrapes the app, cAdvisor and the stack's own services every 15 s", () => {
    // Given the seed's targets, when the config is rendered, then it is exactly:
    expect(parse(renderPrometheusConfig(options))).toEqual({
      global: { scrape_interval: "15s", evaluation_interval: "15s" },
      rule_files: ["rules/timemanager.rules.yml"],
      scrape_configs: [
        { job_name: "prometheus", static_configs: [{ targets: ["localhost:9090"] }] },
        { job_name: "backend", static_configs: [{ targets: ["backend:8080"] }] },
        { job_name: "traefik", static_configs: [{ targets: ["traefik:8082"] }] },
        { job_name: "cadvisor", static_configs: [{ targets: ["cadvisor:8080"] }] },
        { job_name: "loki", static_configs: [{ targets: ["loki:3100"] }] },
        { job_name: "tempo", static_configs: [{ targets: ["tempo:3200"] }] },
        { job_name: "grafana", static_configs: [{ targets: ["grafana:3000"] }] },
        { job_name: "log-shipper", static_configs: [{ targets: ["log-shipper:9080"] }] },
      ],
    });
  });

  test("a different backend target changes only the backend job", () => {
    const before = parse(renderPrometheusConfig(options)) as { scrape_configs: unknown[] };
    const after = parse(
      renderPrometheusConfig({ ...options, backendTarget: "api.internal:9000" }),
    ) as { scrape_configs: unknown[] };
    expect(after.scrape_configs[1]).toEqual({
      job_name: "backend",
      static_configs: [{ targets: ["api.internal:9000"] }],
    });
    expect(after.scrape_configs.filter((_, i) => i !== 1)).toEqual(
      before.scrape_configs.filter((_, i) => i !== 1),
    );
  });
});

describe("prometheusFlags", () => {
  test("repeat the image's config and TSDB flags and set retention, remote write and exemplars", () => {
    expect(prometheusFlags({ retentionDays: 15, retentionSize: "10GB" })).toEqual([
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      "--storage.tsdb.retention.time=15d",
      "--storage.tsdb.retention.size=10GB",
      "--web.enable-remote-write-receiver",
      "--enable-feature=exemplar-storage",
    ]);
  });
});
