"""Every example in README.md runs: each ```python block is exec()'d in a fresh namespace,
and each ```sh block of the "Use it" section runs in bash with ``streamparse`` on PATH."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(language: str, section: str | None = None) -> list[str]:
    text = README.read_text(encoding="utf-8")
    if section is not None:
        start = text.index(f"\n## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end != -1 else len(text)]
    return [body for lang, body in FENCE.findall(text) if lang == language]


PYTHON_BLOCKS = blocks("python")
SHELL_BLOCKS = blocks("sh", "Use it")


def test_readme_has_the_examples() -> None:
    assert len(PYTHON_BLOCKS) >= 3
    assert SHELL_BLOCKS
    text = README.read_text(encoding="utf-8")
    assert "pip install . && streamparse demo" in text
    assert "pip install '.[test]' && pytest -q" in text


@pytest.mark.parametrize("source", PYTHON_BLOCKS, ids=[f"python-{i}" for i in range(len(PYTHON_BLOCKS))])
def test_python_example_runs(source: str) -> None:
    code = compile(source, str(README), "exec")
    exec(code, {"__name__": "__readme__"})


@pytest.mark.parametrize("source", SHELL_BLOCKS, ids=[f"sh-{i}" for i in range(len(SHELL_BLOCKS))])
def test_shell_example_runs(source: str, tmp_path: Path) -> None:
    # Run against this checkout's code, whether or not the console script is installed.
    shim = tmp_path / "streamparse"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m streamparse.cli "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", source],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    if "--format sse" in source:
        events = out.rstrip("\n").split("\n\n")
        assert events[-1] == "data: [DONE]"
        for event in events[:-1]:
            assert json.loads(event.removeprefix("data: "))["object"] == "chat.completion.chunk"
