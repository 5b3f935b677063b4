/** @type {import("jest").Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Pulumi's runtime keeps global state (mocks, config, stack resources): one file per worker.
  maxWorkers: 2,
  testTimeout: 60000,
};
