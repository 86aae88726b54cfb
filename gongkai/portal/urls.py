"""The public portal, mounted at the site root under the namespace "portal"."""

from django.urls import path

from gongkai.applications.views import public as applications
from gongkai.interaction.views import public as interaction
from gongkai.portal import feeds
from gongkai.portal.views import (
    accessibility,
    catalog,
    disclosure,
    enterprises,
    guide,
    home,
    search,
    site,
    units,
)
from gongkai.portal.views import topics as topic_pages  # D: 专题专栏 (issue 14)

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    # The standard disclosure catalog.
    path("catalog/", catalog.catalog_index, name="catalog_index"),
    path("catalog/units/", catalog.catalog_units, name="catalog_units"),
    path("catalog/domain/<slug:code>/", catalog.catalog_domain, name="catalog_domain"),
    path(
        "catalog/domain/<slug:code>/unit/<str:unit_code>/",
        catalog.catalog_domain_unit,
        name="catalog_domain_unit",
    ),
    path("catalog/unit/<str:code>/", catalog.catalog_unit, name="catalog_unit"),
    path(
        "catalog/unit/<str:code>/export.xlsx",
        catalog.catalog_unit_export,
        name="catalog_unit_export",
    ),
    path("catalog/item/<int:pk>/", catalog.catalog_item, name="catalog_item"),
    # The government information disclosure column (政府信息公开专栏).
    path("xxgk/", disclosure.disclosure, name="disclosure"),
    path("xxgk/<int:pk>/", disclosure.publication, name="publication"),
    path("xxgk/attachment/<int:pk>/", disclosure.attachment, name="attachment"),
    path("xxgk/column/<slug:code>/", disclosure.column, name="column"),
    # 政府信息公开指南, built from each unit's data (the county government's, then per unit).
    path("xxgk/guide/", guide.guide, name="guide"),
    path("xxgk/guide/<str:code>/", guide.guide_unit, name="guide_unit"),
    path("xxgk/units/", units.unit_directory, name="unit_directory"),
    path("xxgk/unit/<str:code>/", disclosure.browse_unit, name="browse_unit"),
    path("xxgk/domain/<slug:code>/", disclosure.browse_domain, name="browse_domain"),
    path("xxgk/five/<slug:five_class>/", disclosure.browse_five, name="browse_five"),
    path("xxgk/year/<int:year>/", disclosure.browse_year, name="browse_year"),
    path("xxgk/normative/", disclosure.normative, name="normative"),
    path("xxgk/enterprises/", enterprises.enterprise_list, name="enterprises"),
    path("search/", search.search, name="search"),
    # Disclosure on application (依申请公开): apply online and follow the application.
    path("apply/", applications.apply, name="apply"),
    path("apply/done/", applications.apply_done, name="apply_done"),
    path("apply/track/", applications.track, name="apply_track"),
    path("apply/letter/<str:token>/", applications.reply_letter, name="apply_letter"),
    # Atom feeds.
    path("feeds/latest/", feeds.LatestFeed(), name="feed_latest"),
    path("feeds/unit/<str:code>/", feeds.UnitFeed(), name="feed_unit"),
    path("feeds/domain/<slug:code>/", feeds.DomainFeed(), name="feed_domain"),
    path("feeds/column/<slug:code>/", feeds.ColumnFeed(), name="feed_column"),
    # D: topic pages (专题专栏, gongkai.topics; issue 14).
    path("zhuanti/", topic_pages.topic_list, name="topics"),
    path("zhuanti/<slug:slug>/", topic_pages.topic, name="topic"),
    path("feeds/topic/<slug:slug>/", topic_pages.TopicFeed(), name="feed_topic"),
    # What every government site carries (国办发〔2017〕47号): 联系我们, 网站地图, 找错.
    path("contact/", site.contact, name="contact"),
    path("sitemap/", site.sitemap, name="sitemap"),
    # 找错 is a message in the 找错 box of gongkai.interaction (issue 13).
    path("jiucuo/", interaction.jiucuo, name="jiucuo"),
    path("jiucuo/done/", interaction.done, name="jiucuo_done"),
    # Accessibility (适老化).
    path("a11y/large-font/", accessibility.large_font, name="large_font"),
]
