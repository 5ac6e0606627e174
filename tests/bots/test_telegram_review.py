"""/review and /progress on Telegram against the fake Bot API, on a fake clock: a review goes
through the due items in scheduling order (quiz polls and short answers, each graded as a
quiz answer is) and ends with the summary; /progress sends a chart and the figures."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image, ImageColor

from bots import telegram_chart as chart
from bots.telegram_chat import session_of
from tests.bots.telegram_inproc import Learner, correct_option, polling_bot
from tests.fake_clock import FakeClock
from tests.fake_telegram import FakeBotAPI
from tutor import QuizItem, Tutor, kind_of

pytestmark = pytest.mark.anyio
CHAT = 4242
DAY = 86_400.0


def right_answer(item: QuizItem) -> str:
    choices = kind_of(item.kind).choices(item)
    return choices[0][choices[1]] if choices else item.answer


def practise(tutor: Tutor, sid: str, count: int) -> None:
    """Answer `count` new items right, a minute apart."""
    for _ in range(count):
        item, _ = tutor.quiz(sid)
        tutor.answer_quiz(item.quiz_id, right_answer(item), sid)
        tutor.clock.advance(60)  # type: ignore[attr-defined]


def all_due(tutor: Tutor, count: int) -> tuple[str, list[QuizItem]]:
    """The chat's session, having answered `count` items a month ago: all of them due."""
    sid = session_of(tutor, CHAT)
    practise(tutor, sid, count)
    tutor.clock.advance(30 * DAY)  # type: ignore[attr-defined]
    due = tutor.due_items(sid)
    assert len(due) == count
    return sid, due


async def answer_current(learner: Learner, tutor: Tutor, item: QuizItem, right: bool) -> None:
    """Answer the item the bot just sent: a poll vote, or a reply to a short-answer item."""
    if kind_of(item.kind).free_text:
        await learner.send(right_answer(item) if right else "no idea at all")
        return
    poll = learner.latest_poll()
    correct = correct_option(poll)
    await learner.vote(correct if right else (correct + 1) % len(poll["options"]))


async def test_review_goes_through_the_due_items_and_ends_with_the_summary(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    tutor = clocked_tutor
    sid, due = all_due(tutor, 7)
    async with polling_bot(api, tutor) as app:
        learner = Learner(api, app, CHAT)
        polls_before = len(api.calls("sendPoll"))
        await learner.send("/review")
        assert "<b>Review</b>: 7 items due" in learner.texts()[0]
        shown: list[str] = []
        for n, item in enumerate(due):  # the earliest due first
            # what the bot sent last is this item: a poll asking it, or its short-answer text
            if kind_of(item.kind).free_text:
                assert item.question in learner.texts()[-1]
            else:
                assert learner.latest_poll()["question"] in (item.question, _long(item))
            shown.append(item.quiz_id)
            clock.advance(15)
            await answer_current(learner, tutor, item, right=n not in (2, 5))
        summary = learner.texts()[-1]
        assert "7 reviewed, 5 right; next review" in summary, summary
        assert "Review done" in summary
        polls = len(api.calls("sendPoll")) - polls_before
        assert polls == sum(1 for i in due if not kind_of(i.kind).free_text)
        attempts = tutor.store.attempts(sid)[7:]  # the review's, after the practice
        assert [a.quiz_id for a in attempts] == shown
        assert [a.correct for a in attempts] == [n not in (2, 5) for n in range(7)]
        # the two missed come back ten minutes after their answers: the third item's was
        # answered a minute before the end
        assert "next review in 9 minutes, 2 items" in summary
        assert tutor.due_items(sid) == []
        assert "Nothing is due for review now" in await learner.say("/review")


def _long(item: QuizItem) -> str:
    return "Your answer to the question above:"  # a question longer than a poll allows


async def test_an_answer_to_something_else_does_not_move_the_review_on(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    tutor = clocked_tutor
    _, (first, second) = all_due(tutor, 2)
    async with polling_bot(api, tutor) as app:
        learner = Learner(api, app, CHAT)
        await learner.send("/review")
        sent = len(learner.texts()) + len(api.calls("sendPoll"))
        await learner.send("/progress")  # the review waits for its item's answer
        await answer_current(learner, tutor, first, right=True)
        await answer_current(learner, tutor, second, right=True)
        assert "2 reviewed, 2 right" in learner.texts()[-1]
        assert len(learner.texts()) + len(api.calls("sendPoll")) == sent + 3


async def test_nothing_due_says_when_the_next_review_is(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    tutor = clocked_tutor
    async with polling_bot(api, tutor) as app:
        learner = Learner(api, app, CHAT)
        assert "Nothing is due for review now; nothing is scheduled yet" in await learner.say(
            "/review"
        )
        practise(tutor, session_of(tutor, CHAT), 3)
        said = await learner.say("/review")
        assert "Nothing is due for review now; next review" in said and "3 items" in said


async def test_progress_sends_a_chart_and_the_figures(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    tutor = clocked_tutor
    async with polling_bot(api, tutor) as app:
        learner = Learner(api, app, CHAT)
        assert "No quiz answers yet" in await learner.say("/progress")
        assert api.calls("sendPhoto") == []  # no chart of nothing
        sid = session_of(tutor, CHAT)
        for _ in range(3):  # three days in a row
            practise(tutor, sid, 2)
            clock.advance(DAY)
        text = await learner.say("/progress")
        assert "6 of 6 answers right" in text and "3 days in a row" in text
        [call] = api.calls("sendPhoto")
        assert call.ok and call["caption"] == "Mastery per section"
        image = Image.open(BytesIO(api.photo_bytes(call.result["photo"][-1]["file_id"])))
        sections = tutor.progress(sid).sections
        assert image.format == "PNG" and image.width == 800
        assert image.height > chart.ROW * len(sections)  # a bar per section
        # each bar is as long as the JSON progress says: the filled pixels along its middle
        assert [bar_share(image, n) for n in range(len(sections))] == pytest.approx(
            [s.mastery for s in sections], abs=2 / chart.BAR
        )
        assert any(s.mastery > 0 for s in sections)


def bar_share(image: Image.Image, row: int) -> float:
    """The filled share of section `row`'s bar, read off the chart's pixels."""
    y = chart.TOP + row * chart.ROW + chart.ROW // 2
    fill = {ImageColor.getrgb(chart.FILL), ImageColor.getrgb(chart.GOOD)}
    xs = range(chart.LEFT_LABEL, chart.LEFT_LABEL + chart.BAR)
    return sum(image.getpixel((x, y)) in fill for x in xs) / chart.BAR
