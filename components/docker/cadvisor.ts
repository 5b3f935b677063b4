import * as pulumi from "@pulumi/pulumi";
import { HOSTS, PORTS } from "../observability/names";
import { type StackContext, internalUrl, serviceContainer } from "./container";

export interface CadvisorArgs {
  readonly context: StackContext;
  /** Pinned image, e.g. ghcr.io/google/cadvisor:v0.60.5. */
  readonly image: string;
  readonly memoryMb: number;
}

/** Seconds between two samples of each container: two per 15 s scrape would be wasted work. */
const HOUSEKEEPING_INTERVAL_SECONDS = 30;

/**
 * Metric groups cAdvisor would collect and the dashboard does not use: its default disabled set
 * plus per-CPU usage (cadvisor docs/runtime_options.md). CPU, memory, network and disk stay on,
 * as the seed lists them.
 */
export const DISABLED_METRICS = [
  "advtcp",
  "cpu_topology",
  "cpuset",
  "hugetlb",
  "memory_numa",
  "percpu",
  "process",
  "referenced_memory",
  "resctrl",
  "sched",
  "tcp",
  "udp",
] as const;

/** Host paths cAdvisor reads, all read-only (cadvisor README, docs/running.md). */
export const CADVISOR_HOST_MOUNTS = [
  { hostPath: "/", path: "/rootfs" },
  { hostPath: "/var/run", path: "/var/run" },
  { hostPath: "/sys", path: "/sys" },
  { hostPath: "/var/lib/docker", path: "/var/lib/docker" },
  { hostPath: "/dev/disk", path: "/dev/disk" },
] as const;

export function cadvisorFlags(housekeepingIntervalSeconds: number): string[] {
  return [
    `--port=${String(PORTS.cadvisor)}`,
    "--docker_only=true",
    `--housekeeping_interval=${String(housekeepingIntervalSeconds)}s`,
    "--global_housekeeping_interval=2m",
    "--store_container_labels=false",
    "--whitelisted_container_labels=com.docker.compose.project,com.docker.compose.service",
    `--disable_metrics=${DISABLED_METRICS.join(",")}`,
  ];
}

/** cAdvisor: per-container CPU, memory, network and disk, on the monitoring network only. */
export class Cadvisor extends pulumi.ComponentResource {
  /** URL Prometheus scrapes, e.g. http://cadvisor:8080. */
  public readonly internalUrl: pulumi.Output<string>;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: CadvisorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Cadvisor", name, {}, opts);
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.cadvisor,
        image: args.image,
        memoryMb: args.memoryMb,
        hostMounts: CADVISOR_HOST_MOUNTS,
        command: cadvisorFlags(HOUSEKEEPING_INTERVAL_SECONDS),
        // Reading every container's cgroups and the kernel log (OOM events) needs root and
        // privileged mode on cgroup v2 hosts (cadvisor docs/running.md).
        privileged: true,
        devices: ["/dev/kmsg"],
        // The image is Alpine with busybox wget; /healthz is cAdvisor's own health endpoint.
        healthcheck: {
          test: [
            "CMD",
            "wget",
            "--quiet",
            "--tries=1",
            "--spider",
            `http://localhost:${String(PORTS.cadvisor)}/healthz`,
          ],
        },
      },
      { parent: this },
    );

    this.internalUrl = pulumi.output(internalUrl(HOSTS.cadvisor, PORTS.cadvisor));
    this.containerName = container.name;
    this.registerOutputs({ internalUrl: this.internalUrl, containerName: this.containerName });
  }
}
