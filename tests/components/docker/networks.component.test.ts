import type * as networksModule from "../../../components/docker/networks";
import { type ComponentRun, runComponent } from "../../helpers/program";
import { TYPES, byName, outputsOf, registered } from "./expected";

const COMPONENT = "timemanager:monitoring:Networks";

function networks(args: networksModule.NetworksArgs): Promise<ComponentRun> {
  return runComponent((load) => {
    const { Networks } = load("components/docker/networks") as typeof networksModule;
    return new Networks("net", args);
  });
}

/** A network's options: its labels stay as created (ForceNew, and the name is fixed). */
const network = (name: string, inputs: Record<string, unknown>) =>
  registered(TYPES.network, name, inputs, { parent: "net", ignoreChanges: ["labels"] });

describe("Networks", () => {
  it("joins the app's network and creates only its own, labelled with its compose project", async () => {
    // Given an app network that exists already
    const run = await networks({
      monitoringNetworkName: "tm-net",
      appNetworkName: "shop_default",
      createAppNetwork: false,
      composeProject: "shop-monitoring",
    });
    // Then only the monitoring network is created, and both names come out
    expect(byName(run.resources)).toEqual([
      registered(COMPONENT, "net", {}),
      network("net-monitoring", {
        name: "tm-net",
        driver: "bridge",
        labels: [{ label: "com.docker.compose.project", value: "shop-monitoring" }],
      }),
    ]);
    expect(outputsOf(run)).toEqual({ monitoring: "tm-net", app: "shop_default" });
  });

  it("creates a <project>_default app network with the labels compose adopts it by", async () => {
    const run = await networks({
      monitoringNetworkName: "tm-net",
      appNetworkName: "shop_default",
      createAppNetwork: true,
      composeProject: "shop-monitoring",
    });
    expect(byName(run.resources)).toEqual([
      registered(COMPONENT, "net", {}),
      network("net-app", {
        name: "shop_default",
        driver: "bridge",
        labels: [
          { label: "com.docker.compose.project", value: "shop" },
          { label: "com.docker.compose.network", value: "default" },
        ],
      }),
      network("net-monitoring", {
        name: "tm-net",
        driver: "bridge",
        labels: [{ label: "com.docker.compose.project", value: "shop-monitoring" }],
      }),
    ]);
    expect(outputsOf(run)).toEqual({ monitoring: "tm-net", app: "shop_default" });
  });

  it("creates an app network of any other name without compose labels", async () => {
    const run = await networks({
      monitoringNetworkName: "tm-net",
      appNetworkName: "shared-backend",
      createAppNetwork: true,
      composeProject: "shop-monitoring",
    });
    expect(run.resources.find((r) => r.name === "net-app")).toEqual(
      network("net-app", { name: "shared-backend", driver: "bridge", labels: [] }),
    );
    expect(outputsOf(run)).toEqual({ monitoring: "tm-net", app: "shared-backend" });
  });
});
