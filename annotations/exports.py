"""Standard formats: schema.org ClaimReview for published rulings, and the W3C Web
Annotation Data Model for verdicts. Plain dictionaries, serialised by the views."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.urls import reverse

from annotations.models import AnchorStatus, Article, Claim, Label, Verdict
from annotations.selectors import ClaimAggregate

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# ClaimReview ratings: 1 (worst) to 3 (best); alternateName carries our label.
RATING = {Label.DISPUTED: 1, Label.ATTRIBUTED: 2, Label.VERIFIED: 3}
RATING_NAMES = {
    Label.VERIFIED: "Verified",
    Label.DISPUTED: "Disputed",
    Label.ATTRIBUTED: "Attributed (accurately reported, not independently established)",
}


def _article_url(request, article: Article) -> str:
    return article.url or request.build_absolute_uri(reverse("article_detail", args=[article.pk]))


# A byline naming a newsroom rather than a person ("Reuters Staff", "AP", "Editorial
# Board") is an Organization in schema.org; several people ("A and B") are several Persons.
_ORGANISATION_BYLINE = re.compile(
    r"\b(staff|desk|newsroom|editors?|editorial|board|agency|agencies|wires?|bureau|"
    r"team|correspondents|reporters)\b",
    re.IGNORECASE,
)
_BYLINE_SEPARATORS = re.compile(r"\s*(?:;|&|\band\b)\s*", re.IGNORECASE)


def _byline_author(byline: str, outlet: str) -> dict | list[dict] | None:
    byline = " ".join(byline.split())
    if byline.lower().startswith("by "):
        byline = byline[3:]
    if not byline:
        return None
    if byline.casefold() == outlet.casefold() or _ORGANISATION_BYLINE.search(byline):
        return {"@type": "Organization", "name": byline}
    names = [name for name in _BYLINE_SEPARATORS.split(byline) if name]
    people = [{"@type": "Person", "name": name} for name in names]
    return people[0] if len(people) == 1 else people


def appearance(article: Article, ruling_url: str) -> dict:
    """An article the claim appeared in, as schema.org NewsArticle: what the article states
    about itself, and nothing for what it does not (no "unknown"). The one function for
    every appearance and firstAppearance, in the export and on the public ruling page."""
    # The original article where it has one; else the public ruling page, which names the
    # appearance, never the workspace's article page (behind a login).
    work = {
        "@type": "NewsArticle",
        "url": article.url or ruling_url,
        "headline": article.title,
    }
    if author := _byline_author(article.byline, article.outlet):
        work["author"] = author
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.published:
        work["datePublished"] = article.published.isoformat()
    if article.updated:
        work["dateModified"] = article.updated.isoformat()
    if article.language:
        work["inLanguage"] = article.language
    return work


def claim_review(
    request,
    aggregate: ClaimAggregate,
    articles: list[Article],
    as_of: datetime.date | None = None,
) -> dict:
    """A published ruling as schema.org ClaimReview. `articles`: where the claim appears;
    `as_of`: the latest date its figures hold for, named in the review text."""
    claim: Claim = aggregate.claim
    author = {"@type": "Organization", "name": settings.FACTCHECK_ORGANISATION}
    if settings.FACTCHECK_ORGANISATION_URL:
        author["url"] = settings.FACTCHECK_ORGANISATION_URL
    ruling_url = request.build_absolute_uri(reverse("ruling_public", args=[claim.pk]))
    dated = sorted((a for a in articles if a.published), key=lambda a: a.published)
    item = {"@type": "Claim", "appearance": [appearance(a, ruling_url) for a in articles]}
    if aggregate.origins:
        origins = [{"@type": "Organization", "name": name} for name in aggregate.origins]
        item["author"] = origins[0] if len(origins) == 1 else origins
    if dated:
        item["firstAppearance"] = appearance(dated[0], ruling_url)
    if claim.as_of:
        item["datePublished"] = claim.as_of.isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": ruling_url,
        "claimReviewed": claim.text,
        "author": author,
        "datePublished": claim.ruled_at.date().isoformat(),
        "reviewBody": claim.ruling_note
        + (
            f" The moderator overruled the reviewers' consensus ({overruled})."
            if (overruled := claim.ruling_overrules_consensus)
            else ""
        )
        + (f" Figures as of {as_of.isoformat()}." if as_of else ""),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[claim.ruling],
            "bestRating": 3,
            "worstRating": 1,
            "alternateName": RATING_NAMES[claim.ruling],
        },
        "itemReviewed": item,
    }


def web_annotation(request, verdict: Verdict, *, with_context: bool = True) -> dict:
    """A verdict as a W3C Web Annotation with motivation "assessing"."""
    span = verdict.span
    body = [
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": verdict.label,
            "format": "text/plain",
            "language": "en",
        },
    ]
    if verdict.attributed_to:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": f"Attributed to {verdict.attributed_to}",
                "format": "text/plain",
            }
        )
    if verdict.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": verdict.note,
                "format": "text/plain",
            }
        )
    if verdict.evidence_url:
        # A purpose may only sit on a SpecificResource, not on a bare web resource.
        body.append(
            {"type": "SpecificResource", "source": verdict.evidence_url, "purpose": "linking"}
        )
    annotation = {
        "id": request.build_absolute_uri(reverse("annotation_detail", args=[verdict.pk])),
        "type": "Annotation",
        "motivation": "assessing",
        "created": verdict.created_at.isoformat(),
        "modified": verdict.updated_at.isoformat(),
        "creator": {"type": "Person", "nickname": verdict.reviewer.get_username()},
        "body": body,
        "target": {
            "source": _article_url(request, span.article),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": span.exact,
                    "prefix": span.prefix,
                    "suffix": span.suffix,
                },
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        },
    }
    if span.anchor_status == AnchorStatus.ORPHAN:
        # Its text is gone from the current revision: the selectors hold for the article
        # as it was when that revision was imported, which the W3C model says with a state.
        annotation["target"]["state"] = {
            "type": "TimeState",
            "sourceDate": span.article.imported_at.isoformat(),
        }
    return {"@context": ANNOTATION_CONTEXT, **annotation} if with_context else annotation
