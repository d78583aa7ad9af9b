from django.urls import path, register_converter

from annotations.converters import IdConverter
from annotations.views import (
    claims,
    duplicates,
    exports,
    figures,
    intake,
    revisions,
    rulings,
    workspace,
)

# Ids beyond a 64-bit integer are a 404 here instead of a database error (see converters).
register_converter(IdConverter, "id")

urlpatterns = [
    path("", workspace.article_list, name="article_list"),
    path("articles/<id:article_id>/", workspace.article_detail, name="article_detail"),
    path("articles/<id:article_id>/updates/", workspace.article_updates, name="article_updates"),
    path("articles/<id:article_id>/span/", workspace.span_panel, name="span_panel"),
    path("articles/<id:article_id>/span/others/", workspace.span_others, name="span_others"),
    path("articles/<id:article_id>/span/move/", workspace.span_move, name="span_move"),
    path("articles/<id:article_id>/verdict/", workspace.verdict_save, name="verdict_save"),
    path(
        "articles/<id:article_id>/verdict/withdraw/",
        workspace.verdict_withdraw,
        name="verdict_withdraw",
    ),
    path(
        "articles/<id:article_id>/revisions/",
        revisions.article_revisions,
        name="article_revisions",
    ),
    path(
        "articles/<id:article_id>/changes/<id:flag_id>/",
        workspace.revision_flag_answer,
        name="revision_flag_answer",
    ),
    path("measures/<id:measure_id>/", figures.measure_detail, name="measure_detail"),
    path(
        "measures/<id:measure_id>/<str:change>/",
        figures.measure_change,
        name="measure_change",
    ),
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/<id:claim_id>/", claims.claim_detail, name="claim_detail"),
    path("claims/duplicates/", duplicates.duplicate_list, name="duplicate_list"),
    path("claims/duplicates/merge/", duplicates.duplicate_merge, name="duplicate_merge"),
    path("claims/duplicates/dismiss/", duplicates.duplicate_dismiss, name="duplicate_dismiss"),
    path("claims/<id:claim_id>.jsonld", exports.claim_review, name="claim_review"),
    path("claimreviews/", exports.claim_review_feed, name="claim_review_feed"),
    path("rulings/", rulings.ruling_index, name="ruling_index"),
    path("rulings/<id:claim_id>/", rulings.ruling_public, name="ruling_public"),
    path("annotations/", exports.annotation_collection, name="annotation_collection"),
    path("annotations/<id:verdict_id>", exports.annotation_detail, name="annotation_detail"),
    path("import/", intake.import_page, name="import_page"),
    path("import/status/", intake.import_status, name="import_status"),
]
