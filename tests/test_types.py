"""mypy checks the contracts of lib/ and ui/ (settings in pyproject.toml): clean, and able to catch a mistyped key."""

import subprocess
import sys

from tests.conftest import ROOT


def mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True, text=True)


def test_mypy_finds_nothing_in_lib_and_ui():
    result = mypy()
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_builder_asking_for_a_key_its_page_does_not_have_fails_the_check(tmp_path):
    builder = tmp_path / "mistyped_builder.py"
    builder.write_text(
        "from lib.selections import SectorsChoice\n\n\n"
        "def sectors(chosen: SectorsChoice) -> str:\n"
        '    return chosen["secter"]\n',
        encoding="utf-8",
    )
    result = mypy(str(builder))
    assert result.returncode == 1
    assert 'TypedDict "SectorsChoice" has no key "secter"' in result.stdout
