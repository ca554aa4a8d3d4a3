// Entry of the fallback's build worker (build-worker.ts): a worker thread does
// not inherit a tsx registered in-process (bin/hearth), so it registers its own.
import { register } from "tsx/esm/api";

register();
await import("./build-worker.ts");
