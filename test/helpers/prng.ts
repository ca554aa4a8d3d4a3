/** A seeded PRNG, uniform in [0, 1), so fuzz tests send the same inputs every run: the fallback's mulberry32. */
export { seededRandom as mulberry32 } from "../../agent/intent/fallback/random.ts";
