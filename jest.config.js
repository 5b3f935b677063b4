/**
 * Packages published as ES modules only (an `import` export condition and `export` syntax): the
 * Kubernetes schema models the tests validate objects with, and is-cidr, which they import.
 * Jest runs the tests as CommonJS, so these are resolved with `import` and compiled to CommonJS.
 */
const ESM_ONLY = "(@kubernetes-models|kubernetes-models|is-cidr|cidr-regex)";

/** @type {import("jest").Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Pulumi's runtime keeps global state (mocks, config, stack resources): one file per worker.
  maxWorkers: 2,
  testTimeout: 60000,
  resolver: "<rootDir>/tests/helpers/esm-resolver.js",
  transform: {
    "^.+\\.tsx?$": "ts-jest",
    [`/node_modules/${ESM_ONLY}/.+\\.js$`]: [
      "ts-jest",
      {
        tsconfig: {
          allowJs: true,
          module: "commonjs",
          moduleResolution: "node10",
          target: "ES2022",
          isolatedModules: true,
        },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
};
