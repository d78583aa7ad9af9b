"""import_articles: idempotent, and every bad file refused with its name and reason."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.models import Article, Sentence


def _import(*paths):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def _snapshot():
    return list(Article.objects.values_list("content_hash", flat=True)), Sentence.objects.count()


def test_importing_twice_stores_nothing_twice(seeds):
    before = _snapshot()
    out, _, error = _import("seeds")
    assert error is None
    assert out.count("already imported") == 5
    assert _snapshot() == before


def test_it_prints_a_progress_line_per_file(db, tmp_path):
    for n in range(3):
        (tmp_path / f"a{n}.txt").write_text(f"Headline {n}\n\nBody {n}.")
    out, _, error = _import(tmp_path)
    assert error is None
    assert "[1/3] a0.txt: imported" in out and "[3/3] a2.txt: imported" in out


def test_it_parses_the_date_marker_and_keeps_it_out_of_the_text(db, tmp_path):
    (tmp_path / "x.txt").write_text("date 2025-01-31 The headline\r\n\r\nBody text.")
    _import(tmp_path / "x.txt")
    article = Article.objects.get()
    assert str(article.published) == "2025-01-31"
    assert article.title == "The headline"
    assert article.text == "The headline\n\nBody text."


BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"  \n\n \n", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin1.txt": ("Caf\u00e9 news\n\nIt happened.".encode("latin-1"), "not UTF-8"),
    "control.txt": (b"Headline\n\nBell \x07 ringing.", "control characters"),
    "huge.txt": (b"Headline\n\n" + b"word " * 200_001, "over the 1,000,000-byte limit"),
    "baddate.txt": (b"date 2025-13-45 Headline\n\nBody.", "not a YYYY-MM-DD date"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_by_name_and_nothing_is_stored(seeds, tmp_path, name):
    content, reason = BAD_FILES[name]
    (tmp_path / name).write_bytes(content)
    before = _snapshot()
    _, err, error = _import(tmp_path / name)
    assert error is not None, "a refused file makes the command fail"
    assert f"{name}: " in err and reason in err
    assert _snapshot() == before


def test_a_bad_sidecar_is_refused(db, tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody.")
    (tmp_path / "a.json").write_text('{"outlet": "X", "publisher_guess": "Y"}')
    _, err, error = _import(tmp_path)
    assert error is not None and "unknown fields ['publisher_guess']" in err
    assert not Article.objects.exists()


def test_good_files_beside_a_bad_one_are_still_imported(db, tmp_path):
    (tmp_path / "good.txt").write_text("Headline\n\nBody.")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    out, err, error = _import(tmp_path)
    assert "good.txt: imported" in out and "bad.txt: refused" in err
    assert Article.objects.count() == 1


def test_a_missing_path_is_an_error(db, tmp_path):
    _, _, error = _import(tmp_path / "nope")
    assert error is not None and "no such file" in str(error)
