// Runs before the app's modules (project.json "scripts"). Zod compiles object parsers with
// `new Function` when it may; the app's Content-Security-Policy forbids eval, and even Zod's
// probe for it is reported as a violation. Zod reads its global config from this object when
// it loads (zod/v4/core: globalThis.__zod_globalConfig), and schemas read `jitless` when they
// are created, so it has to be set before any module runs.
globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };
