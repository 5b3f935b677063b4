import * as pulumi from "@pulumi/pulumi";
import type { LogShipper, LogShipperArgs } from "./log-shipper";
import { HOSTS, LOG_SHIPPER, PATHS, PORTS } from "../observability/names";
import { bashHttpCheck, dataVolume, serviceContainer } from "./container";
import { renderPromtailConfig } from "../observability/logs/promtail";

/**
 * Promtail, the seed's log shipper: discovers containers through the Docker socket (read-only)
 * and ships their logs to Loki with the compose labels.
 */
export class Promtail extends pulumi.ComponentResource implements LogShipper {
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: LogShipperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Promtail", name, {}, opts);

    // Positions survive restarts, so logs are neither shipped twice nor skipped.
    const data = dataVolume(`${name}-data`, args.context, "promtail", { parent: this }, "state");
    const config = pulumi
      .output(args.lokiPushUrl)
      .apply((url) => renderPromtailConfig({ lokiPushUrl: url }));
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: HOSTS.promtail,
        aliases: [LOG_SHIPPER.alias],
        image: args.image,
        memoryMb: args.memoryMb,
        files: [{ path: PATHS.promtailConfig, content: config }],
        volumes: [{ volume: data, path: PATHS.promtailData }],
        hostMounts: [{ hostPath: PATHS.dockerSocket, path: PATHS.dockerSocket }],
        command: [`-config.file=${PATHS.promtailConfig}`],
        // The image runs as root (no USER line), which reading the Docker socket needs.
        // Ubuntu base with bash but no curl or wget: bash's /dev/tcp asks /ready.
        healthcheck: { test: bashHttpCheck(PORTS.promtail, "/ready") },
      },
      { parent: this },
    );

    this.containerName = container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
