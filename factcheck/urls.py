from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from factcheck.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("annotations.urls")),
]

admin.site.site_header = "Factcheck moderation"
admin.site.site_title = "Factcheck moderation"
admin.site.index_title = "Claims, verdicts and rulings"
