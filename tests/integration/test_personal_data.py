"""The person's data is theirs: export everything, delete everything, move it elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bot.events import Who
from tests.conftest import ALONGSIDE
from tests.fakes.database import everything, query
from tests.fakes.people import Person, lived_a_week

WORDS = ["Zebediah", "time with my daughter", "a walk on Saturday", "my knee felt better",
         "rain on Sunday"]




async def test_the_export_holds_every_answer_the_person_gave(companion, db):
    await lived_a_week(companion)
    data = await companion.export(Who("telegram", "777"))
    given = {(a["name"], a["value"]) for a in data["answers"]}
    stored = {(r[0], json.loads(db.cipher.open(r[1])))
              for r in query(db.path, "SELECT name, value FROM answers")}
    assert given == stored
    assert ("what_matters", "time with my daughter") in given and ("noticed", "rain on Sunday") in given
    assert data["person"]["name"] == "Zebediah"
    assert [(s["dialog_id"], s["weekday"], s["local_time"]) for s in data["schedules"]] == [
        ("weekly", 0, "09:00"), ("review", 3, "19:00")]
    files = dict(await companion.export_files(Who("telegram", "777")))
    readable = files["alongside-export.md"].decode()
    assert "# Everything Alongside holds about you" in readable and "a walk on Saturday" in readable


async def test_delete_asks_first_then_leaves_nothing_of_theirs(companion, db):
    sam = await lived_a_week(companion)
    kim = Person(companion, "888", channel="telegram")
    await kim.onboard(name="Kim")
    await sam.command("delete")
    assert "cannot be undone" in sam.text
    await sam.press("No, keep it")
    assert "nothing was deleted" in sam.text
    await sam.command("delete")
    await sam.press("Yes, delete everything")
    assert "Deleted: " in sam.text and "Nothing of yours is left here" in sam.text
    left = everything(db.path, db.cipher)
    for words in [*WORDS, "'777'"]:
        assert words not in left
    assert "Kim" in left  # someone else's data stays


def run(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALONGSIDE_DB": str(db)}
    return subprocess.run([ALONGSIDE, *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=60, check=False)


async def test_export_delete_import_export_gives_the_same_data(companion, db, tmp_path):
    await lived_a_week(companion)
    first = run("export", "--person", "telegram:777", db=db.path)
    assert first.returncode == 0, first.stderr
    saved = tmp_path / "sam.json"
    saved.write_text(first.stdout, encoding="utf-8")
    refused = run("delete", "--person", "telegram:777", db=db.path)
    assert refused.returncode == 2 and "Zebediah" in everything(db.path, db.cipher)
    deleted = run("delete", "--person", "telegram:777", "--yes", db=db.path)
    assert deleted.returncode == 0 and "deleted:" in deleted.stdout
    assert "Zebediah" not in everything(db.path, db.cipher)
    other = tmp_path / "elsewhere.db"  # another installation
    assert run("import", str(saved), db=other).returncode == 0
    again = run("export", "--person", "telegram:777", db=other)
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert run("import", str(saved), db=other).returncode == 1  # not twice
