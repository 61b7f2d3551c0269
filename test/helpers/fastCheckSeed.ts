// Property tests draw the same cases on every run, so that CI is repeatable; set FC_SEED to explore others
// (fast-check prints the seed of any failure, and FC_SEED=<that seed> replays it).
import fc from 'fast-check';

const seed = process.env.FC_SEED === undefined ? 20261122 : Number(process.env.FC_SEED);
fc.configureGlobal({ seed });
