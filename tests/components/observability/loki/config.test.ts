import { parse } from "yaml";
import { renderLokiConfig } from "../../../../components/observability/loki/config";

const sevenDays = {
  auth_enabled: false,
  server: { http_listen_port: 3100, grpc_listen_port: 9095 },
  common: {
    path_prefix: "/loki",
    instance_addr: "127.0.0.1",
    replication_factor: 1,
    ring: { kvstore: { store: "inmemory" } },
    storage: {
      filesystem: { chunks_directory: "/loki/chunks", rules_directory: "/loki/rules" },
    },
  },
  schema_config: {
    configs: [
      {
        from: "2024-01-01",
        store: "tsdb",
        object_store: "filesystem",
        schema: "v13",
        index: { prefix: "index_", period: "24h" },
      },
    ],
  },
  compactor: {
    working_directory: "/loki/compactor",
    retention_enabled: true,
    delete_request_store: "filesystem",
  },
  limits_config: { retention_period: "168h" },
  analytics: { reporting_enabled: false },
};

describe("renderLokiConfig", () => {
  it("renders the whole single-binary config for a 7-day retention", () => {
    // Given a 7-day retention
    const opts = { retentionDays: 7 };

    // When the config is rendered
    const config: unknown = parse(renderLokiConfig(opts));

    // Then it is exactly the expected document
    expect(config).toEqual(sevenDays);
  });

  it("changes only limits_config.retention_period when the retention changes", () => {
    // Given a 30-day retention
    const opts = { retentionDays: 30 };

    // When the config is rendered
    const config: unknown = parse(renderLokiConfig(opts));

    // Then only the retention period differs, in hours
    expect(config).toEqual({ ...sevenDays, limits_config: { retention_period: "720h" } });
  });
});
