"""URL map: the public portal at the root, the staff workspace under /staff/, the read API,
and /healthz for the proxy's health checks."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gongkai.core.health import healthz
from gongkai.orgs import account_pages

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # K: messages — public pages under /hudong/, the staff pages under /staff/messages/.
    path("", include("gongkai.interaction.urls")),
    path("", include("gongkai.portal.urls")),
    path("push/", include("gongkai.push.urls")),
    path("banshi/", include("gongkai.serviceguides.public_urls")),  # 办事服务 (issue 14)
    path("staff/publications/", include("gongkai.publications.urls")),
    path("staff/applications/", include("gongkai.applications.urls")),
    path("staff/reports/", include("gongkai.reports.urls")),
    path("staff/monitoring/", include("gongkai.monitoring.urls")),
    path("staff/ledger/", include("gongkai.ledger.urls")),
    path("staff/assessment/", include("gongkai.assessment.urls")),
    path("staff/push/", include("gongkai.push.staff_urls")),
    path("", include("gongkai.participation.urls")),  # /participation/ and /staff/participation/
    path("staff/site/", include("gongkai.portal.staff_urls")),
    path("staff/enterprises/", include("gongkai.orgs.enterprise_urls")),  # C: 公共企事业单位
    path("staff/topics/", include("gongkai.topics.urls")),  # D: 专题专栏 (issue 14)
    path("", include("gongkai.accesspoints.urls")),  # E: 查阅点 and /kiosk/ (issue 14)
    path("staff/banshi/", include("gongkai.serviceguides.urls")),  # A: service guides
    path("staff/", include("gongkai.catalog.urls")),
    path("api/", include("gongkai.api.urls")),
    # Login (lockout, authenticator codes), password change and the office's account page.
    path("accounts/", include("gongkai.orgs.account_urls")),
    # The admin logs in and changes passwords through ours, so the lockout, the code and the
    # audit log cover it too.
    path("admin/login/", account_pages.admin_login),
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
]
