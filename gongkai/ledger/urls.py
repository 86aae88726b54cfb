"""The ledger pages, mounted under /staff/ledger/ with the namespace "ledger"; each page group's
module lists its own."""

from gongkai.ledger.views import parts, plans

app_name = "ledger"

urlpatterns = [*plans.urlpatterns, *parts.urlpatterns]
