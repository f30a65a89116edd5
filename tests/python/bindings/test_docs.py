"""docs/python.md's example session runs as written (doctest)."""
import doctest

from conftest import SOURCE


def test_docs_python_md_example():
    result = doctest.testfile(str(SOURCE / "docs" / "python.md"), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15
    assert result.failed == 0
