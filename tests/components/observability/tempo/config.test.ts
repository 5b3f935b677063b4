import { parse } from "yaml";
import { renderTempoConfig } from "../../../../components/observability/tempo/config";

const baseOpts = {
  retentionDays: 7,
  prometheusRemoteWriteUrl: "http://prometheus:9090/api/v1/write",
};

const expected = {
  stream_over_http_enabled: true,
  server: { http_listen_port: 3200, grpc_listen_port: 9095 },
  distributor: {
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: "0.0.0.0:4317" },
          http: { endpoint: "0.0.0.0:4318" },
        },
      },
    },
  },
  live_store: {
    wal: { path: "/var/tempo/live-store/traces" },
    shutdown_marker_dir: "/var/tempo/live-store/shutdown-marker",
  },
  backend_scheduler: { local_work_path: "/var/tempo" },
  metrics_generator: {
    storage: {
      path: "/var/tempo/generator/wal",
      remote_write: [{ url: "http://prometheus:9090/api/v1/write", send_exemplars: true }],
    },
  },
  storage: {
    trace: {
      backend: "local",
      local: { path: "/var/tempo/blocks" },
      wal: { path: "/var/tempo/wal" },
    },
  },
  overrides: {
    defaults: {
      compaction: { block_retention: "168h" },
      metrics_generator: { processors: ["service-graphs", "span-metrics"] },
    },
  },
  usage_report: { reporting_enabled: false },
};

describe("renderTempoConfig", () => {
  it("renders the whole monolithic config for a 7-day retention", () => {
    // Given a 7-day retention and Prometheus' remote-write URL
    const opts = baseOpts;

    // When the config is rendered
    const config: unknown = parse(renderTempoConfig(opts));

    // Then it is exactly the expected document
    expect(config).toEqual(expected);
  });

  it("changes only the default block retention when the retention changes", () => {
    // Given a 14-day retention
    const opts = { ...baseOpts, retentionDays: 14 };

    // When the config is rendered
    const config: unknown = parse(renderTempoConfig(opts));

    // Then only overrides.defaults.compaction.block_retention differs, in hours
    expect(config).toEqual({
      ...expected,
      overrides: {
        defaults: { ...expected.overrides.defaults, compaction: { block_retention: "336h" } },
      },
    });
  });

  it("changes only the remote-write URL when the URL changes", () => {
    // Given another remote-write URL
    const opts = { ...baseOpts, prometheusRemoteWriteUrl: "http://metrics:9090/api/v1/write" };

    // When the config is rendered
    const config: unknown = parse(renderTempoConfig(opts));

    // Then only the metrics-generator's remote_write entry differs
    expect(config).toEqual({
      ...expected,
      metrics_generator: {
        storage: {
          ...expected.metrics_generator.storage,
          remote_write: [{ url: "http://metrics:9090/api/v1/write", send_exemplars: true }],
        },
      },
    });
  });

  it("renders no block that Tempo 3.0 removed", () => {
    // Given any options
    const opts = baseOpts;

    // When the config is rendered
    const config = parse(renderTempoConfig(opts)) as Record<string, unknown>;

    // Then none of the removed top-level blocks appear
    const removed = ["ingester", "ingester_client", "compactor", "metrics_generator_client"];
    expect(Object.keys(config).filter((key) => removed.includes(key))).toEqual([]);
  });
});
