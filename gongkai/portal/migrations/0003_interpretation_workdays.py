"""The county's window for a synchronous policy interpretation (同步发布) becomes a site setting
the office edits (issue 13; it was the GONGKAI_INTERPRETATION_WORKDAYS environment variable).
Existing sites get the default, 3 working days."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_error_reports_to_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="interpretation_workdays",
            field=models.PositiveSmallIntegerField(
                default=3,
                validators=[
                    django.core.validators.MaxValueValidator(
                        20, message="政策解读期限应为0至20个工作日。"
                    )
                ],
                verbose_name="政策解读期限（工作日）",
            ),
        ),
    ]
