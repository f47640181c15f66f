"""Walk the code: nothing outside the sharing app's policy point queries InformationItem."""

import ast
from pathlib import Path

import fullpicture

ROOT = Path(fullpicture.__file__).resolve().parent
ALLOWED = {
    ROOT / "sharing" / "selectors.py",  # the policy point itself
    # writes, not display: the items' persons and policy facts, decisions, disposal
    ROOT / "sharing" / "services" / "items.py",
    ROOT / "sharing" / "services" / "decisions.py",
    ROOT / "sharing" / "services" / "retention.py",
    ROOT / "sharing" / "feeds.py",  # writes: the agency feeds
    ROOT / "sharing" / "models.py",
}
MANAGER_ATTRS = {"objects", "_default_manager", "_base_manager"}


def _python_modules():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts or path in ALLOWED:
            continue
        yield path


def _direct_queries(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hits = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_ATTRS
            and isinstance(node.value, ast.Name)
            and node.value.id == "InformationItem"
        ):
            hits.append(node.lineno)
    return hits


def test_no_module_queries_information_items_directly():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in _python_modules()
        if (lines := _direct_queries(path))
    }
    assert offenders == {}


def test_views_and_api_do_not_import_the_item_model():
    offenders = []
    for path in _python_modules():
        if path.name not in {"views.py", "api.py"} and "api" not in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(
                alias.name == "InformationItem" for alias in node.names
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_templates_do_not_reach_items_through_related_managers():
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if ".items.all" in text or "informationitem" in text.lower():
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_walker_finds_a_direct_query(tmp_path):
    """The check itself can fail: a planted direct query is found."""
    planted = tmp_path / "views.py"
    planted.write_text("def v():\n    return InformationItem.objects.all()\n")
    assert _direct_queries(planted) == [2]
