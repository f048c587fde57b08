"""Every relative link in the README and docs/ leads to a file that exists, and every #anchor to a
heading of that page (the reference was split across pages; a moved section must not strand a link)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_every_relative_link_and_anchor_resolves():
    anchors = {page: {slug(h) for h in re.findall(r"(?m)^#+ (.*)$", page.read_text())} for page in PAGES}
    broken = []
    for page in PAGES:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)", page.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                broken.append(f"{page.name}: {target} does not exist")
            elif anchor and path.suffix == ".md" and anchor not in anchors.get(path, set()):
                broken.append(f"{page.name}: {target}#{anchor} names no heading there")
    assert broken == []
    assert len(PAGES) > 5 and len((ROOT / "README.md").read_text().splitlines()) < 300  # the front page stays short
