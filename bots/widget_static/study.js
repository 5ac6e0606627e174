/* The header's Review and Progress buttons, wired to the page: widget.js calls
   `installStudy` once with the parts it has built. */

import { createProgressPanel } from "./progress.js";
import { createReview } from "./review.js";

// The browser's IANA time zone (days of the streak and of the next review are the learner's).
export function browserZone(intl = globalThis.Intl) {
  try {
    return intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch (e) {
    return "UTC";
  }
}

export function installStudy(doc, { client, messages, quizActions, zone = browserZone() }) {
  const panel = createProgressPanel({
    panel: doc.getElementById("progress"),
    toggle: doc.getElementById("progress-toggle"),
    client: client,
    zone: zone,
    messageOf: quizActions.messageOf,
  });
  const review = createReview({ client, messages, quizActions, zone, onDone: panel.refresh });
  const reviewButton = doc.getElementById("review");
  reviewButton.addEventListener("click", () => {
    reviewButton.disabled = true;
    review.start().finally(() => {
      reviewButton.disabled = false;
    });
  });
  return { panel, review };
}
