/* The progress panel: mastery per section as bars (native <meter> elements: no inline style,
   read out by screen readers), the items due and the streak of days with an answer. */

import { el } from "./dom.js";
import { plural } from "./review.js";

// The rows of the panel: every section with quiz items, its mastery as a share and a percent.
export function sectionRows(progress) {
  const sections = Array.isArray(progress.sections) ? progress.sections : [];
  return sections
    .filter((s) => s.items > 0)
    .map((s) => ({
      section: s.section,
      mastery: Math.min(1, Math.max(0, Number(s.mastery) || 0)),
      percent: Math.round(100 * (Number(s.mastery) || 0)),
      practised: s.practised,
      items: s.items,
    }));
}

export function figuresText(review) {
  const due = review.items.length;
  const streak = review.streak_days;
  const parts = [plural(due, "item") + " due for review"];
  parts.push(streak ? plural(streak, "day") + " in a row with an answer" : "no streak yet");
  return parts.join(" · ");
}

// The panel's content for a learner's progress and review (GET …/progress, GET …/review).
export function renderProgress(progress, review) {
  const box = el("div", "progress-content");
  box.appendChild(el("h2", "progress-title", "Your progress"));
  box.appendChild(el("p", "progress-figures", figuresText(review)));
  const list = el("ul", "mastery");
  sectionRows(progress).forEach((row, i) => {
    const item = el("li", "mastery-row");
    const name = el("span", "mastery-name", row.section);
    name.id = "mastery-" + i;
    const bar = el("meter", "mastery-bar");
    bar.min = 0;
    bar.max = 1;
    bar.value = row.mastery;
    bar.setAttribute("aria-labelledby", name.id);
    const share = el("span", "mastery-share", row.percent + "%");
    share.title = row.practised + " of " + row.items + " items practised";
    item.appendChild(name);
    item.appendChild(bar);
    item.appendChild(share);
    list.appendChild(item);
  });
  box.appendChild(list);
  return box;
}

// The panel and the button that shows it; `refresh()` reads the learner's figures again
// while it is open.
export function createProgressPanel({ panel, toggle, client, zone, messageOf }) {
  function fill(node) {
    panel.textContent = "";
    panel.appendChild(node);
  }

  function refresh() {
    if (panel.hidden) {
      return Promise.resolve();
    }
    if (!client.sessionId) {
      fill(el("p", "progress-empty", "No answers yet: answer a quiz to see your progress."));
      return Promise.resolve();
    }
    return Promise.all([client.progress(), client.review(zone)]).then(
      ([progress, review]) => fill(renderProgress(progress, review)),
      (e) => fill(el("p", "progress-empty", messageOf(e)))
    );
  }

  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
    refresh();
  });
  return { refresh };
}
