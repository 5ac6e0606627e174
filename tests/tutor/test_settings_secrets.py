"""Settings never show a state URL's password: not in repr, not in a validation error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tutor.settings import Settings


def test_repr_leaves_out_the_state_url() -> None:
    settings = Settings(state_url="redis://:hunter2secret@cache:6379/0")
    assert "hunter2secret" not in repr(settings)
    assert "hunter2secret" not in str(settings)
    assert settings.state_url == "redis://:hunter2secret@cache:6379/0"


def test_a_rejected_state_url_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(state_url="postgres://admin:hunter2secret@db/tutor")
    assert "hunter2secret" not in str(caught.value)
    assert "state_url" in str(caught.value)
