import { parse } from "yaml";
import { type TempoOptions, tempoValues } from "../../../../components/kubernetes/values/tempo";
import { renderTempoConfig } from "../../../../components/observability/tempo/config";
import { credentialLeaves, pathsOutside } from "./chart-keys";

// Key paths checked against grafana-community/helm-charts charts/tempo/values.yaml @ tempo-2.2.4
// (line numbers there). `tempo.storage.trace.s3` and `persistence.storageClassName` are
// documented there in comments (L153-158, L377); the config template writes
// `tempo.storage`, `tempo.overrides` and the generator's `remote_write` into Tempo's config as
// is, and statefulset.yaml renders `storageClassName` as given. A path ending in `resources`,
// `extraEnv` or `extraEnvFrom` is a Kubernetes object the chart copies into the pod spec.
const CHART_KEYS = [
  "fullnameOverride", // L12
  "replicas", // L15
  "tempo.resources", // L39
  "tempo.streamOverHttpEnabled", // L47
  "tempo.memBallastSizeMbs", // L48
  "tempo.multitenancyEnabled", // L49
  "tempo.reportingEnabled", // L51
  "tempo.metricsGenerator.enabled", // L54
  "tempo.metricsGenerator.storage.path", // L77
  "tempo.metricsGenerator.storage.remote_write", // L80
  "tempo.retention", // L102
  "tempo.overrides.defaults", // L106
  "tempo.storage.trace.backend", // L159
  "tempo.storage.trace.s3",
  "tempo.receivers.otlp.protocols.grpc.endpoint", // L181
  "tempo.receivers.otlp.protocols.http.endpoint", // L183
  "tempo.extraEnv", // L193
  "tempo.extraEnvFrom", // L195
  "service.type", // L355
  "persistence.enabled", // L374
  "persistence.enableStatefulSetAutoDeletePVC", // L376
  "persistence.storageClassName",
  "persistence.size", // L380
];

const remoteWrite = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090/api/v1/write";

const dev: TempoOptions = {
  retentionDays: 3,
  memoryMb: 1000,
  storage: { sizeGb: 10 },
  prometheusRemoteWriteUrl: remoteWrite,
  retainVolumes: false,
};

const withObjectStorage: TempoOptions = {
  retentionDays: 14,
  memoryMb: 2048,
  storage: { storageClass: "fast-ssd", sizeGb: 20 },
  objectStorage: {
    endpoint: "minio.storage:9000",
    region: "us-east-1",
    insecure: true,
    forcePathStyle: true,
    credentialsSecret: "object-storage-credentials",
    bucket: "tm-tempo",
  },
  prometheusRemoteWriteUrl: remoteWrite,
  retainVolumes: true,
};

/** Everything but resources, retention, storage and persistence, the same in every case. */
const shared = {
  memBallastSizeMbs: 0,
  multitenancyEnabled: false,
  reportingEnabled: false,
  streamOverHttpEnabled: true,
  receivers: {
    otlp: {
      protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } },
    },
  },
  metricsGenerator: {
    enabled: true,
    storage: {
      path: "/var/tempo/generator/wal",
      remote_write: [{ url: remoteWrite, send_exemplars: true }],
    },
  },
  overrides: {
    defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } },
  },
};

describe("tempoValues", () => {
  it("renders the dev values: blocks on the PVC, deleted with the StatefulSet", () => {
    // Given dev options without object storage, when the values are rendered
    const values = tempoValues(dev);

    // Then they are exactly these
    expect(values).toStrictEqual({
      fullnameOverride: "tempo",
      replicas: 1,
      tempo: {
        ...shared,
        resources: { requests: { cpu: "100m", memory: "1000Mi" }, limits: { memory: "1000Mi" } },
        extraEnv: [{ name: "GOMEMLIMIT", value: "850MiB" }],
        retention: "72h",
        storage: { trace: { backend: "local" } },
      },
      persistence: { enabled: true, enableStatefulSetAutoDeletePVC: true, size: "10Gi" },
      service: { type: "ClusterIP" },
    });
  });

  it("renders the object-storage values: blocks on S3, credentials from the Secret", () => {
    // Given object storage and retained volumes, when the values are rendered
    const values = tempoValues(withObjectStorage);

    // Then they are exactly these
    expect(values).toStrictEqual({
      fullnameOverride: "tempo",
      replicas: 1,
      tempo: {
        ...shared,
        resources: { requests: { cpu: "100m", memory: "2048Mi" }, limits: { memory: "2048Mi" } },
        extraEnv: [{ name: "GOMEMLIMIT", value: "1740MiB" }],
        extraEnvFrom: [{ secretRef: { name: "object-storage-credentials" } }],
        retention: "336h",
        storage: {
          trace: {
            backend: "s3",
            s3: {
              bucket: "tm-tempo",
              endpoint: "minio.storage:9000",
              region: "us-east-1",
              insecure: true,
              forcepathstyle: true,
            },
          },
        },
      },
      persistence: {
        enabled: true,
        enableStatefulSetAutoDeletePVC: false,
        size: "20Gi",
        storageClassName: "fast-ssd",
      },
      service: { type: "ClusterIP" },
    });
  });

  it("keeps the Docker config's receivers, generator, processors, retention and streaming", () => {
    // Given the Docker config for the same retention and remote-write URL
    const docker = parse(
      renderTempoConfig({ retentionDays: 3, prometheusRemoteWriteUrl: remoteWrite }),
    ) as {
      stream_over_http_enabled: boolean;
      distributor: { receivers: unknown };
      metrics_generator: { storage: { remote_write: unknown } };
      overrides: {
        defaults: { compaction: { block_retention: string }; metrics_generator: unknown };
      };
    };

    // When the Kubernetes values are rendered
    const { tempo } = tempoValues(dev);

    // Then each setting is the Docker one
    expect(tempo.streamOverHttpEnabled).toBe(docker.stream_over_http_enabled);
    expect(tempo.receivers).toStrictEqual(docker.distributor.receivers);
    expect(tempo.metricsGenerator.storage.remote_write).toStrictEqual(
      docker.metrics_generator.storage.remote_write,
    );
    expect(tempo.overrides.defaults.metrics_generator).toStrictEqual(
      docker.overrides.defaults.metrics_generator,
    );
    expect(tempo.retention).toBe(docker.overrides.defaults.compaction.block_retention);
  });

  it.each([
    ["dev", dev],
    ["object storage", withObjectStorage],
  ])("sets only keys the chart declares (%s)", (_, opts) => {
    expect(pathsOutside(tempoValues(opts), CHART_KEYS)).toEqual([]);
  });

  it("holds no credential, only the Secret's name", () => {
    // Given object storage, when the values are rendered
    const values = tempoValues(withObjectStorage);

    // Then no key names a credential and the pod reads the Secret into its environment
    expect(credentialLeaves(values)).toEqual([]);
    expect(values.tempo.extraEnvFrom).toEqual([
      { secretRef: { name: "object-storage-credentials" } },
    ]);
  });
});
