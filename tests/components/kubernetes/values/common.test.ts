import {
  envFromSecret,
  escapeHelmTemplate,
  gibibytes,
  resources,
} from "../../../../components/kubernetes/values/common";
import { credentialLeaves, leafPaths, pathsOutside } from "./chart-keys";

describe("resources", () => {
  it("requests the memory limit and the CPU, and limits only memory", () => {
    // Given a 512 MiB limit and a 100m CPU request
    // When the resources are built
    const built = resources(512, "100m");

    // Then memory is requested at its limit and there is no CPU limit
    expect(built).toStrictEqual({
      requests: { cpu: "100m", memory: "512Mi" },
      limits: { memory: "512Mi" },
    });
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a memory limit of %p MiB", (memoryMb) => {
    // Given a memory limit that is not a positive integer, when resources are built, then it
    // throws, naming the option and the value
    expect(() => resources(memoryMb, "100m")).toThrow(
      `memoryMb must be a positive integer, got ${String(memoryMb)}`,
    );
  });
});

describe("gibibytes", () => {
  it("spells a size in GiB as a Kubernetes quantity", () => {
    expect(gibibytes(20)).toBe("20Gi");
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => gibibytes(0.5)).toThrow("sizeGb must be a positive integer, got 0.5");
  });
});

describe("envFromSecret", () => {
  it("maps every key of the named Secret onto the environment", () => {
    expect(envFromSecret("object-storage-credentials")).toStrictEqual({
      secretRef: { name: "object-storage-credentials" },
    });
  });
});

describe("escapeHelmTemplate", () => {
  it.each([
    ["text without braces", "a = 1", "a = 1"],
    ["single braces of Alloy blocks", 'x "y" {\n}', 'x "y" {\n}'],
    ["an opening pair", "a{{b", 'a{{ "{{" }}b'],
    ["an opening pair in a triple", "{{{", '{{ "{{" }}{'],
    ["every opening pair", "{{a}} {{b}}", '{{ "{{" }}a}} {{ "{{" }}b}}'],
    ["a template action", '"{{ .Value }}"', '"{{ "{{" }} .Value }}"'],
  ])("renders %s as itself through tpl", (_, text, escaped) => {
    expect(escapeHelmTemplate(text)).toBe(escaped);
  });
});

describe("chart key helpers", () => {
  const values = {
    a: { b: 1, c: [{ d: 2 }], e: {} },
    "grafana.ini": { smtp: { password: "x" } },
    loki: { storage: { s3: { accessKeyId: "${AWS_ACCESS_KEY_ID}" } } },
  };

  it("lists scalars, lists and empty maps as leaves", () => {
    expect(leafPaths(values)).toEqual([
      "a.b",
      "a.c",
      "a.e",
      "grafana.ini.smtp.password",
      "loki.storage.s3.accessKeyId",
    ]);
  });

  it("reports the leaves outside the allowed paths and passthrough maps", () => {
    expect(pathsOutside(values, ["a.b", "a.c", "grafana.ini", "loki.storage.s3.endpoint"])).toEqual(
      ["a.e", "loki.storage.s3.accessKeyId"],
    );
  });

  it("finds the leaves that name a credential, with their values", () => {
    expect(credentialLeaves(values)).toEqual([
      ["grafana.ini.smtp.password", "x"],
      ["loki.storage.s3.accessKeyId", "${AWS_ACCESS_KEY_ID}"],
    ]);
  });
});
