/* The teacher page's script: shows the controls the server rendered hidden (the page reads
   without a script) and wires them to the JSON routes. The key comes from the page's URL and
   goes only into the X-API-Key header of those requests. */

import { keyFrom, makeRequest } from "./api.js";
import { setupCorrections } from "./corrections.js";
import { setupDocuments } from "./documents.js";
import { notices } from "./dom.js";

// the course's routes, relative to the page: the server names their root in <body data-api>
const request = makeRequest(
  (url, init) => window.fetch(url, init),
  keyFrom(window.location.search),
  document.body.dataset.api || "v1/",
);
for (const control of document.querySelectorAll("[data-js][hidden]")) {
  control.hidden = false;
}
const notice = notices(document.querySelector("main"));
setupDocuments(document, request, notice);
setupCorrections(document, request, notice);
