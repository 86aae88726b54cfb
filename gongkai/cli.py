"""The `gongkai` console script: Django's manage.py under the project's own name."""

import os
import sys


def main() -> None:
    """Run a management command, e.g. `gongkai catalog import FILE.xlsx --unit MZJ`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
