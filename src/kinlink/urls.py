from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from kinlink.accounts import views as account_views
from kinlink.exchange import views as exchange_views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/language/", account_views.language_set, name="language_set"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("kinlink.api.urls")),
    path("cases/", include("kinlink.cases.urls")),
    path("tracing/", include("kinlink.tracing.urls")),
    path("services/", include("kinlink.referrals.urls")),
    path("care/", include("kinlink.care.urls")),
    path("alerts/", include("kinlink.alerts.urls")),
    path("statistics/", include("kinlink.stats.urls")),
    path("forms/", include("kinlink.questionnaires.urls")),
    path("training/", include("kinlink.training.urls")),
    path("exchange/", include("kinlink.exchange.urls")),
    path(".well-known/kinlink-node", exchange_views.node_document),
    path("me/", include("kinlink.accounts.urls")),
    path("", include("kinlink.web.urls")),
]
