import { projectName, stackSettings } from "../../scripts/cli/stack-file";

describe("stack files", () => {
  it("reads the project name from Pulumi.yaml", () => {
    expect(projectName("name: timemanager-monitoring\nruntime: nodejs\n")).toBe(
      "timemanager-monitoring",
    );
  });

  it("keys the project's settings by their bare name and keeps the providers' as they are", () => {
    const file = [
      "encryptionsalt: v1:abc",
      "config:",
      "  timemanager-monitoring:platform: kubernetes",
      "  timemanager-monitoring:grafanaAdminPassword:",
      "    secure: v1:xyz",
      "  docker:host: ssh://me@box",
    ].join("\n");
    expect(stackSettings(file, "timemanager-monitoring")).toEqual({
      platform: "kubernetes",
      grafanaAdminPassword: { secure: "v1:xyz" },
      "docker:host": "ssh://me@box",
    });
  });

  it("gives a stack without a file, or with an empty config, no settings", () => {
    expect([
      stackSettings(undefined, "p"),
      stackSettings("config: {}\n", "p"),
      stackSettings("# nothing\n", "p"),
    ]).toEqual([{}, {}, {}]);
  });
});
