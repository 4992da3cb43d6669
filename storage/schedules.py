"""The days and local times a person picked for their check-ins."""

from __future__ import annotations

import aiosqlite

from storage.models import SchedulePreference


async def set_preference(conn: aiosqlite.Connection, person_id: int, dialog_id: str,
                         weekday: int, local_time: str) -> None:
    await conn.execute(
        "INSERT INTO schedule_preferences (person_id, dialog_id, weekday, local_time) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (person_id, dialog_id) DO UPDATE SET "
        "weekday = excluded.weekday, local_time = excluded.local_time",
        (person_id, dialog_id, weekday, local_time),
    )


async def preferences(conn: aiosqlite.Connection, person_id: int) -> list[SchedulePreference]:
    rows = await conn.execute_fetchall(
        "SELECT dialog_id, weekday, local_time FROM schedule_preferences WHERE person_id = ? "
        "ORDER BY weekday, local_time", (person_id,),
    )
    return [SchedulePreference(r["dialog_id"], r["weekday"], r["local_time"]) for r in rows]
