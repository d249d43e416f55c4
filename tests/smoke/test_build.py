"""Fast guards for the build (no processes): what makes collectstatic fail on a clean clone is caught before
the production smoke (test_production.py) gets to run it, and the image keeps using the one build script."""
import re

from .stack import ROOT

SOURCE_MAP = re.compile(rb"[#@]\s*sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.M)


def test_every_source_map_a_static_file_names_is_shipped():
    # ManifestStaticFilesStorage follows sourceMappingURL comments and stops the build on a missing
    # target (MissingFileError): re-vendoring a file must strip them again (static/vendor/README.md).
    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in (".js", ".css"):
            continue
        for match in SOURCE_MAP.finditer(path.read_bytes()):
            target = match.group(1).decode()
            if not target.startswith("data:") and not (path.parent / target).exists():
                missing.append(f"{path.relative_to(ROOT)} → {target}")
    assert missing == []


def test_the_dockerfile_builds_with_the_script_the_smoke_runs():
    instructions = "\n".join(line for line in (ROOT / "Dockerfile").read_text().splitlines()
                             if not line.lstrip().startswith("#"))
    assert "bash scripts/build.sh" in instructions
    # No build step of its own that the smoke would not try.
    assert "collectstatic" not in instructions and "compilemessages" not in instructions
    script = (ROOT / "scripts/build.sh").read_text()
    assert "collectstatic" in script and "compilemessages" in script


def test_the_favicon_files_are_shipped():
    ico = (ROOT / "static/favicon.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") >= 1  # an icon directory
    assert (ROOT / "static/favicon.svg").read_text().lstrip().startswith("<svg")
