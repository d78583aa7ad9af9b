from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.importing import ArticleFileError, article_files, read_article_file
from annotations.services import article_import


class Command(BaseCommand):
    help = "Import articles: .txt and .html files, and folders of them. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, paths: list[Path], **options):
        try:
            files = article_files(paths)
        except ArticleFileError as exc:
            raise CommandError(str(exc)) from None
        refused = 0
        counts = {"imported": 0, "unchanged": 0}
        for number, path in enumerate(files, start=1):
            prefix = f"[{number}/{len(files)}] {path.name}:"
            try:
                parsed = read_article_file(path)
                # article_import runs in its own transaction: a refused file stores nothing.
                article, created = article_import(**parsed.import_kwargs())
            except (ArticleFileError, ValidationError) as exc:
                refused += 1
                message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                self.stderr.write(f"{prefix} refused: {'; '.join(message)}")
                continue
            if created:
                counts["imported"] += 1
                count = article.sentences.count()
                self.stdout.write(f"{prefix} imported ({count} sentences)")
            else:
                counts["unchanged"] += 1
                self.stdout.write(f"{prefix} already imported")
            for warning in parsed.warnings:
                self.stdout.write(self.style.WARNING(f"{prefix} {warning}"))
        self.stdout.write(
            f"{counts['imported']} imported, {counts['unchanged']} already there, "
            f"{refused} refused"
        )
        if refused:
            raise CommandError(f"{refused} file(s) refused; see the messages above")
