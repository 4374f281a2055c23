"""The README and docs point only at files inside the repository, and those files exist."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def local_links(document: Path) -> list[str]:
    return [target for target in LINK.findall(document.read_text()) if not re.match(r"^[a-z]+:", target)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_local_link_is_a_file_in_the_repository(document):
    for target in local_links(document):
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{document.name} links outside the repository: {target}"
        assert path.exists(), f"{document.name} links a missing file: {target}"


def test_the_readme_links_the_architecture_and_the_api_contract():
    assert {"docs/architecture.md", "docs/api.md"} <= set(local_links(ROOT / "README.md"))


def test_the_link_check_sees_links_that_leave_the_repository(tmp_path):
    document = tmp_path / "x.md"
    document.write_text("See [the design](../shared/DESIGN.md) and [mail](mailto:a@b.c).")

    assert local_links(document) == ["../shared/DESIGN.md"]
