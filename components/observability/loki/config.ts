// Keys checked for grafana/loki:3.7.x against grafana/loki docs/sources/shared/configuration.md
// (stored revision 002ee222b2bb07240a7a304d7158b17cda47d2bf, Loki 3.x), pkg/loki/common/common.go
// (8435343a56f5973e9ce16d981b4ffb26e3ff08f8) and docs/sources/operations/storage/retention.md
// (8e40a0a8c2cb9188ea6b5a417e68ee169d0e6aff). No copy tagged v3.7.x could be read; every key
// used is present in these 3.x revisions.
import { stringify } from "yaml";
import { PATHS, PORTS } from "../names";

/** Options for Loki's single-binary configuration file. */
export interface LokiConfigOptions {
  /** How long logs are kept, in days; the compactor deletes older chunks. */
  readonly retentionDays: number;
}

/**
 * First day of the only schema period. Never change it once data exists: Loki finds every
 * stored chunk through the period it was written under.
 */
export const SCHEMA_START = "2024-01-01";

/** Renders `/etc/loki/config.yaml` for a single-binary Loki storing everything on its volume. */
export function renderLokiConfig(opts: LokiConfigOptions): string {
  const data = PATHS.lokiData;
  return stringify({
    auth_enabled: false,
    server: {
      http_listen_port: PORTS.loki,
      grpc_listen_port: PORTS.lokiGrpc,
    },
    common: {
      path_prefix: data,
      // The ring only ever holds this process; without a fixed address Loki looks for a
      // private interface and fails on some container networks.
      instance_addr: "127.0.0.1",
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
      storage: {
        filesystem: {
          chunks_directory: `${data}/chunks`,
          rules_directory: `${data}/rules`,
        },
      },
    },
    schema_config: {
      configs: [
        {
          from: SCHEMA_START,
          store: "tsdb",
          object_store: "filesystem",
          schema: "v13",
          // Retention works only with a 24h index period.
          index: { prefix: "index_", period: "24h" },
        },
      ],
    },
    // Without retention_enabled the compactor only compacts and logs are kept forever;
    // delete_request_store is required once retention is on.
    compactor: {
      working_directory: `${data}/compactor`,
      retention_enabled: true,
      delete_request_store: "filesystem",
    },
    limits_config: {
      retention_period: `${opts.retentionDays * 24}h`,
    },
    analytics: { reporting_enabled: false },
  });
}
