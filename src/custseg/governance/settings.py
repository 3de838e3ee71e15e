"""Workspace settings: a few named options with defaults, validated, every change audited.

Table ``settings`` holds one row per setting that was ever set (``key``, ``value`` as JSON,
``changed_at``, ``changed_by``); a setting never set has its default. The history of changes is
in the audit log (action ``setting_change``), so the table keeps only the current value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from custseg.engine import insert_rows, transaction
from custseg.errors import ConfigError, UnknownNameError
from custseg.governance.audit import AuditAction, AuditLog, Clock
from custseg.i18n import Lang, Message
from custseg.workspace_schema.tables import SETTINGS, TABLES

_TRUE = {"true", "yes", "on", "1", "是", "开"}
_FALSE = {"false", "no", "off", "0", "否", "关"}


def parse_bool(value: Any, key: str) -> bool:
    """A boolean from a bool or a word (true/false, yes/no, on/off, 1/0, 是/否)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(
        f"setting {key!r} takes true or false (also yes/no, on/off, 1/0); got {value!r}",
        key_path=key,
    )


@dataclass(frozen=True, slots=True)
class SettingDef:
    """A known setting: its default, how a value is parsed, and what it means."""

    key: str
    default: Any
    parse: Callable[[Any, str], Any]
    help: dict[Lang, str]


KNOWN_SETTINGS: dict[str, SettingDef] = {
    "require_override_approval": SettingDef(
        key="require_override_approval",
        default=False,
        parse=parse_bool,
        help={
            "zh": "人工调整需由另一位用户批准后才生效",
            "en": "an override takes effect only after a second user approves it",
        },
    ),
}


class Settings:
    """Reads and changes the workspace settings."""

    def __init__(self, con: BaseBackend, clock: Clock | None = None) -> None:
        self._con = con
        self._clock = clock or datetime.now

    def get(self, key: str) -> Any:
        """The current value of ``key`` (its default when never set)."""
        definition = _definition(key)
        t = self._con.table(SETTINGS)
        rows = t.filter(t.key == key).value.to_pyarrow().to_pylist()
        return json.loads(rows[0]) if rows else definition.default

    def describe(self, lang: Lang = "en") -> list[dict[str, Any]]:
        """Every known setting: key, value, default, changed_at, changed_by and help text."""
        stored = {
            r["key"]: r
            for r in self._con.table(SETTINGS).to_pandas().to_dict("records")
            if r["key"] in KNOWN_SETTINGS
        }
        out = []
        for key, definition in KNOWN_SETTINGS.items():
            row = stored.get(key)
            out.append(
                {
                    "key": key,
                    "value": json.loads(row["value"]) if row else definition.default,
                    "default": definition.default,
                    "changed_at": row["changed_at"].isoformat() if row else None,
                    "changed_by": row["changed_by"] if row else None,
                    "help": definition.help[lang],
                }
            )
        return out

    def set(self, key: str, value: Any, *, user: str) -> Any:
        """Set ``key`` (validated) and audit the change; return the parsed value.

        Setting a value equal to the current one changes nothing and records nothing.
        """
        definition = _definition(key)
        new = definition.parse(value, key)
        old = self.get(key)
        if new == old:
            return new
        now = self._clock()
        row = {
            "key": key,
            "value": json.dumps(new),
            "changed_at": pd.Timestamp(now),
            "changed_by": user,
        }
        delete = sge.delete(SETTINGS, where=sge.column("key").eq(sge.convert(key)))
        audit = AuditLog(self._con, self._clock)
        with transaction(self._con):
            self._con.raw_sql(delete.sql(dialect=self._con.name))
            insert_rows(self._con, SETTINGS, [row], TABLES[SETTINGS])
            audit.append(user, AuditAction.SETTING_CHANGE, key, {"old": old, "new": new})
        return new


def _definition(key: str) -> SettingDef:
    if key not in KNOWN_SETTINGS:
        raise UnknownNameError(
            key, KNOWN_SETTINGS, what="setting", where=Message("unknown_where_settings")
        )
    return KNOWN_SETTINGS[key]
