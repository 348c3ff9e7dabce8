import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      // Commands go through the generated bindings only.
      "no-restricted-imports": ["error", { paths: [{ name: "@tauri-apps/api/core", importNames: ["invoke"], message: "call the typed functions in src/bindings/commands.ts" }] }],
    },
  },
  { files: ["src/bindings/**"], rules: { "no-restricted-imports": "off" } },
);
