"""Fixtures of the API tests: published information made through the services."""

from tests.portal.publishing import media_root, publish, publish_other

__all__ = ["media_root", "publish", "publish_other"]
