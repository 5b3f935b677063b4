import { parse } from "yaml";
import { type LokiOptions, lokiValues } from "../../../../components/kubernetes/values/loki";
import { renderLokiConfig } from "../../../../components/observability/loki/config";
import { credentialLeaves, pathsOutside } from "./chart-keys";

// Key paths checked against grafana-community/helm-charts charts/loki/values.yaml @ loki-18.11.0
// (line numbers there). `loki.storage.bucketNames.*` is documented only in a comment (L629);
// templates/_helpers.tpl requires it with object storage. `loki.schemaConfig`,
// `loki.compactor`, `loki.limits_config` and `loki.analytics` are passthroughs: the chart
// writes them into Loki's config as is. A path ending in `resources` or `extraEnvFrom` is a
// Kubernetes object the chart copies into the pod spec.
const CHART_KEYS = [
  "fullnameOverride", // L55
  "deploymentMode", // L70
  "loki.auth_enabled", // L555
  "loki.server.http_listen_port", // L589
  "loki.limits_config", // L606
  "loki.commonConfig.replication_factor", // L619
  "loki.storage.type", // L632
  "loki.storage.bucketNames.chunks",
  "loki.storage.bucketNames.ruler",
  "loki.storage.s3.endpoint", // L637
  "loki.storage.s3.region", // L639
  "loki.storage.s3.secretAccessKey", // L641
  "loki.storage.s3.accessKeyId", // L643
  "loki.storage.s3.s3ForcePathStyle", // L646
  "loki.storage.s3.insecure", // L647
  "loki.schemaConfig", // L767
  "loki.compactor", // L818
  "loki.analytics", // L828
  "singleBinary.replicas", // L1884
  "singleBinary.resources", // L2045
  "singleBinary.persistence.enableStatefulSetAutoDeletePVC", // L2091
  "singleBinary.persistence.enabled", // L2093
  "singleBinary.persistence.size", // L2098
  "singleBinary.persistence.storageClass", // L2105
  "singleBinary.persistence.whenScaled", // L2087
  "singleBinary.persistence.whenDeleted", // L2089
  "write.replicas", // L2146
  "write.extraEnvFrom", // L2264
  "write.resources", // L2281
  "write.persistence.volumeClaimsEnabled", // L2348
  "write.persistence.whenScaled", // L2357
  "write.persistence.whenDeleted", // L2359
  "write.persistence.enableStatefulSetAutoDeletePVC", // L2361
  "write.persistence.size", // L2363
  "write.persistence.storageClass", // L2370
  "read.replicas", // L2415
  "read.extraEnvFrom", // L2542
  "read.resources", // L2551
  "backend.replicas", // L2653
  "backend.extraEnvFrom", // L2775
  "backend.resources", // L2788
  "backend.persistence.enabled", // L2855
  "backend.persistence.whenScaled", // L2866
  "backend.persistence.whenDeleted", // L2868
  "backend.persistence.enableStatefulSetAutoDeletePVC", // L2870
  "backend.persistence.size", // L2872
  "backend.persistence.storageClass", // L2879
  "gateway.enabled", // L1215
  "chunksCache.enabled", // L6489
  "resultsCache.enabled", // L6331
  "lokiCanary.enabled", // L928
  "test.enabled", // L894
  "minio.enabled", // L6856
  "sidecar.rules.enabled", // L7001
];

const dev: LokiOptions = {
  retentionDays: 7,
  memoryMb: 512,
  storage: { sizeGb: 10 },
  replicas: 1,
  retainVolumes: false,
};

const withObjectStorage: LokiOptions = {
  retentionDays: 30,
  memoryMb: 2048,
  storage: { storageClass: "fast-ssd", sizeGb: 50 },
  objectStorage: {
    endpoint: "s3.eu-west-3.amazonaws.com",
    region: "eu-west-3",
    insecure: false,
    forcePathStyle: true,
    credentialsSecret: "object-storage-credentials",
    buckets: { chunks: "tm-loki-chunks", ruler: "tm-loki-ruler" },
  },
  replicas: 3,
  retainVolumes: true,
};

const switchedOff = {
  gateway: { enabled: false },
  chunksCache: { enabled: false },
  resultsCache: { enabled: false },
  lokiCanary: { enabled: false },
  test: { enabled: false },
  minio: { enabled: false },
  sidecar: { rules: { enabled: false } },
};

describe("lokiValues", () => {
  it("renders the dev values: Monolithic on one PVC, deleted with the StatefulSet", () => {
    // Given dev options without object storage, when the values are rendered
    const values = lokiValues(dev);

    // Then they are exactly these
    expect(values).toStrictEqual({
      fullnameOverride: "loki",
      ...switchedOff,
      deploymentMode: "Monolithic",
      loki: {
        auth_enabled: false,
        server: { http_listen_port: 3100 },
        schemaConfig: {
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
        compactor: { retention_enabled: true, delete_request_store: "filesystem" },
        limits_config: { retention_period: "168h" },
        analytics: { reporting_enabled: false },
        commonConfig: { replication_factor: 1 },
        storage: { type: "filesystem" },
      },
      singleBinary: {
        replicas: 1,
        resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "512Mi" } },
        persistence: {
          enabled: true,
          size: "10Gi",
          enableStatefulSetAutoDeletePVC: true,
          whenDeleted: "Delete",
          whenScaled: "Delete",
        },
      },
      write: { replicas: 0 },
      read: { replicas: 0 },
      backend: { replicas: 0 },
    });
  });

  it("renders the object-storage values: SimpleScalable on S3, credentials from the Secret", () => {
    // Given object storage, three replicas and retained volumes, when the values are rendered
    const values = lokiValues(withObjectStorage);

    // Then they are exactly these
    const resources = {
      requests: { cpu: "100m", memory: "2048Mi" },
      limits: { memory: "2048Mi" },
    };
    const volume = {
      size: "50Gi",
      storageClass: "fast-ssd",
      enableStatefulSetAutoDeletePVC: true,
      whenDeleted: "Retain",
      whenScaled: "Retain",
    };
    const extraEnvFrom = [{ secretRef: { name: "object-storage-credentials" } }];
    expect(values).toStrictEqual({
      fullnameOverride: "loki",
      ...switchedOff,
      deploymentMode: "SimpleScalable",
      loki: {
        auth_enabled: false,
        server: { http_listen_port: 3100 },
        schemaConfig: {
          configs: [
            {
              from: "2024-01-01",
              store: "tsdb",
              object_store: "s3",
              schema: "v13",
              index: { prefix: "index_", period: "24h" },
            },
          ],
        },
        compactor: { retention_enabled: true, delete_request_store: "s3" },
        limits_config: { retention_period: "720h" },
        analytics: { reporting_enabled: false },
        commonConfig: { replication_factor: 3 },
        storage: {
          type: "s3",
          bucketNames: { chunks: "tm-loki-chunks", ruler: "tm-loki-ruler" },
          s3: {
            endpoint: "s3.eu-west-3.amazonaws.com",
            region: "eu-west-3",
            insecure: false,
            s3ForcePathStyle: true,
            accessKeyId: "${AWS_ACCESS_KEY_ID}",
            secretAccessKey: "${AWS_SECRET_ACCESS_KEY}",
          },
        },
      },
      singleBinary: { replicas: 0 },
      write: {
        replicas: 3,
        resources,
        extraEnvFrom,
        persistence: { volumeClaimsEnabled: true, ...volume },
      },
      read: { replicas: 3, resources, extraEnvFrom },
      backend: { replicas: 3, resources, extraEnvFrom, persistence: { enabled: true, ...volume } },
    });
  });

  it.each([
    [1, 1],
    [2, 1],
    [3, 3],
    [5, 3],
  ])("replicates each stream %#: %p writers keep %p copies", (replicas, factor) => {
    // Given object storage and `replicas` writers, when the values are rendered
    const values = lokiValues({ ...withObjectStorage, replicas });

    // Then the replication factor never needs a writer that is not there, and is never 2
    expect(values.loki.commonConfig.replication_factor).toBe(factor);
  });

  it("keeps the Docker config's schema and retention", () => {
    // Given the Docker config for the same retention
    const docker = parse(renderLokiConfig({ retentionDays: 30 })) as {
      schema_config: { configs: unknown[] };
      limits_config: { retention_period: string };
    };

    // When the Kubernetes values are rendered on the filesystem
    const values = lokiValues({ ...dev, retentionDays: 30 });

    // Then the schema periods and the retention period are the same
    expect(values.loki.schemaConfig.configs).toStrictEqual(docker.schema_config.configs);
    expect(values.loki.limits_config.retention_period).toBe(docker.limits_config.retention_period);
  });

  it.each([
    ["dev", dev],
    ["object storage", withObjectStorage],
  ])("sets only keys the chart declares (%s)", (_, opts) => {
    expect(pathsOutside(lokiValues(opts), CHART_KEYS)).toEqual([]);
  });

  it("names the credentials only as environment variables from the Secret", () => {
    // Given object storage, when the values are rendered
    const values = lokiValues(withObjectStorage);

    // Then the only credential keys hold references to the env, which every pod gets from the
    // credentials Secret
    expect(credentialLeaves(values)).toEqual([
      ["loki.storage.s3.accessKeyId", "${AWS_ACCESS_KEY_ID}"],
      ["loki.storage.s3.secretAccessKey", "${AWS_SECRET_ACCESS_KEY}"],
    ]);
    expect([values.write, values.read, values.backend].map((c) => c.extraEnvFrom)).toEqual(
      Array(3).fill([{ secretRef: { name: "object-storage-credentials" } }]),
    );
  });
});
