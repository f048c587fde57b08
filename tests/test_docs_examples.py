"""The pytest examples in the reference under docs/ run as written, with the meeting-emulator
fixture, in a pytest of their own (a fresh process, as a user's suite would be)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["recall", "meetstream"]


def examples() -> list[tuple[str, str]]:
    found = []
    for name in PAGES:
        text = (ROOT / "docs" / f"{name}.md").read_text()
        for block in re.findall(r"```python\n(.*?)```", text, re.S):
            if "def test_" in block and "(emulator" in block:
                test = re.search(r"def (test_\w+)", block).group(1)
                found.append((f"{name}:{test}", block))
    return found


@pytest.mark.parametrize("name, code", examples(), ids=[name for name, _ in examples()])
def test_the_example_passes(name, code, tmp_path):
    (tmp_path / "test_example.py").write_text(code)
    answer = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                             str(tmp_path / "test_example.py")], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)
    assert answer.returncode == 0, answer.stdout[-3000:] + answer.stderr[-2000:]


def test_there_are_examples():
    assert examples()
