from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.importing import ArticleFileError, article_files, read_article_file
from annotations.intake.fetching import is_url, read_url
from annotations.services import article_import


class Command(BaseCommand):
    help = (
        "Import articles: .txt and .html files, folders of them, and http(s) URLs. "
        "Idempotent; a changed text of an article already imported (same canonical URL, "
        "else same file name) is a new revision of it."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders or http(s) URLs")

    def handle(self, *args, paths: list[str], **options):
        files: list[Path | str] = []
        try:
            for item in paths:
                files.extend([item] if is_url(item) else article_files([Path(item)]))
        except ArticleFileError as exc:
            raise CommandError(str(exc)) from None
        refused = 0
        counts = {"imported": 0, "revised": 0, "unchanged": 0}
        for number, path in enumerate(files, start=1):
            name = path if isinstance(path, str) else path.name
            prefix = f"[{number}/{len(files)}] {name}:"
            try:
                parsed = read_url(path) if isinstance(path, str) else read_article_file(path)
                # article_import runs in its own transaction: a refused file stores nothing.
                article, created = article_import(**parsed.import_kwargs())
            except (ArticleFileError, ValidationError) as exc:
                refused += 1
                message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                self.stderr.write(f"{prefix} refused: {'; '.join(message)}")
                continue
            if created and article.revision > 1:
                counts["revised"] += 1
                self.stdout.write(
                    f"{prefix} changed since imported: revision {article.revision} of "
                    f"article {article.lineage_id} ({article.reanchored})"
                )
            elif created:
                counts["imported"] += 1
                count = article.sentences.count()
                self.stdout.write(f"{prefix} imported ({count} sentences)")
            else:
                counts["unchanged"] += 1
                self.stdout.write(f"{prefix} already imported")
            for warning in parsed.warnings:
                self.stdout.write(self.style.WARNING(f"{prefix} {warning}"))
        self.stdout.write(
            f"{counts['imported']} imported, "
            + (f"{counts['revised']} revised, " if counts["revised"] else "")
            + f"{counts['unchanged']} already there, {refused} refused"
        )
        if refused:
            raise CommandError(f"{refused} file(s) refused; see the messages above")
