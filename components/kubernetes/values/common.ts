/**
 * Option and value types shared by the charts' values renderers. Pure data: no Pulumi import, so
 * the renderers are tested as plain functions.
 */

/** A container's resources, in the form every chart passes through to the pod spec. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly memory: string };
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Resources from a memory limit in MiB and a CPU request. Memory is requested at its limit, so
 * the scheduler reserves what the pod may use and the pod is never killed for memory the node
 * overcommitted. There is no CPU limit: CFS throttling would stall Go's garbage collector and the
 * services' request handling while the node has idle cores; the request alone gives each pod
 * its fair share under contention.
 */
export function resources(memoryMb: number, cpu: string): Resources {
  const memory = `${positiveInteger(memoryMb, "memoryMb")}Mi`;
  return { requests: { cpu, memory }, limits: { memory } };
}

/** A PersistentVolumeClaim's class and size. */
export interface Persistence {
  /** StorageClass name; absent means the cluster's default class. */
  readonly storageClass?: string;
  /** Requested size, in GiB. */
  readonly sizeGb: number;
}

/** A size in GiB as Kubernetes quantities spell it, e.g. `10Gi`. */
export function gibibytes(sizeGb: number): string {
  return `${positiveInteger(sizeGb, "sizeGb")}Gi`;
}

/** S3-compatible object storage, without its credentials (they stay in a Secret). */
export interface ObjectStorageValues {
  /** host[:port], no scheme, e.g. "s3.eu-west-3.amazonaws.com" or "minio.storage:9000". */
  readonly endpoint: string;
  readonly region: string;
  /** Plain HTTP to the endpoint. */
  readonly insecure: boolean;
  /** Path-style bucket URLs (MinIO and most non-AWS stores). */
  readonly forcePathStyle: boolean;
  /** Secret with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, mapped onto the env. */
  readonly credentialsSecret: string;
}

/** A relabeling action, as Prometheus spells it (the Operator also accepts it capitalised). */
export type RelabelAction =
  | "replace"
  | "keep"
  | "drop"
  | "hashmod"
  | "labelmap"
  | "labeldrop"
  | "labelkeep"
  | "lowercase"
  | "uppercase"
  | "keepequal"
  | "dropequal";

/** One relabeling in the Prometheus Operator's form (monitoring.coreos.com/v1 RelabelConfig). */
export interface RelabelConfig {
  /** Labels whose values, joined by `separator`, the regex is matched against. */
  readonly sourceLabels?: readonly string[];
  /** @default ";" */
  readonly separator?: string;
  /** RE2, anchored at both ends. @default "(.*)" */
  readonly regex?: string;
  /** The label a `replace` writes. */
  readonly targetLabel?: string;
  /** @default "$1" */
  readonly replacement?: string;
  /** @default "replace" */
  readonly action?: RelabelAction;
}

/** An `envFrom` entry that maps every key of a Secret onto an environment variable. */
export interface SecretEnvSource {
  readonly secretRef: { readonly name: string };
}

/** `envFrom` for one Secret. */
export function envFromSecret(name: string): SecretEnvSource {
  return { secretRef: { name } };
}

/**
 * Text that a chart runs through Helm's `tpl`, made to render as itself: Go templates open an
 * action only at `{{`, so each one becomes an action that prints `{{`. Closing braces and
 * single braces need nothing.
 */
export function escapeHelmTemplate(text: string): string {
  return text.replaceAll("{{", '{{ "{{" }}');
}
