import { K8S_FULLNAMES, K8S_PORTS } from "../names";
import {
  type ObjectStorageValues,
  type Persistence,
  type Resources,
  type SecretEnvSource,
  envFromSecret,
  gibibytes,
  resources,
} from "./common";

/** Options for Tempo's values. */
export interface TempoOptions {
  /** How long trace blocks are kept, in days. */
  readonly retentionDays: number;
  /** Tempo's memory limit, in MiB. */
  readonly memoryMb: number;
  /** The volume: WALs, and the blocks themselves without object storage. */
  readonly storage: Persistence;
  /** Object storage for the blocks; absent, they stay on the volume. */
  readonly objectStorage?: ObjectStorageValues & { readonly bucket: string };
  /** Where the metrics generator remote-writes, e.g. http://<prometheus>:9090/api/v1/write. */
  readonly prometheusRemoteWriteUrl: string;
  /** Keep the PVC when the StatefulSet is deleted or scaled down (prod). */
  readonly retainVolumes: boolean;
}

/** Tempo's S3 settings (tempodb/backend/s3 Config), without credentials. */
export interface TempoS3Values {
  readonly bucket: string;
  readonly endpoint: string;
  readonly region: string;
  readonly insecure: boolean;
  readonly forcepathstyle: boolean;
}

/** The Tempo values this stack sets. */
export interface TempoValues {
  readonly fullnameOverride: string;
  readonly replicas: 1;
  readonly tempo: {
    readonly resources: Resources;
    readonly memBallastSizeMbs: 0;
    readonly extraEnv: readonly [{ readonly name: "GOMEMLIMIT"; readonly value: string }];
    readonly extraEnvFrom?: readonly SecretEnvSource[];
    readonly multitenancyEnabled: false;
    readonly reportingEnabled: false;
    readonly streamOverHttpEnabled: true;
    readonly retention: string;
    readonly receivers: {
      readonly otlp: {
        readonly protocols: {
          readonly grpc: { readonly endpoint: string };
          readonly http: { readonly endpoint: string };
        };
      };
    };
    readonly metricsGenerator: {
      readonly enabled: true;
      readonly storage: {
        readonly path: string;
        readonly remote_write: readonly [{ readonly url: string; readonly send_exemplars: true }];
      };
    };
    readonly overrides: {
      readonly defaults: {
        readonly metrics_generator: {
          readonly processors: readonly ["service-graphs", "span-metrics"];
        };
      };
    };
    readonly storage: {
      readonly trace:
        { readonly backend: "local" } | { readonly backend: "s3"; readonly s3: TempoS3Values };
    };
  };
  readonly persistence: {
    readonly enabled: true;
    readonly enableStatefulSetAutoDeletePVC: boolean;
    readonly size: string;
    readonly storageClassName?: string;
  };
  readonly service: { readonly type: "ClusterIP" };
}

const TEMPO_CPU = "100m";

/** Where the chart mounts the volume (templates/statefulset.yaml, volume `storage`). */
const DATA = "/var/tempo";

/** GOMEMLIMIT's share of the memory limit (the Loki chart's `goMemLimitFactor`). */
const GO_MEMORY_LIMIT_FACTOR = 0.85;

// Keys checked against grafana-community/helm-charts charts/tempo/values.yaml @ tempo-2.2.4.
// `tempo.storage.trace.s3` and `persistence.storageClassName` are documented there in comments;
// the `config` template writes `tempo.storage` into Tempo's config as is, and
// templates/statefulset.yaml renders `storageClassName` as given.
/**
 * Tempo, single binary (chart `tempo`, Tempo 2.10), with the Docker config's semantics: OTLP gRPC
 * and HTTP on 0.0.0.0, the metrics generator's service-graphs and span-metrics remote-written to
 * Prometheus with exemplars, `retentionDays` of blocks, search streamed over HTTP, one tenant,
 * no usage reports.
 *
 * - With object storage the blocks go to S3 and the volume keeps only the WALs. tempo-distributed
 *   3.x is not used even then: Tempo 3 writes through Kafka (`ingest.kafka.address` is required by
 *   its templates/validate.yaml), which this stack does not run.
 * - S3 credentials come from the Secret through the environment: with no static keys in the
 *   config, Tempo's S3 client takes AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (credentials.EnvAWS
 *   in fetchCreds, grafana/tempo tempodb/backend/s3/s3.go @ v2.10.8).
 * - The chart passes `-mem-ballast-size-mbs` (1024 by default): a ballast that size holds the
 *   garbage collector back until the heap passes twice it, past a smaller memory limit, so it is
 *   0 here and GOMEMLIMIT paces the collector instead (cmd/tempo/main.go @ v2.10.8).
 * - The generator's remote-write WAL sits on the volume, as in the Docker config.
 * - The chart's Jaeger receivers stay on beside OTLP: Helm merges these maps into its defaults,
 *   and only a null value would remove them.
 */
export function tempoValues(opts: TempoOptions): TempoValues {
  const store = opts.objectStorage;
  const storageClass = opts.storage.storageClass;
  return {
    fullnameOverride: K8S_FULLNAMES.tempo,
    replicas: 1,
    tempo: {
      resources: resources(opts.memoryMb, TEMPO_CPU),
      memBallastSizeMbs: 0,
      extraEnv: [
        {
          name: "GOMEMLIMIT",
          value: `${Math.floor(opts.memoryMb * GO_MEMORY_LIMIT_FACTOR)}MiB`,
        },
      ],
      ...(store === undefined ? {} : { extraEnvFrom: [envFromSecret(store.credentialsSecret)] }),
      multitenancyEnabled: false,
      reportingEnabled: false,
      streamOverHttpEnabled: true,
      retention: `${opts.retentionDays * 24}h`,
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `0.0.0.0:${K8S_PORTS.tempoOtlpGrpc}` },
            http: { endpoint: `0.0.0.0:${K8S_PORTS.tempoOtlpHttp}` },
          },
        },
      },
      metricsGenerator: {
        enabled: true,
        storage: {
          path: `${DATA}/generator/wal`,
          remote_write: [{ url: opts.prometheusRemoteWriteUrl, send_exemplars: true }],
        },
      },
      // Chart 2.2.4 writes `overrides:` from this map as is, in the new format (defaults +
      // per_tenant_override_config); processors are enabled only here.
      overrides: {
        defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } },
      },
      storage: {
        trace:
          store === undefined
            ? { backend: "local" }
            : {
                backend: "s3",
                s3: {
                  bucket: store.bucket,
                  endpoint: store.endpoint,
                  region: store.region,
                  insecure: store.insecure,
                  forcepathstyle: store.forcePathStyle,
                },
              },
      },
    },
    persistence: {
      enabled: true,
      // The chart's switch writes whenDeleted/whenScaled Delete; left off, Kubernetes retains.
      enableStatefulSetAutoDeletePVC: !opts.retainVolumes,
      size: gibibytes(opts.storage.sizeGb),
      ...(storageClass === undefined ? {} : { storageClassName: storageClass }),
    },
    service: { type: "ClusterIP" },
  };
}
