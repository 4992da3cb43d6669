"""`alongside dialogs check|graph|test`, as a dialog author runs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ALONGSIDE, REPO


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ALONGSIDE, *args], capture_output=True, text=True, timeout=60,
                          check=False, cwd=cwd)


def test_check_passes_on_the_shipped_folder(tmp_path):
    result = run("dialogs", "check", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("ok: ")


def test_check_reports_every_planted_error_at_once_and_exits_1(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(REPO / "dialogs" / "lexicon", folder / "lexicon")
    for path in (REPO / "tests" / "fixtures" / "broken_dialogs").glob("*.yaml"):
        shutil.copy(path, folder)
    shutil.copy(REPO / "tests" / "fixtures" / "broken_dialogs" / "lexicon" / "sharing.yaml",
                folder / "lexicon")
    result = run("dialogs", "check", str(folder))
    assert result.returncode == 1
    assert f"{folder / 'structure.yaml'}:10:5: `reflct` is not a node" in result.stderr
    assert "hint: did you mean `reflect`?" in result.stderr
    assert f"{folder / 'lexicon' / 'sharing.yaml'}:11:7: `first` is already shared" in result.stderr
    files = {line.split(":")[0] for line in result.stderr.splitlines()
             if ".yaml:" in line and "/lexicon/" not in line}
    assert len(files) == len(list((REPO / "tests" / "fixtures" / "broken_dialogs").glob("*.yaml")))


def test_graph_prints_a_mermaid_flowchart():
    result = run("dialogs", "graph", "weekly")
    assert result.returncode == 0
    assert result.stdout.startswith("flowchart TD")
    assert "confidence_given -->|\"confidence ≥ 1\"| not_lower" in result.stdout
    assert run("dialogs", "graph", "nope").returncode == 1


def test_test_runs_the_transcripts_and_lists_unreached_nodes(tmp_path):
    result = run("dialogs", "test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("0 failed")
    folder = tmp_path / "d"
    shutil.copytree(REPO / "dialogs", folder)
    (folder / "transcripts" / "review.yaml").unlink()
    result = run("dialogs", "test", str(folder))
    assert "not reached by any transcript: review: " in result.stdout


def test_python_dash_m_bot_is_the_same_command():
    result = subprocess.run([sys.executable, "-m", "bot", "dialogs", "check"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0
