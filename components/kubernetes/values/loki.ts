import { SCHEMA_START } from "../../observability/loki/config";
import { K8S_FULLNAMES, K8S_PORTS, K8S_SECRET_KEYS } from "../names";
import {
  type ObjectStorageValues,
  type Persistence,
  type Resources,
  type SecretEnvSource,
  envFromSecret,
  gibibytes,
  resources,
} from "./common";

/** Options for Loki's values. */
export interface LokiOptions {
  /** How long logs are kept, in days; the compactor deletes older chunks. */
  readonly retentionDays: number;
  /** Memory limit of each Loki pod, in MiB. */
  readonly memoryMb: number;
  /** Each Loki volume: the single binary's, or each write and backend pod's. */
  readonly storage: Persistence;
  /** Object storage: Loki runs SimpleScalable on it; absent, Monolithic on its volume. */
  readonly objectStorage?: ObjectStorageValues & {
    readonly buckets: { readonly chunks: string; readonly ruler: string };
  };
  /** Replicas of each of read, write and backend; only with object storage. */
  readonly replicas: number;
  /** Keep the PVCs when a StatefulSet is deleted or scaled down (prod). */
  readonly retainVolumes: boolean;
}

/** One schema period (Loki `period_config`). */
export interface LokiSchemaPeriod {
  readonly from: string;
  readonly store: "tsdb";
  readonly object_store: "filesystem" | "s3";
  readonly schema: "v13";
  readonly index: { readonly prefix: string; readonly period: "24h" };
}

type RetentionPolicy = "Retain" | "Delete";

/** A StatefulSet's volumes: size, class, and what becomes of the PVCs. */
export interface LokiVolumeValues {
  readonly size: string;
  readonly storageClass?: string;
  readonly enableStatefulSetAutoDeletePVC: true;
  readonly whenDeleted: RetentionPolicy;
  readonly whenScaled: RetentionPolicy;
}

/** One Loki target's workload. */
export interface LokiComponentValues {
  readonly replicas: number;
  readonly resources?: Resources;
  readonly extraEnvFrom?: readonly SecretEnvSource[];
}

/** The Loki values this stack sets. */
export interface LokiValues {
  readonly fullnameOverride: string;
  readonly deploymentMode: "Monolithic" | "SimpleScalable";
  readonly loki: {
    readonly auth_enabled: false;
    readonly server: { readonly http_listen_port: number };
    readonly commonConfig: { readonly replication_factor: number };
    readonly schemaConfig: { readonly configs: readonly [LokiSchemaPeriod] };
    readonly storage:
      | { readonly type: "filesystem" }
      | {
          readonly type: "s3";
          readonly bucketNames: { readonly chunks: string; readonly ruler: string };
          readonly s3: {
            readonly endpoint: string;
            readonly region: string;
            readonly insecure: boolean;
            readonly s3ForcePathStyle: boolean;
            readonly accessKeyId: string;
            readonly secretAccessKey: string;
          };
        };
    readonly compactor: {
      readonly retention_enabled: true;
      readonly delete_request_store: "filesystem" | "s3";
    };
    readonly limits_config: { readonly retention_period: string };
    readonly analytics: { readonly reporting_enabled: false };
  };
  readonly singleBinary: LokiComponentValues & {
    readonly persistence?: LokiVolumeValues & { readonly enabled: true };
  };
  readonly write: LokiComponentValues & {
    readonly persistence?: LokiVolumeValues & { readonly volumeClaimsEnabled: true };
  };
  readonly read: LokiComponentValues;
  readonly backend: LokiComponentValues & {
    readonly persistence?: LokiVolumeValues & { readonly enabled: true };
  };
  readonly gateway: { readonly enabled: false };
  readonly chunksCache: { readonly enabled: false };
  readonly resultsCache: { readonly enabled: false };
  readonly lokiCanary: { readonly enabled: false };
  readonly test: { readonly enabled: false };
  readonly minio: { readonly enabled: false };
  readonly sidecar: { readonly rules: { readonly enabled: false } };
}

const LOKI_CPU = "100m";

/**
 * At most as many copies as there are writers, and never two: with a replication factor of 2 a
 * write needs both replicas (quorum floor(2/2)+1), so it would add failures, not safety.
 */
function replicationFactor(writers: number): number {
  return writers >= 3 ? 3 : 1;
}

function volume(storage: Persistence, retain: boolean): LokiVolumeValues {
  const policy: RetentionPolicy = retain ? "Retain" : "Delete";
  return {
    size: gibibytes(storage.sizeGb),
    ...(storage.storageClass === undefined ? {} : { storageClass: storage.storageClass }),
    // Without this the chart writes no persistentVolumeClaimRetentionPolicy and Kubernetes keeps
    // the PVCs (Retain); set, the policy below is explicit either way (templates/_workload.tpl).
    enableStatefulSetAutoDeletePVC: true,
    whenDeleted: policy,
    whenScaled: policy,
  };
}

// Keys checked against grafana-community/helm-charts charts/loki/values.yaml @ loki-18.11.0.
// `loki.storage.bucketNames` is documented there only in a comment; templates/_helpers.tpl
// (loki.commonStorageConfig, loki.rulerStorageConfig) requires it with object storage.
/**
 * Loki, one tenant (auth off), keeping logs `retentionDays` days through the compactor, with the
 * Docker config's schema (tsdb v13, 24h index, from 2024-01-01).
 *
 * - Without object storage: Monolithic, one single-binary pod on a PVC, replication factor 1
 *   (templates/validate.yaml refuses more than one Monolithic replica on a filesystem).
 * - With object storage: SimpleScalable, `replicas` each of write (push, Service `loki-write`),
 *   read (queries, `loki-read`) and backend, on S3. The credentials never enter the values: the
 *   chart starts every Loki container with `-config.expand-env=true` (templates/_pod.tpl), the
 *   config says `${AWS_ACCESS_KEY_ID}` and `${AWS_SECRET_ACCESS_KEY}`, and `extraEnvFrom` maps the
 *   credentials Secret onto those variables (the chart's advice on `loki.configStorageType`;
 *   grafana/loki docs/sources/configure/index.template, "Use environment variables in the
 *   configuration").
 * - Off: the nginx gateway (clients reach the Services directly), the memcached caches (chunks
 *   cache alone requests ~9.6Gi), the canary and its Helm test (a hook helm.v4.Chart never
 *   runs), MinIO, and the rules sidecar (no Loki rules are provisioned).
 * - The chart sets GOMEMLIMIT from each container's memory limit (templates/_helpers.tpl,
 *   loki.componentEnv), so the limit below also paces the garbage collector.
 */
export function lokiValues(opts: LokiOptions): LokiValues {
  const podResources = resources(opts.memoryMb, LOKI_CPU);
  const store = opts.objectStorage;
  const objectStore = store === undefined ? "filesystem" : "s3";
  const common = {
    fullnameOverride: K8S_FULLNAMES.loki,
    gateway: { enabled: false },
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
    minio: { enabled: false },
    sidecar: { rules: { enabled: false } },
  } as const;
  const lokiConfig = {
    auth_enabled: false,
    server: { http_listen_port: K8S_PORTS.loki },
    schemaConfig: {
      configs: [
        {
          from: SCHEMA_START,
          store: "tsdb",
          object_store: objectStore,
          schema: "v13",
          index: { prefix: "index_", period: "24h" },
        },
      ],
    },
    // Without retention_enabled the compactor only compacts and logs are kept forever;
    // delete_request_store is required once retention is on.
    compactor: { retention_enabled: true, delete_request_store: objectStore },
    limits_config: { retention_period: `${opts.retentionDays * 24}h` },
    analytics: { reporting_enabled: false },
  } as const;

  if (store === undefined) {
    return {
      ...common,
      deploymentMode: "Monolithic",
      loki: {
        ...lokiConfig,
        commonConfig: { replication_factor: 1 },
        storage: { type: "filesystem" },
      },
      singleBinary: {
        replicas: 1,
        resources: podResources,
        persistence: { enabled: true, ...volume(opts.storage, opts.retainVolumes) },
      },
      // The chart's defaults are 3 each, which validate.yaml refuses beside a single binary.
      write: { replicas: 0 },
      read: { replicas: 0 },
      backend: { replicas: 0 },
    };
  }

  const credentials = [envFromSecret(store.credentialsSecret)];
  const keys = K8S_SECRET_KEYS.objectStorage;
  return {
    ...common,
    deploymentMode: "SimpleScalable",
    loki: {
      ...lokiConfig,
      commonConfig: { replication_factor: replicationFactor(opts.replicas) },
      storage: {
        type: "s3",
        bucketNames: { chunks: store.buckets.chunks, ruler: store.buckets.ruler },
        s3: {
          endpoint: store.endpoint,
          region: store.region,
          insecure: store.insecure,
          s3ForcePathStyle: store.forcePathStyle,
          accessKeyId: `\${${keys.accessKeyId}}`,
          secretAccessKey: `\${${keys.secretAccessKey}}`,
        },
      },
    },
    singleBinary: { replicas: 0 },
    write: {
      replicas: opts.replicas,
      resources: podResources,
      extraEnvFrom: credentials,
      // The ingesters' WAL: what was received but not yet flushed to S3.
      persistence: { volumeClaimsEnabled: true, ...volume(opts.storage, opts.retainVolumes) },
    },
    read: { replicas: opts.replicas, resources: podResources, extraEnvFrom: credentials },
    backend: {
      replicas: opts.replicas,
      resources: podResources,
      extraEnvFrom: credentials,
      // The compactor's working directory (retention marks) and the ruler's WAL.
      persistence: { enabled: true, ...volume(opts.storage, opts.retainVolumes) },
    },
  };
}
