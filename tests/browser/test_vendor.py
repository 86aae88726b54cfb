"""The vendored axe-core is the file its README records (runs without a browser, always)."""

from __future__ import annotations

from tests.browser.axe import AXE, AXE_SHA256, AXE_VERSION, axe_sha256


def test_vendored_axe_core_is_the_recorded_release() -> None:
    assert axe_sha256() == AXE_SHA256
    assert AXE.read_text(encoding="utf-8").startswith(f"/*! axe v{AXE_VERSION}")
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    assert AXE_SHA256 in readme and f"axe-core **{AXE_VERSION}**" in readme
    assert (
        (AXE.parent / "axe-core.LICENSE")
        .read_text(encoding="utf-8")
        .startswith("Mozilla Public License, version 2.0")
    )
