import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BIND_ALL_LABEL, COMPOSE_LABELS } from "../observability/names";
import { publishedUrl } from "../../config/conventions";

/** What every service container of one stack has in common. */
export interface StackContext {
  /** Container names are `<namePrefix>-<service>`. */
  readonly namePrefix: string;
  /** Value of the compose project label. */
  readonly composeProject: string;
  /** Host address published ports bind to. */
  readonly bindAddress: string;
  /** Protect data volumes and keep them when the stack is destroyed. */
  readonly protectData: boolean;
  /** The stack's own network; every service joins it. */
  readonly monitoringNetwork: pulumi.Input<string>;
  /** The app's network, joined by services the app reaches or that reach the app. */
  readonly appNetwork: pulumi.Input<string>;
}

/** A port published on the host, bound to the stack's bind address. */
export interface PublishedPort {
  readonly internal: number;
  readonly external: number;
}

export interface ServiceContainerArgs {
  readonly context: StackContext;
  /** Service name: container `<prefix>-<service>`, network alias and compose service label. */
  readonly service: string;
  readonly image: string;
  readonly memoryMb: number;
  /** More names the service answers to on the monitoring network. */
  readonly aliases?: readonly string[];
  /** Join the app network too (default: the monitoring network only). @default false */
  readonly joinAppNetwork?: boolean;
  readonly ports?: readonly PublishedPort[];
  /** Config files delivered into the container before it starts. */
  readonly files?: readonly { readonly path: string; readonly content: pulumi.Input<string> }[];
  /** Named volumes, mounted at a path the image already creates for its user. */
  readonly volumes?: readonly {
    readonly volume: docker.Volume;
    readonly path: string;
  }[];
  /** Host paths mounted read-only (the Docker socket, /sys for cAdvisor). */
  readonly hostMounts?: readonly { readonly hostPath: string; readonly path: string }[];
  readonly command?: readonly string[];
  readonly envs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Docker healthcheck test, e.g. `["CMD", "/tempo", "-health"]`. */
  readonly healthcheck?: { readonly test: readonly string[]; readonly startPeriod?: string };
  /** Overrides the image's user, e.g. "0" where the Docker socket must be read. */
  readonly user?: string;
  /** Only for cAdvisor, which reads the host's cgroups and devices. @default false */
  readonly privileged?: boolean;
  readonly devices?: readonly string[];
}

/** Restart policy of every service: back after a crash or a reboot, not after `docker stop`. */
export const RESTART_POLICY = "unless-stopped";
/** json-file rotation: at most 3 x 10 MB of logs per container. */
export const LOG_OPTIONS = { "max-size": "10m", "max-file": "3" } as const;
const HEALTHCHECK = { interval: "15s", timeout: "5s", retries: 5 } as const;
/** How long `pulumi up` waits for a container to report healthy. */
export const HEALTHY_WAIT_SECONDS = 180;

export function containerName(context: StackContext, service: string): string {
  return `${context.namePrefix}-${service}`;
}

/** URL of a published port as seen from the Docker host. */
export function hostUrl(context: StackContext, port: number, path = ""): string {
  return publishedUrl(context.bindAddress, port, path);
}

/**
 * A healthcheck for images with bash but no curl or wget (Ubuntu-based Promtail and Alloy):
 * bash's /dev/tcp sends GET `path` to the local port and expects a 200.
 */
export function bashHttpCheck(port: number, path: string): string[] {
  return [
    "CMD",
    "bash",
    "-c",
    `exec 3<>/dev/tcp/127.0.0.1/${String(port)} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3`,
  ];
}

/** URL of a service from inside the monitoring network. */
export function internalUrl(host: string, port: number, path = ""): string {
  return `http://${host}:${String(port)}${path}`;
}

/** The compose labels the app's containers carry; Loki's labels are derived from them. */
export function composeLabels(composeProject: string, service: string) {
  return [
    { label: COMPOSE_LABELS.project, value: composeProject },
    { label: COMPOSE_LABELS.service, value: service },
  ];
}

/**
 * One service container with the hardening every service shares: fixed name, restart policy,
 * memory limit, log rotation, no-new-privileges, compose labels, a healthcheck that `pulumi up`
 * waits on, and delete-before-replace (its name and host ports cannot exist twice).
 */
export function serviceContainer(
  name: string,
  args: ServiceContainerArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  const { context } = args;
  const image = new docker.RemoteImage(
    `${name}-image`,
    { name: args.image, keepLocally: true },
    { parent: opts.parent },
  );
  const networks = [
    { name: context.monitoringNetwork, aliases: [args.service, ...(args.aliases ?? [])] },
    ...(args.joinAppNetwork ? [{ name: context.appNetwork, aliases: [args.service] }] : []),
  ];
  return new docker.Container(
    name,
    {
      name: containerName(context, args.service),
      image: image.imageId,
      restart: RESTART_POLICY,
      memory: args.memoryMb,
      memorySwap: args.memoryMb,
      logDriver: "json-file",
      logOpts: { ...LOG_OPTIONS },
      securityOpts: ["no-new-privileges:true"],
      labels: [
        ...composeLabels(context.composeProject, args.service),
        ...((args.ports ?? []).length > 0 && ["0.0.0.0", "::"].includes(context.bindAddress)
          ? [{ ...BIND_ALL_LABEL }]
          : []),
      ],
      networksAdvanced: networks,
      ports: (args.ports ?? []).map((p) => ({
        internal: p.internal,
        external: p.external,
        ip: context.bindAddress,
      })),
      uploads: (args.files ?? []).map((f) => ({ file: f.path, content: f.content })),
      mounts: [
        ...(args.volumes ?? []).map((v) => ({
          type: "volume",
          source: v.volume.name,
          target: v.path,
        })),
        ...(args.hostMounts ?? []).map((m) => ({
          type: "bind",
          source: m.hostPath,
          target: m.path,
          readOnly: true,
        })),
      ],
      ...(args.command ? { command: [...args.command] } : {}),
      ...(args.envs ? { envs: args.envs } : {}),
      ...(args.user ? { user: args.user } : {}),
      ...(args.privileged ? { privileged: true } : {}),
      ...(args.devices
        ? { devices: args.devices.map((d) => ({ hostPath: d, containerPath: d })) }
        : {}),
      ...(args.healthcheck
        ? {
            healthcheck: {
              tests: [...args.healthcheck.test],
              ...HEALTHCHECK,
              startPeriod: args.healthcheck.startPeriod ?? "10s",
            },
            wait: true,
            waitTimeout: HEALTHY_WAIT_SECONDS,
          }
        : {}),
    },
    { ...opts, deleteBeforeReplace: true },
  );
}

/** What a volume holds: data worth a refusal to delete it, or state a service can rebuild. */
export type VolumeKind = "data" | "state";

/**
 * A named volume, `<prefix>_<service>_data` like the seed's compose volumes. In dev it goes with
 * the stack. With `protectData` it is kept on the host when Pulumi deletes it (destroy, or the
 * service leaving the program), and `data` volumes are also protected, so that a destroy or a
 * change that would delete them stops. A log shipper's read positions are `state`: switching
 * `logShipper` removes them from the program, which protection would refuse, and the host keeps
 * them for a switch back.
 */
export function dataVolume(
  name: string,
  context: StackContext,
  service: string,
  opts: pulumi.CustomResourceOptions,
  kind: VolumeKind = "data",
): docker.Volume {
  return new docker.Volume(
    name,
    {
      name: `${context.namePrefix}_${service}_data`,
      labels: composeLabels(context.composeProject, service),
    },
    {
      ...opts,
      protect: kind === "data" && context.protectData,
      retainOnDelete: context.protectData,
      // Labels are ForceNew and the name is fixed: a label change would "replace" the volume by
      // one of the same name, i.e. delete its data. They only describe it, so they stay as created.
      ignoreChanges: ["labels"],
    },
  );
}
