/**
 * Bumped whenever the same options would produce different bytes, so `seed_runs` tells which
 * generator a loaded data set came from and a stale seed can be told apart from a current one.
 */
export const GENERATOR_VERSION = 'leaf-pbm-synth/1.2.0';
