"""Page scripts draw only what they mean to.

Streamlit's "magic" writes any bare expression statement of a page script on the page, so
a docstring under a constant (``X = 1`` then ``\"\"\"what X is\"\"\"``) shows up as text at the
top of the page. It happened twice (Monitor, Create) before this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# views/shared.py is imported as a module, not run as a page: magic does not touch it.
PAGE_SCRIPTS = sorted([ROOT / "app.py", *(path for path in (ROOT / "views").glob("*.py") if path.name != "shared.py")])


def stray_strings(source: str) -> list[tuple[int, str]]:
    """Bare string statements after the module docstring, as (line, start of the text)."""
    body = ast.parse(source).body
    return [(node.lineno, node.value.value[:60]) for node in body[1:]
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)]


def test_the_check_finds_a_docstring_under_a_constant():
    assert stray_strings('"""module"""\nROWS = 3\n"""how many rows"""\n') == [(3, "how many rows")]


@pytest.mark.parametrize("script", PAGE_SCRIPTS, ids=lambda path: path.name)
def test_no_page_script_has_a_bare_string_that_magic_would_draw(script):
    assert stray_strings(script.read_text()) == []
