"""Fail when the zh_Hans catalogue has untranslated or fuzzy entries (msgfmt --statistics)."""
import subprocess
import sys
from pathlib import Path

catalogue = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
if not catalogue.exists():
    sys.exit(f"missing {catalogue}")
result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(catalogue)],
                        capture_output=True, text=True, check=True)
stats = result.stderr.strip()
print(stats)
if "untranslated" in stats or "fuzzy" in stats:
    sys.exit("zh_Hans has untranslated or fuzzy entries: run `manage.py makemessages -l zh_Hans` and translate them")
