"""``poll: {min, max}`` in sources.yaml: adaptive polling bounds, validated like every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.exceptions import ConfigError
from pipeline.sources import Poll, load_sources


def load(tmp_path: Path, extra: str) -> object:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - name: courier\n    feeds: https://c.example/rss\n{extra}")
    return load_sources(path, env={})[0]


def test_bounds_are_read_in_seconds(tmp_path: Path) -> None:
    source = load(tmp_path, "    poll: {min: 10m, max: 1d}\n    schedule: 1h\n")
    assert source.poll == Poll(600.0, 86400.0)  # type: ignore[attr-defined]


def test_a_missing_bound_takes_the_settings_default(tmp_path: Path) -> None:
    source = load(tmp_path, "    poll: {max: 2h}\n")
    assert source.poll == Poll(600.0, 7200.0)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    poll: {min: 1d, max: 1h}\n", "min is longer than max"),
        ("    poll: {min: soon}\n", "expected an interval"),
        ("    poll: {minimum: 1h}\n", "did you mean 'min'"),
        ("    poll: 1h\n", "expected a mapping"),
        ("    poll: {min: 1m}\n    schedule: '0 * * * *'\n", "not a cron line"),
    ],
)
def test_mistakes_name_the_field(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        load(tmp_path, extra)
    assert "courier" in str(error.value)
