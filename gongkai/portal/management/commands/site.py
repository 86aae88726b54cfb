"""`gongkai site [--site-code …] [--icp-number …] …`: show the site's registration and contact
data (the footer of every page, 国办发〔2017〕47号), or set the fields given — for setting up a
new site from the command line; the office keeps them on its settings page afterwards.

Values are checked as on the settings page (same messages); only the fields given change."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.checks import COMMAND_CHECKS
from gongkai.portal import selectors, services
from gongkai.portal.site_forms import SiteSettingsForm


class Command(BaseCommand):
    requires_system_checks = COMMAND_CHECKS
    help = "查看或设置网站的主办单位、网站标识码、ICP备案号、公安机关备案号和联系方式（页面底部）。"

    def add_arguments(self, parser: CommandParser) -> None:
        for name in services.SETTINGS_FIELDS:
            label = SiteSettingsForm.base_fields[name].label
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=str(label))

    def handle(self, *args: Any, **options: Any) -> None:
        given = {
            name: options[name] for name in services.SETTINGS_FIELDS if options[name] is not None
        }
        if given:
            current = selectors.site_info()
            data = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
            form = SiteSettingsForm({**data, **given})
            if not form.is_valid():
                problems = [
                    f"{form.fields[name].label}：{message}"
                    for name, messages in form.errors.items()
                    for message in messages
                ]
                raise CommandError("；".join(problems))
            services.site_settings_update(actor=None, values=form.cleaned_data)
        info = selectors.site_info()
        for name in services.SETTINGS_FIELDS:
            label = SiteSettingsForm.base_fields[name].label
            value = getattr(info, name)
            self.stdout.write(f"{label}：{'（未填写）' if value == '' else value}")
