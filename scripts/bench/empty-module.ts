/**
 * A calibration point, never deployed: a module that does nothing. Bundled like the functions it
 * is only the banner, so its cold import is what loading any ESM bundle costs Node before a
 * single line of the function runs.
 */
export {};
