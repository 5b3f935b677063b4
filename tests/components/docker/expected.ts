import type { StackContext } from "../../../components/docker/container";
import type { Registered } from "../../helpers/program";
import { registered } from "../../helpers/registered";

export { byName, outputsOf, registered } from "../../helpers/registered";

/*
 * What the Docker component tests share: the context they build each component with (every value
 * unlike the stack's defaults, so a default that leaks in shows) and the hardening every service
 * container carries, written out here once rather than taken from the code.
 */

export const TYPES = {
  container: "docker:index/container:Container",
  image: "docker:index/remoteImage:RemoteImage",
  network: "docker:index/network:Network",
  volume: "docker:index/volume:Volume",
} as const;

/** A prod-like context with its own names, ports on loopback and protected data. */
export const CONTEXT: StackContext = {
  namePrefix: "tm",
  composeProject: "shop-monitoring",
  bindAddress: "127.0.0.1",
  protectData: true,
  monitoringNetwork: "tm-net",
  appNetwork: "shop_default",
};

/** The inputs every service container of CONTEXT has. */
export function hardened(service: string, image: string, memory: number) {
  return {
    name: `tm-${service}`,
    image,
    restart: "unless-stopped",
    memory,
    memorySwap: memory,
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
    securityOpts: ["no-new-privileges:true"],
    labels: [
      { label: "com.docker.compose.project", value: "shop-monitoring" },
      { label: "com.docker.compose.service", value: service },
    ],
  };
}

/** A healthcheck `pulumi up` waits for, up to 180 s. */
export function healthcheck(tests: string[], startPeriod = "10s") {
  return {
    healthcheck: { tests, interval: "15s", timeout: "5s", retries: 5, startPeriod },
    wait: true,
    waitTimeout: 180,
  };
}

/** The pinned image a container runs, kept on the host when the resource goes. */
export function image(parent: string, container: string, name: string): Registered {
  return registered(TYPES.image, `${container}-image`, { name, keepLocally: true }, { parent });
}

/** A named volume of CONTEXT: protected when it holds data, kept on the host either way. */
export function volume(
  parent: string,
  service: string,
  kind: "data" | "state" = "data",
): Registered {
  return registered(
    TYPES.volume,
    `${parent}-data`,
    {
      name: `tm_${service}_data`,
      labels: [
        { label: "com.docker.compose.project", value: "shop-monitoring" },
        { label: "com.docker.compose.service", value: service },
      ],
    },
    { parent, protect: kind === "data", retainOnDelete: true, ignoreChanges: ["labels"] },
  );
}

/** The options of a service container: deleted before it is replaced, after its image and volume. */
export function containerOptions(parent: string, withVolume: boolean): Partial<Registered> {
  const container = `${parent}-container`;
  return {
    parent,
    deleteBeforeReplace: true,
    dependsOn: [`${container}-image`, ...(withVolume ? [`${parent}-data`] : [])],
    propertyDependencies: {
      image: [`${container}-image`],
      ...(withVolume ? { mounts: [`${parent}-data`] } : {}),
    },
  };
}
