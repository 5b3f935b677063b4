import * as pulumi from "@pulumi/pulumi";
import type { LogShipper, LogShipperArgs } from "./log-shipper";
import { LOG_SHIPPER, PATHS } from "../observability/names";
import { bashHttpCheck, dataVolume, serviceContainer } from "./container";
import { renderAlloyConfig } from "../observability/logs/alloy";

/** Alloy's service name, port and paths inside its container. */
const ALLOY = {
  /** Service name: container `<prefix>-alloy`, network alias and compose service label. */
  host: "alloy",
  /**
   * HTTP server: UI, /metrics, /-/ready. Promtail's port rather than Alloy's 12345, so that the
   * log shipper is log-shipper:9080 whichever runs.
   */
  port: LOG_SHIPPER.port,
  /** The image's CMD reads this path. */
  configPath: "/etc/alloy/config.alloy",
  /** `--storage.path`: components keep their state (loki.source.docker's positions) here. */
  dataPath: "/var/lib/alloy/data",
} as const;

/**
 * Grafana Alloy, the log shipper that replaces Promtail (EOL since 2026-03-02): discovers
 * containers through the Docker socket (read-only) and ships their logs to Loki with the same
 * labels as Promtail.
 */
export class Alloy extends pulumi.ComponentResource implements LogShipper {
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: LogShipperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Alloy", name, {}, opts);

    // The storage path holds loki.source.docker's positions: a restart neither re-sends nor skips.
    const data = dataVolume(`${name}-data`, args.context, ALLOY.host, { parent: this }, "state");
    const config = pulumi
      .output(args.lokiPushUrl)
      .apply((url) => renderAlloyConfig({ lokiPushUrl: url }));
    const port = String(ALLOY.port);
    const container = serviceContainer(
      `${name}-container`,
      {
        context: args.context,
        service: ALLOY.host,
        aliases: [LOG_SHIPPER.alias],
        image: args.image,
        memoryMb: args.memoryMb,
        files: [{ path: ALLOY.configPath, content: config }],
        volumes: [{ volume: data, path: ALLOY.dataPath }],
        hostMounts: [{ hostPath: PATHS.dockerSocket, path: PATHS.dockerSocket }],
        command: [
          "run",
          ALLOY.configPath,
          `--storage.path=${ALLOY.dataPath}`,
          // The default, 127.0.0.1:12345, is unreachable from Prometheus in another container.
          `--server.http.listen-addr=0.0.0.0:${port}`,
          // No usage reports from hosts that may have no internet access anyway.
          "--disable-reporting",
        ],
        // The image's default user is root (its alloy user, uid 473, is "experimental" upstream);
        // reading the Docker socket needs it, so no user override.
        // Ubuntu base with bash but no curl or wget: bash's /dev/tcp asks /-/ready.
        healthcheck: { test: bashHttpCheck(ALLOY.port, "/-/ready") },
      },
      { parent: this },
    );

    this.containerName = container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
