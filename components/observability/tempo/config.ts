// Keys checked for grafana/tempo:3.0.x (monolithic, target all, no Kafka) against grafana/tempo
// docs/sources/tempo/configuration/_index.md and
// docs/sources/tempo/set-up-for-tracing/setup-tempo/upgrade.md ("Upgrade to Tempo 3.0"), both
// at their 3.0 revisions, and modules/overrides CompactionOverrides ("Backend-worker/scheduler
// enforced overrides").
import { stringify } from "yaml";
import { PATHS, PORTS } from "../names";

/** Options for Tempo's monolithic configuration file. */
export interface TempoConfigOptions {
  /** How long trace blocks are kept, in days. */
  readonly retentionDays: number;
  /** Where the metrics-generator remote-writes, e.g. http://prometheus:9090/api/v1/write. */
  readonly prometheusRemoteWriteUrl: string;
}

/** Renders `/etc/tempo.yaml` for a monolithic Tempo 3.x storing blocks on its volume. */
export function renderTempoConfig(opts: TempoConfigOptions): string {
  const data = PATHS.tempoData;
  return stringify({
    // Grafana's Tempo datasource streams search results over HTTP.
    stream_over_http_enabled: true,
    server: {
      http_listen_port: PORTS.tempo,
      grpc_listen_port: PORTS.tempoGrpc,
    },
    distributor: {
      receivers: {
        otlp: {
          protocols: {
            // Since 2.7 the receivers bind to localhost unless told otherwise, which other
            // containers cannot reach.
            grpc: { endpoint: `0.0.0.0:${PORTS.tempoOtlpGrpc}` },
            http: { endpoint: `0.0.0.0:${PORTS.tempoOtlpHttp}` },
          },
        },
      },
    },
    // In monolithic mode the live-store serves recent traces and flushes blocks to storage;
    // its paths are spelled out so they stay on the data volume if that ever moves.
    live_store: {
      wal: { path: `${data}/live-store/traces` },
      shutdown_marker_dir: `${data}/live-store/shutdown-marker`,
    },
    backend_scheduler: { local_work_path: data },
    metrics_generator: {
      storage: {
        path: `${data}/generator/wal`,
        remote_write: [{ url: opts.prometheusRemoteWriteUrl, send_exemplars: true }],
      },
    },
    storage: {
      trace: {
        backend: "local",
        local: { path: `${data}/blocks` },
        wal: { path: `${data}/wal` },
      },
    },
    // 3.0 refuses the legacy flat overrides. Retention lives here because 3.0 removed the
    // compactor block; the backend worker reads the tenant value before its own default.
    overrides: {
      defaults: {
        compaction: { block_retention: `${opts.retentionDays * 24}h` },
        metrics_generator: { processors: ["service-graphs", "span-metrics"] },
      },
    },
    usage_report: { reporting_enabled: false },
  });
}
