import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["tsgi-source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["tsgi-source", "module", "node", "import", "default"] } },
  esbuild: { target: "es2022" },
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
