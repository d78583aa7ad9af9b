"""The fact-checking domain: articles and their sentences, highlighted spans, claims that
appear across articles, and reviewers' verdicts. See DESIGN.md, section "Domain".

Invariants that must never be false live in Meta.constraints (and one trigger, see
migration 0002) so that no code path, including Model.objects.create and raw updates,
can store them; services and forms add the friendly messages.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from simple_history.models import HistoricalRecords

from annotations.rules.rulings import claim_is_locked
from annotations.text.sanitising import contains_markup, reject_markup, reject_markup_not_in

NOTE_MAX_LENGTH = 2000
QUOTE_CONTEXT_LENGTH = 32  # characters of prefix/suffix kept for the TextQuoteSelector


class Label(models.TextChoices):
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    ATTRIBUTED = "attributed", "Attributed"


http_url_validator = URLValidator(schemes=["http", "https"])


class Article(models.Model):
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    byline = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    # What a web page states besides its publication date: the date it says it was last
    # updated (only when later than published) and the language it declares.
    updated = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=35, blank=True, help_text="as the page declares it")
    text = models.TextField()
    # Unique among current revisions (see Meta): an outlet may revert an edit, and the
    # reverted text is a new revision whose hash an older one already has.
    content_hash = models.CharField(max_length=64)
    source_name = models.CharField(max_length=300, blank=True, help_text="imported from")
    imported_at = models.DateTimeField(auto_now_add=True)
    # Revisions: a changed text of the same article (same url or source) is a new row,
    # linked to the one it replaces, which keeps its text, sentences and orphaned spans,
    # read-only (migration 0012). Only current revisions (next_revision null) are listed.
    revision = models.PositiveIntegerField(default=1)
    first_revision = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_revisions",
        help_text="revision 1 of this article; empty on revision 1 itself",
    )
    next_revision = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="previous_revision",
        help_text="the revision that replaced this one; empty on the current revision",
    )
    # The scheduled re-check of an imported page (`manage.py refetch_articles`): when its
    # address was last fetched again and what came of it, so the next run skips it for a
    # while and a moderator sees silent edits, and refusals, in the admin.
    checked_at = models.DateTimeField(null=True, blank=True, help_text="last re-fetched")
    check_outcome = models.CharField(
        max_length=10,
        blank=True,
        choices=[("unchanged", "Unchanged"), ("revised", "New revision"), ("refused", "Refused")],
    )
    check_message = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-published", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(next_revision=None),
                name="article_current_text_unique",
            ),
            models.UniqueConstraint(
                fields=["first_revision", "revision"], name="article_revision_unique"
            ),
            models.CheckConstraint(
                condition=(Q(revision=1) & Q(first_revision=None))
                | (Q(revision__gt=1) & Q(first_revision__isnull=False)),
                name="article_revision_has_first",
            ),
            models.CheckConstraint(
                condition=~Q(next_revision=F("pk")), name="article_not_its_own_revision"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.pk and self.text_is_anchored():
            stored = Article.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValidationError(
                    {"text": "Spans are anchored to this text; import a new revision instead."}
                )

    def text_is_anchored(self) -> bool:
        return self.next_revision_id is not None or self.spans.exists()

    @property
    def is_current(self) -> bool:
        return self.next_revision_id is None

    @property
    def lineage_id(self) -> int:
        """The id of revision 1: what every revision of this article shares."""
        return self.first_revision_id or self.pk


class Sentence(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    check_worthy = models.BooleanField(
        default=True, help_text="False for page furniture and headings that carry no claim"
    )

    class Meta:
        ordering = ["article", "index"]
        constraints = [
            models.UniqueConstraint(fields=["article", "index"], name="sentence_unique_index"),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")), name="sentence_offsets"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.index} [{self.start}:{self.end}]"

    @property
    def text(self) -> str:
        return self.article.text[self.start : self.end]


class Claim(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    # No markup validator: a claim made from a sentence may quote markup its article
    # contains (data, rendered escaped). clean() refuses markup the article does not
    # have (sanitising.reject_markup_not_in); see migration 0008.
    text = models.TextField()
    origin = models.CharField(
        max_length=300, blank=True, validators=[reject_markup], help_text="who asserts it"
    )
    as_of = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    ruling = models.CharField(max_length=10, choices=Label.choices, blank=True)
    ruling_note = models.TextField(
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH), reject_markup],
    )
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ruled_at = models.DateTimeField(null=True, blank=True)
    # The reviewers' consensus a ruling overruled ("attributed", "contested", ...), shown
    # with the ruling; empty when the ruling follows the reviewers (rules/rulings.py).
    ruling_overrules_consensus = models.CharField(max_length=12, blank=True)
    # A newer claim for the same measure (717 prisoners → 909): both kept, and linked.
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved"]), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ruling="") | Q(ruling__in=Label.values), name="claim_ruling_valid"
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=F("pk")), name="claim_not_superseded_by_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        # Markup in the text is data only where an article it is quoted from has it
        # verbatim ("<script>" in an article about web security); anything else is typed
        # markup and refused. A new claim has no appearances yet: claim_create names the
        # article it is made from (_quoted_from); a claim typed in the admin has none.
        if not contains_markup(self.text):
            return
        source = getattr(self, "_quoted_from", "")
        if self.pk and not source:
            texts = Article.objects.filter(spans__claim=self).values_list("text", flat=True)
            source = "\n\n".join(texts.distinct())
        try:
            reject_markup_not_in(source)(self.text)
        except ValidationError as exc:
            raise ValidationError({"text": exc.messages}) from None

    @property
    def is_locked(self) -> bool:
        return claim_is_locked(ruling=self.ruling)


class AnchorStatus(models.TextChoices):
    EXACT = "exact", "Exact"
    FUZZY = "fuzzy", "Re-anchored approximately"
    ORPHAN = "orphan", "Orphaned (text removed)"


class Span(models.Model):
    """A highlighted stretch of one article, anchored by code-point offsets and by quote."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # The W3C TextQuoteSelector: exact == article.text[start:end].
    exact = models.TextField()
    prefix = models.CharField(max_length=QUOTE_CONTEXT_LENGTH * 2, blank=True)
    suffix = models.CharField(max_length=QUOTE_CONTEXT_LENGTH * 2, blank=True)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="spans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How the span was last re-anchored on a new revision of its article (text/anchoring):
    # exact (same quote, wherever it moved), fuzzy (the quote was edited: the verdicts were
    # given on other words) or orphan (its text is gone; it stays on the old revision).
    # Fuzzy stays fuzzy through later revisions: what was judged is still the old quote.
    anchor_status = models.CharField(
        max_length=6, choices=AnchorStatus.choices, default=AnchorStatus.EXACT
    )
    anchor_score = models.FloatField(
        null=True, blank=True, help_text="similarity of the re-anchored text to the old quote"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start", "end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anchor_status__in=["exact", "fuzzy", "orphan"]),
                name="span_anchor_status_valid",
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="span_unique_offsets"
            ),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")), name="span_offsets"
            ),
            # The quote is exactly as long as the offsets say (both count code points).
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("exact")), name="span_exact_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exact[:60]!r} [{self.start}:{self.end}]"


class Verdict(models.Model):
    """One reviewer's tag on one span."""

    span = models.ForeignKey(Span, on_delete=models.PROTECT, related_name="verdicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    label = models.CharField(max_length=10, choices=Label.choices)
    note = models.TextField(
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        # TextField's max_length only sizes form widgets; the validator enforces it.
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH), reject_markup],
    )
    evidence_url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    attributed_to = models.CharField(max_length=300, blank=True, validators=[reject_markup])
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True, validators=[reject_markup])
    # Derived, kept by services.verdicts_count_latest in the same transaction as every write
    # that changes it: this is its reviewer's latest visible verdict on its span's claim,
    # the one the consensus rule counts. Lists read it instead of ranking every verdict.
    counts_for_claim = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["counts_for_claim"])

    class Meta:
        ordering = ["span", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["span", "reviewer"], name="verdict_one_per_reviewer"),
            models.CheckConstraint(
                condition=Q(label__in=Label.values), name="verdict_label_valid"
            ),
            models.CheckConstraint(
                condition=~Q(label=Label.ATTRIBUTED) | ~Q(attributed_to=""),
                name="verdict_attributed_needs_source",
            ),
            # Attributed-to belongs to attributed verdicts only: a disputed verdict "to the
            # General Staff" would read as an attribution (migration 0006 cleaned old rows).
            models.CheckConstraint(
                condition=Q(label=Label.ATTRIBUTED) | Q(attributed_to=""),
                name="verdict_attributed_to_only_attributed",
            ),
            models.CheckConstraint(
                condition=Q(evidence_url="")
                | Q(evidence_url__startswith="http://")
                | Q(evidence_url__startswith="https://"),
                name="verdict_evidence_http",
            ),
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""), name="verdict_hidden_has_reason"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH),
                name="verdict_note_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} by {self.reviewer_id} on span {self.span_id}"


class RevisionFlag(models.Model):
    """ "Changed since you reviewed": a revision changed (or removed) the sentence of a span
    this reviewer had given a verdict on. Seen by that reviewer only: it says nothing of
    other reviewers. Cleared by the reviewer, recorded: "still holds", or "re-check" (it
    stays pending until they save a verdict on the span again)."""

    class Status(models.TextChoices):
        OPEN = "open", "Changed since you reviewed"
        RECHECK = "recheck", "To re-check"
        HOLDS = "holds", "Still holds"
        RECHECKED = "rechecked", "Re-checked"

    PENDING = (Status.OPEN, Status.RECHECK)

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="revision_flags"
    )
    span = models.ForeignKey(Span, on_delete=models.PROTECT, related_name="revision_flags")
    revision = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        related_name="revision_flags",
        help_text="the revision in which the sentence changed",
    )
    old_text = models.TextField(help_text="the sentence as the reviewer judged it")
    new_text = models.TextField(blank=True, help_text="the sentence now; empty if removed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["revision", "span", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "recheck", "holds", "rechecked"]),
                name="revision_flag_status_valid",
            ),
            # Another revision before the reviewer looked updates the pending flag (its
            # old text stays what they judged) instead of adding one.
            models.UniqueConstraint(
                fields=["reviewer", "span"],
                condition=Q(status__in=["open", "recheck"]),
                name="revision_flag_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: span {self.span_id} for {self.reviewer_id}"

    @property
    def removed(self) -> bool:
        return not self.new_text


class Measure(models.Model):
    """What a figure counts, across articles ("Russian soldiers taken prisoner")."""

    class Judgement(models.TextChoices):
        CONSISTENT = "consistent", "Consistent"
        UPDATE = "update", "Update over time"
        UNDATED = "undated", "Differs, date unknown"
        CONFLICT = "conflict", "Conflict"

    key = models.CharField(max_length=200, unique=True, help_text="how figures are grouped")
    name = models.CharField(max_length=200, validators=[reject_markup])
    # Stored by services.measures_judge whenever the measure's figures change.
    judgement = models.CharField(
        max_length=12, choices=Judgement.choices, default=Judgement.CONSISTENT
    )
    reasons = models.TextField(blank=True, help_text="one line per difference")
    # Reviewers and moderators regroup figures for everyone: each rename, join and split
    # is kept with who made it.
    history = HistoricalRecords(excluded_fields=["judgement", "reasons"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Quantity(models.Model):
    """A figure a sentence states, found at import: value (or range), qualifier, the
    thing counted and the date it holds for."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quantities")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="quantities")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    value = models.FloatField()
    high = models.FloatField(null=True, blank=True, help_text="upper end of a range")
    qualifier = models.CharField(max_length=30, blank=True)
    counted = models.CharField(max_length=200, blank=True)
    percent = models.BooleanField(default=False)
    as_of = models.DateField(null=True, blank=True)
    as_of_stated = models.BooleanField(
        default=False, help_text="the sentence states the date; else it is the article's"
    )
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="quantities"
    )

    # Which measure a figure counts for is the one thing people change (services.measures).
    history = HistoricalRecords(excluded_fields=["as_of", "as_of_stated"])

    class Meta:
        ordering = ["article", "start"]
        verbose_name = "figure"
        constraints = [
            models.UniqueConstraint(fields=["article", "start"], name="quantity_unique_start"),
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")), name="quantity_offsets"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualifier} {self.value:g} {self.counted}".strip()


class ClaimEmbedding(models.Model):
    """A claim's sentence embedding, for suggesting it (annotations.matching): computed once
    per claim text and model, stored as little-endian float32 of unit length. Kept beside
    the claim, not on it, so the claim's history does not copy it on every change."""

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model = models.CharField(max_length=100, help_text="the model that computed it")
    text_hash = models.CharField(max_length=32, help_text="of the claim text it was computed from")
    vector = models.BinaryField()

    def __str__(self) -> str:
        return f"embedding of claim {self.claim_id} ({self.model})"


class OriginName(models.Model):
    """One spelling of an origin, as a moderator set it on a claim or a reviewer typed it as
    "attributed to", and which origin it names when a moderator decided that by hand
    (annotations.rules.origins: a decision wins over the automatic rule). `stands_for`
    empty: the rule decides. Set: the origin's standing name, shared by every spelling
    merged with it; a spelling split off stands for itself. History keeps who and when
    of every merge and split."""

    name = models.CharField(max_length=300, validators=[reject_markup])
    # rules.origins.spelling_key(name): case, spacing and apostrophes are not a spelling.
    key = models.CharField(max_length=300, unique=True, editable=False)
    stands_for = models.CharField(max_length=300, blank=True, validators=[reject_markup])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [
            # A decision names who took it and when; none names nobody.
            models.CheckConstraint(
                condition=(
                    Q(stands_for="", decided_by__isnull=True, decided_at__isnull=True)
                    | (~Q(stands_for="") & Q(decided_by__isnull=False, decided_at__isnull=False))
                ),
                name="originname_decision_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportItem(models.Model):
    """One URL or uploaded file to import, run as a background task (annotations/tasks.py):
    its status and progress are what the import page shows while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        IMPORTED = "imported", "Imported"
        REVISED = "revised", "New revision"
        DUPLICATE = "duplicate", "Already imported"
        FAILED = "failed", "Refused"

    FINISHED = (Status.IMPORTED, Status.REVISED, Status.DUPLICATE, Status.FAILED)

    batch = models.UUIDField(db_index=True, help_text="one submission of the import form")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(max_length=2000, blank=True, validators=[http_url_validator])
    file_name = models.CharField(max_length=300, blank=True)
    # The uploaded page, kept until its task has read it.
    upload = models.BinaryField(null=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    message = models.CharField(max_length=1000, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set on a scheduled re-check of this article's page: the fetched text is stored as
    # its next revision whatever canonical URL the page now states, and the outcome is
    # recorded on the article. Deleting the article drops its pending re-checks.
    recheck_of = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="rechecks"
    )

    class Meta:
        ordering = ["-created_at", "id"]
        permissions = [("import_articles", "Can import articles from files and URLs")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file_name="")) | (~Q(url="") & Q(file_name="")),
                name="importitem_url_or_file",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="importitem_progress"),
        ]

    def __str__(self) -> str:
        return self.url or self.file_name

    @property
    def source(self) -> str:
        return self.url or self.file_name

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class PossibleDuplicate(models.Model):
    """Two claims the claim matcher rates as the same fact: the newer claim's text, looked
    up as the panel looks up a highlight (selectors.claim_suggestions), has the older claim
    as a suggestion strong enough to preselect. Derived, like the counts: kept by the
    writes that create, edit and merge claims (services/duplicates.py) and rebuilt from
    scratch by `manage.py claim_duplicates`, so the moderators' queue reads a table
    instead of matching every claim on each request."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")  # the newer
    other = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")  # the older
    similarity = models.PositiveSmallIntegerField(help_text="meaning and wording, in %")
    score = models.FloatField(help_text="the matcher's rank score")
    reasons = models.JSONField(default=list, help_text="why the matcher suggests it")
    found_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "other"], name="possible_duplicate_once"),
            models.CheckConstraint(
                condition=Q(other__lt=F("claim")), name="possible_duplicate_older_other"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} may repeat claim {self.other_id}"


class DuplicateDismissal(models.Model):
    """A moderator's "not the same claim" on a pair the matcher offered: the queue never
    offers the pair again, whatever the matcher says later. A decision, not derived: the
    rebuild keeps it."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")  # the newer
    other = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="+")  # the older
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "other"], name="duplicate_dismissed_once"),
            models.CheckConstraint(
                condition=Q(other__lt=F("claim")), name="duplicate_dismissal_older_other"
            ),
        ]

    def __str__(self) -> str:
        return f"claims {self.other_id} and {self.claim_id} are not the same"
