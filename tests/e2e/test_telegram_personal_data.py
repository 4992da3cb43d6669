"""Export and delete from the phone."""

from __future__ import annotations

import json

from tests.fakes.database import query


async def test_export_sends_the_files_and_delete_erases(telegram):
    sam = telegram.phone(7001)
    await sam.send("/start")
    await sam.tap("Yes, keep my answers")
    await sam.send("Zebediah")
    await sam.tap("English")
    await sam.send("/skip")
    replies = await sam.send("/export")
    assert "everything I hold about you" in replies[0].text
    assert [m.document for m in replies[1:]] == ["alongside-export.json", "alongside-export.md"]
    exported = json.loads(replies[1].content)
    assert exported["person"]["name"] == "Zebediah"
    await sam.send("/delete")
    replies = await sam.tap("Yes, delete everything")
    assert "Nothing of yours is left here" in replies[-1].text
    assert query(telegram.app.db.path, "SELECT COUNT(*) FROM people") == [(0,)]
    assert "Zebediah" not in json.dumps(query(telegram.app.db.path, "SELECT * FROM answers"))
