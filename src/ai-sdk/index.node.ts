/** `tokcost/ai-sdk` as Node resolves it: the same API, encodings from the build's binary rank tables. */
import { installFastRanks } from "../node/ranks-loader.js";

installFastRanks();

export * from "./middleware.js";
