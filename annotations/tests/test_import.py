"""import_articles: idempotent, and every bad file refused with its name and reason."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations.importing import ArticleFileError, parse_article_text
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
    "control.txt": (b"Headline\n\nBell \x07 ringing.", "control character U+0007"),
    "delete.txt": (b"Headline\n\nRubbed\x7f out.", "control character U+007F"),
    "c1.txt": ("Headline\n\nA \u0085 next line.".encode(), "control character U+0085"),
    "csi.txt": ("Headline\n\n\u009b31m red.".encode(), "control character U+009B"),
    "override.txt": (
        "Headline\n\nThe army captured \u202e1,500\u202c soldiers.".encode(),
        "bidirectional control character U+202E",
    ),
    "isolate.txt": ("Headline\n\nSaid \u2067x\u2069.".encode(), "bidirectional control"),
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


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("Headline\n\nBell \x07 ringing.", "U+0007 at line 3, column 6"),
        ("Headline\r\n\r\nBell \x07 ringing.", "U+0007 at line 3, column 6"),
        ("Headline\r\rSaid \u202ex", "U+202E at line 3, column 6"),
        ("Head\u009fline \x07", "U+009F at line 1, column 5"),  # the first one is named
    ],
)
def test_it_names_the_code_point_and_where_it_is(text, where):
    with pytest.raises(ArticleFileError) as refused:
        parse_article_text(text, source_name="a.txt")
    assert str(refused.value).startswith("a.txt: ") and where in str(refused.value)


def test_it_accepts_tabs_and_the_plain_direction_marks():
    # LRM/RLM/ALM only place punctuation around right-to-left names; they reorder nothing.
    text = "Headline\n\nThe minister\t\u05d3\u05df\u200f, \u200eand \u061c others."
    assert parse_article_text(text, source_name="a.txt").text == text


def test_it_refuses_a_bidi_override_in_a_sidecar_field(db, tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nBody.")
    (tmp_path / "a.json").write_text('{"outlet": "The \\u202eDaily"}')
    _, err, error = _import(tmp_path)
    assert error is not None
    assert "a.json (outlet): bidirectional control character U+202E at line 1, column 5" in err
    assert not Article.objects.exists()


def test_it_shortens_a_long_title_at_a_word_and_says_so(db, tmp_path):
    headline = " ".join(["Casualties"] * 60)  # 659 characters
    (tmp_path / "long.txt").write_text(f"{headline}\n\nBody.")
    out, _, error = _import(tmp_path)
    assert error is None
    assert "[1/1] long.txt: title shortened to 500 characters" in out
    article = Article.objects.get()
    assert len(article.title) <= 500 and article.title.endswith("Casualties\u2026")
    assert article.text.startswith(headline), "the text keeps the whole headline"


def test_it_keeps_a_title_of_exactly_500_characters(db, tmp_path):
    headline = "x" * 500
    (tmp_path / "full.txt").write_text(f"{headline}\n\nBody.")
    out, _, _ = _import(tmp_path)
    assert "shortened" not in out and Article.objects.get().title == headline


@pytest.mark.parametrize(
    ("title", "shortened"),
    [
        ("word " * 100 + "end", ("word " * 100).rstrip() + "\u2026"),  # the 100th word just fits
        ("abcde " * 100, ("abcde " * 83).rstrip() + "\u2026"),  # back out of the 84th
        ("y" * 600, "y" * 499 + "\u2026"),  # no word to cut at
        ("Kursk: " + "z" * 600, "Kursk: " + "z" * 492 + "\u2026"),  # a space too early
    ],
)
def test_it_cuts_a_title_at_the_last_word_that_fits(title, shortened):
    parsed = parse_article_text(f"{title}\n\nBody.", source_name="a.txt")
    assert parsed.title == shortened and len(parsed.title) <= 500
    assert parsed.warnings == ["title shortened to 500 characters"]
