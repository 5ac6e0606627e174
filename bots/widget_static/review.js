/* The Review button: the learner's due items one quiz card at a time, the earliest due first
   (as the server schedules them), then a summary: "7 reviewed, 5 right; next review
   tomorrow, 3 items". Each card is the ordinary quiz card; the first answer to it brings the
   next one, and is sent with the seconds it took (which schedules the item's next review). */

import { renderError } from "./answer.js";
import { el } from "./dom.js";
import { renderQuiz } from "./quiz.js";

const DAY_MS = 86400000;

export function plural(n, noun) {
  return n + " " + noun + (n === 1 ? "" : "s");
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

// A time to come as a learner says it, on the browser's clock and days: "in 10 minutes",
// "today at 19:10", "tomorrow", "on Friday", "on 18 May". `at` and `now` are in seconds.
export function whenText(at, now, locale) {
  const then = new Date(at * 1000);
  const days = Math.round((startOfDay(then) - startOfDay(new Date(now * 1000))) / DAY_MS);
  if (at - now < 3600) {
    return "in " + plural(Math.max(1, Math.round((at - now) / 60)), "minute");
  }
  if (days === 0) {
    return "today at " + then.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  }
  if (days === 1) {
    return "tomorrow";
  }
  const options = days < 7 ? { weekday: "long" } : { day: "numeric", month: "long" };
  return "on " + then.toLocaleDateString(locale, options);
}

// The next review as the summary says it.
export function nextText(summary, locale) {
  if (summary.next_due_at === null || summary.next_due_at === undefined) {
    return "nothing is scheduled yet";
  }
  const when = whenText(summary.next_due_at, summary.now, locale);
  return "next review " + when + ", " + plural(summary.next_due, "item");
}

export function summaryText(summary, locale) {
  return (
    summary.reviewed + " reviewed, " + summary.right + " right; " + nextText(summary, locale) + "."
  );
}

function note(text, className) {
  const box = el("div", "msg tutor review-note " + (className || ""));
  box.appendChild(el("p", null, text));
  return box;
}

// `client` is the API client; `messages` the message list; `quizActions` what a quiz card
// needs (quiz.js); `zone` the browser's time zone; `onDone()` runs after every review (the
// progress panel refreshes); `now()` is the clock in milliseconds.
export function createReview({
  client,
  messages,
  quizActions,
  zone,
  onDone = () => {},
  now = () => Date.now(),
  locale,
}) {
  let running = false;

  function fail(e) {
    messages.add(renderError(quizActions.messageOf(e)));
    running = false;
  }

  function finish(review) {
    const ids = review.items.map((item) => item.quiz_id);
    return client.reviewSummary(ids, review.now, zone).then((summary) => {
      messages.add(note("Review done: " + summaryText(summary, locale), "review-done"));
      running = false;
      onDone();
    }, fail);
  }

  function show(review, index) {
    if (index >= review.items.length) {
      return finish(review);
    }
    const shownAt = now();
    let answered = false;
    const card = renderQuiz(review.items[index], {
      ...quizActions,
      answerQuiz(quizId, answer) {
        const seconds = Math.max(0.1, (now() - shownAt) / 1000);
        return client.answerQuiz(quizId, answer, seconds).then((grade) => {
          if (!answered) {
            answered = true; // a second try at the card is graded, and moves nothing on
            show(review, index + 1);
          }
          return grade;
        });
      },
    });
    card.classList.add("review-item");
    card.querySelector(".label").textContent =
      "Review " + (index + 1) + " of " + review.items.length;
    messages.add(card);
    return null;
  }

  return {
    get running() {
      return running;
    },
    start() {
      if (running) {
        return Promise.resolve();
      }
      running = true;
      if (!client.sessionId) {
        messages.add(note("Nothing is due for review yet: answer a quiz first."));
        running = false;
        return Promise.resolve();
      }
      return client.review(zone).then((review) => {
        if (!review.items.length) {
          return client.reviewSummary([], review.now, zone).then((summary) => {
            messages.add(note("Nothing is due for review now; " + nextText(summary, locale) + "."));
            running = false;
          });
        }
        const count = plural(review.items.length, "item");
        messages.add(note("Review: " + count + " due, the earliest due first."));
        return show(review, 0);
      }, fail);
    },
  };
}
