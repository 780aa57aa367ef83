"""Specification of ``newsarchive extract`` (``python -m pipeline.extract``): one JSON line per
input, in input order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.extract import ExtractedPage

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SEED = PAGES / "seed-op-ed-article.html"
FIELDS = {
    "path",
    "url",
    "title",
    "authors",
    "published_at",
    "updated_at",
    "date_source",
    "section",
    "article_type",
    "language",
    "description",
    "canonical_url",
    "body",
    "author_role",
    "original_publication",
    "opinion_kind",
    "agency",
    "section_label",
}


Capture = pytest.CaptureFixture[str]


def run(argv: list[str], capsys: Capture) -> tuple[int, list[dict[str, object]]]:
    capsys.readouterr()
    status = main(["extract", *argv])
    return status, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_each_file_gives_one_record_in_input_order(tmp_path: Path, capsys: Capture) -> None:
    other = PAGES / "related-and-comments.html"
    status, records = run([str(SEED), str(other), str(SEED)], capsys)
    assert status == 0
    assert [r["path"] for r in records] == [str(SEED), str(other), str(SEED)]
    assert set(records[0]) == FIELDS
    assert records[0]["title"] == "Russia's Pursuit of Peace and Partnership"
    assert records[0]["updated_at"] == "2016-07-27T00:00:00+00:00"
    assert records[0]["author_role"] == "foreign minister"
    assert records[0]["original_publication"] == "The Washington Post"
    assert records[0]["url"] == SEED.resolve().as_uri()


def test_a_failing_file_gets_an_error_and_the_run_goes_on_and_exits_0(
    tmp_path: Path, capsys: Capture
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n...")
    status, records = run([str(pdf), str(tmp_path / "missing.html"), str(SEED)], capsys)
    assert status == 0
    assert records[0]["error"] == "not_html"
    assert str(records[1]["error"]).startswith("unreadable")
    assert "error" not in records[2] and records[2]["body"]


def test_url_and_timings_options(tmp_path: Path, capsys: Capture) -> None:
    url = "https://www.riverside-ledger.example/opinions/x/"
    status, records = run(["--url", url, "--timings", str(SEED)], capsys)
    assert status == 0
    assert records[0]["url"] == url
    seconds = records[0]["seconds"]
    assert isinstance(seconds, float) and 0 < seconds < 10


def test_paths_can_come_from_a_list_file(tmp_path: Path, capsys: Capture) -> None:
    listing = tmp_path / "paths.txt"
    listing.write_text(f"{SEED}\n\n{PAGES / 'seed-op-ed-divs.html'}\n", encoding="utf-8")
    _, records = run(["--paths-from", str(listing)], capsys)
    assert [Path(str(r["path"])).name for r in records] == [
        "seed-op-ed-article.html",
        "seed-op-ed-divs.html",
    ]


@pytest.mark.parametrize("via", ["argument", "stdin"])
def test_the_module_runs_as_a_command(via: str) -> None:
    args = [sys.executable, "-m", "pipeline.extract"]
    stdin = None
    if via == "argument":
        args.append(str(SEED))
    else:
        args += ["--paths-from", "-"]
        stdin = f"{SEED}\n"
    proc = subprocess.run(
        args, input=stdin, capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert record["article_type"] == "opinion"


@pytest.mark.parametrize(("argv", "cleaner"), [([], "soup"), (["--cleaner", "lxml"], "lxml")])
def test_the_cleaner_option_reaches_the_extractor(
    argv: list[str], cleaner: str, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    from pipeline.extract import ExtractOptions, files

    seen: list[str] = []
    real = files.extract

    def spy(html: bytes | str, url: str, options: ExtractOptions | None = None) -> ExtractedPage:
        seen.append(options.cleaner if options else "none")
        return real(html, url, options)

    monkeypatch.setattr(files, "extract", spy)
    status, records = run([*argv, str(SEED)], capsys)
    assert status == 0
    assert records[0]["title"] == "Russia's Pursuit of Peace and Partnership"
    assert seen == [cleaner]


def test_an_unknown_cleaner_is_a_usage_error(capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--cleaner", "regex", str(SEED)])
    assert exit_info.value.code == 2
    assert "invalid choice: 'regex'" in capsys.readouterr().err


def test_strict_exits_1_when_a_file_gave_no_article(tmp_path: Path, capsys: Capture) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n...")
    status, records = run(["--strict", str(pdf), str(SEED)], capsys)
    assert status == 1
    assert records[0]["error"] == "not_html" and records[1]["body"]
