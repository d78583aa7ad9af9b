from django.urls import path

from annotations import views

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("articles/<int:article_id>/updates/", views.article_updates, name="article_updates"),
    path("articles/<int:article_id>/span/", views.span_panel, name="span_panel"),
    path("articles/<int:article_id>/span/others/", views.span_others, name="span_others"),
    path("articles/<int:article_id>/verdict/", views.verdict_save, name="verdict_save"),
    path(
        "articles/<int:article_id>/verdict/withdraw/",
        views.verdict_withdraw,
        name="verdict_withdraw",
    ),
]
