import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface NetworksArgs {
  /** Name of the stack's own network, e.g. timemanager-monitoring. */
  readonly monitoringNetworkName: string;
  /** The app's network (compose: <project>_default). */
  readonly appNetworkName: string;
  /** Create the app network rather than join the app's. @default false */
  readonly createAppNetwork?: boolean;
  /** Labels put on the networks this component creates. */
  readonly labels: readonly { readonly label: string; readonly value: string }[];
}

/**
 * The two networks of the stack: its own, which every service joins, and the app's, which only
 * the services that reach the app or that the app reaches join (Prometheus scrapes the backend
 * and Traefik; the backend sends OTLP to Tempo).
 */
export class Networks extends pulumi.ComponentResource {
  /** Name of the monitoring network. */
  public readonly monitoring: pulumi.Output<string>;
  /** Name of the app network. */
  public readonly app: pulumi.Output<string>;

  constructor(name: string, args: NetworksArgs, opts?: pulumi.ComponentResourceOptions) {
    super("timemanager:monitoring:Networks", name, {}, opts);
    const labels = args.labels.map((l) => ({ ...l }));

    const monitoring = new docker.Network(
      `${name}-monitoring`,
      { name: args.monitoringNetworkName, driver: "bridge", labels },
      { parent: this },
    );
    this.monitoring = monitoring.name;
    this.app = args.createAppNetwork
      ? new docker.Network(
          `${name}-app`,
          { name: args.appNetworkName, driver: "bridge", labels },
          { parent: this },
        ).name
      : pulumi.output(args.appNetworkName);
    this.registerOutputs({ monitoring: this.monitoring, app: this.app });
  }
}
