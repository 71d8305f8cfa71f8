/** The page's entry: starts the playground with the rank tables next to dist/src (dist/ranks). */
import { start } from "./app.js";

start(new URL("../../ranks/", import.meta.url).href).catch((error: unknown) => {
  const box = document.getElementById("error");
  if (box) box.textContent = String(error instanceof Error ? error.message : error);
  document.body.dataset.failed = "1";
});
