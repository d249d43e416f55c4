"""Fail unless the zh_Hans catalogue covers every user-facing string.

1. Extract the msgids from the code and templates (what `manage.py makemessages -l zh_Hans` with the
   team's ignore list does) into a scratch copy of the catalogue, so a string that was added to the
   code but never extracted is caught too; the working tree is not touched.
2. `msgfmt --check-format --statistics` on that copy: any untranslated or fuzzy entry, or a translation
   whose %(name)s placeholders differ from its msgid, fails.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
CATALOGUE = ROOT / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "bench", "tests", "staticfiles", "var", "test-artifacts", "node_modules"]
FIX = (f"run `DEBUG=1 manage.py makemessages -l {LOCALE} " + " ".join(f"--ignore={i}" for i in IGNORE)
       + " --no-obsolete`, translate the new entries, then `manage.py compilemessages`")


def extract_into(scratch_locale: Path) -> Path:
    """Run makemessages with every file's catalogue redirected to scratch_locale; return the .po."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    os.environ.setdefault("SECRET_KEY", "check-translations-only")
    import django
    from django.core.management.commands import makemessages
    from django.test.utils import override_settings

    django.setup()

    class Extract(makemessages.Command):
        def find_files(self, root):
            files = super().find_files(root)
            for f in files:  # makemessages would write next to the project's own locale/ directory
                f.locale_dir = str(scratch_locale)
            return files

    with override_settings(LOCALE_PATHS=[scratch_locale]):
        command = Extract()
        command.run_from_argv(["manage.py", "makemessages", "-l", LOCALE, "--no-obsolete", "-v", "0",
                               *[f"--ignore={i}" for i in IGNORE]])
    return scratch_locale / LOCALE / "LC_MESSAGES" / "django.po"


def main() -> None:
    if not CATALOGUE.exists():
        sys.exit(f"missing {CATALOGUE}: {FIX}")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "locale"
        (scratch / LOCALE / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(CATALOGUE, scratch / LOCALE / "LC_MESSAGES" / "django.po")
        extracted = extract_into(scratch)
        result = subprocess.run(["msgfmt", "--check-format", "--statistics", "-o", os.devnull, str(extracted)],
                                capture_output=True, text=True)
        report = result.stderr.strip()
        print(report)
        if result.returncode != 0 or "untranslated" in report or "fuzzy" in report:
            if "untranslated" in report or "fuzzy" in report:
                missing = "".join(subprocess.run(["msgattrib", which, "--no-wrap", str(extracted)],
                                                 capture_output=True, text=True).stdout
                                  for which in ("--untranslated", "--only-fuzzy"))
                ids = [line[len("msgid "):] for line in missing.splitlines() if line.startswith("msgid \"")]
                for msgid in sorted(set(ids) - {'""'})[:50]:
                    print("  needs a translation:", msgid)
            sys.exit(f"{LOCALE} catalogue is incomplete: {FIX}")


if __name__ == "__main__":
    main()
