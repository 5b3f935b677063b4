import type * as cadvisorModule from "../../../components/docker/cadvisor";
import { runComponent } from "../../helpers/program";
import {
  CONTEXT,
  TYPES,
  byName,
  containerOptions,
  hardened,
  healthcheck,
  image,
  outputsOf,
  registered,
} from "./expected";

describe("Cadvisor", () => {
  it("runs privileged with the host read-only, on the monitoring network only, with no data", async () => {
    // Given cAdvisor built alone
    const run = await runComponent((load) => {
      const { Cadvisor } = load("components/docker/cadvisor") as typeof cadvisorModule;
      return new Cadvisor("cadvisor", {
        context: CONTEXT,
        image: "ghcr.io/google/cadvisor:v0.60.5",
        memoryMb: 200,
      });
    });

    // Then it is an image and a privileged container with /dev/kmsg, no port, no volume
    const ro = (hostPath: string, target = hostPath) => ({
      type: "bind",
      source: hostPath,
      target,
      readOnly: true,
    });
    expect(byName(run.resources)).toEqual([
      registered("timemanager:monitoring:Cadvisor", "cadvisor", {}),
      registered(
        TYPES.container,
        "cadvisor-container",
        {
          ...hardened("cadvisor", "ghcr.io/google/cadvisor:v0.60.5", 200),
          networksAdvanced: [{ name: "tm-net", aliases: ["cadvisor"] }],
          ports: [],
          uploads: [],
          mounts: [
            ro("/", "/rootfs"),
            ro("/var/run"),
            ro("/sys"),
            ro("/var/lib/docker"),
            ro("/dev/disk"),
          ],
          command: [
            "--port=8080",
            "--docker_only=true",
            "--housekeeping_interval=30s",
            "--global_housekeeping_interval=2m",
            "--store_container_labels=false",
            "--whitelisted_container_labels=com.docker.compose.project,com.docker.compose.service",
            "--disable_metrics=advtcp,cpu_topology,cpuset,hugetlb,memory_numa,percpu,process,referenced_memory,resctrl,sched,tcp,udp",
          ],
          privileged: true,
          devices: [{ hostPath: "/dev/kmsg", containerPath: "/dev/kmsg" }],
          ...healthcheck([
            "CMD",
            "wget",
            "--quiet",
            "--tries=1",
            "--spider",
            "http://localhost:8080/healthz",
          ]),
        },
        containerOptions("cadvisor", false),
      ),
      image("cadvisor", "cadvisor-container", "ghcr.io/google/cadvisor:v0.60.5"),
    ]);
    expect(outputsOf(run)).toEqual({
      internalUrl: "http://cadvisor:8080",
      containerName: "tm-cadvisor",
    });
  });
});
