/**
 * A calibration point, never deployed: a module that does nothing. Bundled like the functions, its
 * cold import is what loading any bundle costs Node before a single line of the function runs.
 */
export {};
