from django.urls import path

from annotations.views import claims, exports, figures, workspace

urlpatterns = [
    path("", workspace.article_list, name="article_list"),
    path("articles/<int:article_id>/", workspace.article_detail, name="article_detail"),
    path("articles/<int:article_id>/updates/", workspace.article_updates, name="article_updates"),
    path("articles/<int:article_id>/span/", workspace.span_panel, name="span_panel"),
    path("articles/<int:article_id>/span/others/", workspace.span_others, name="span_others"),
    path("articles/<int:article_id>/span/move/", workspace.span_move, name="span_move"),
    path("articles/<int:article_id>/verdict/", workspace.verdict_save, name="verdict_save"),
    path(
        "articles/<int:article_id>/verdict/withdraw/",
        workspace.verdict_withdraw,
        name="verdict_withdraw",
    ),
    path("measures/<int:measure_id>/", figures.measure_detail, name="measure_detail"),
    path(
        "measures/<int:measure_id>/<str:change>/",
        figures.measure_change,
        name="measure_change",
    ),
    path("claims/", claims.claim_list, name="claim_list"),
    path("claims/<int:claim_id>/", claims.claim_detail, name="claim_detail"),
    path("claims/<int:claim_id>.jsonld", exports.claim_review, name="claim_review"),
    path("claimreviews/", exports.claim_review_feed, name="claim_review_feed"),
    path("annotations/", exports.annotation_collection, name="annotation_collection"),
    path("annotations/<int:verdict_id>", exports.annotation_detail, name="annotation_detail"),
]
