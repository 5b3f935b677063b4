import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { composeProjectOfDefaultNetwork } from "../../config/conventions";
import { COMPOSE_LABELS } from "../observability/names";

export interface NetworksArgs {
  /** Name of the stack's own network, e.g. timemanager-monitoring. */
  readonly monitoringNetworkName: string;
  /** The app's network (compose: <project>_default). */
  readonly appNetworkName: string;
  /** Create the app network rather than join the app's. */
  readonly createAppNetwork: boolean;
  /** The stack's compose project label, put on the monitoring network. */
  readonly composeProject: string;
}

/**
 * Labels of an app network this stack creates, so that the app's `docker compose up` later
 * adopts it as its own default network: compose looks its `<project>_default` network up by name
 * and fails unless `com.docker.compose.network` is "default" (docker/compose
 * pkg/compose/create.go, resolveOrCreateNetwork). Any other name gets no compose labels; the
 * app's compose file then declares the network `external: true`.
 */
export function appNetworkLabels(name: string): { label: string; value: string }[] {
  const project = composeProjectOfDefaultNetwork(name);
  return project === undefined
    ? []
    : [
        { label: COMPOSE_LABELS.project, value: project },
        { label: COMPOSE_LABELS.network, value: "default" },
      ];
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
    const monitoring = new docker.Network(
      `${name}-monitoring`,
      {
        name: args.monitoringNetworkName,
        driver: "bridge",
        labels: [{ label: COMPOSE_LABELS.project, value: args.composeProject }],
      },
      // Labels are ForceNew and the name is fixed: a label change would create a second network
      // of the same name before deleting this one. They only describe it; they stay as created.
      { parent: this, ignoreChanges: ["labels"] },
    );
    this.monitoring = monitoring.name;
    this.app = args.createAppNetwork
      ? new docker.Network(
          `${name}-app`,
          {
            name: args.appNetworkName,
            driver: "bridge",
            labels: appNetworkLabels(args.appNetworkName),
          },
          { parent: this, ignoreChanges: ["labels"] },
        ).name
      : pulumi.output(args.appNetworkName);
    this.registerOutputs({ monitoring: this.monitoring, app: this.app });
  }
}
