"""Which engine computes a run, and how to reach it: ``--engine`` / ``CUSTSEG_ENGINE``.

State (systems, snapshots' metadata, overrides, audit, users, jobs) always stays in the
workspace database. Compute (input tables, feature tables, assignments) runs in the engine:

- ``duckdb`` (default): the workspace database computes too.
- ``spark``: Apache Spark through Ibis's PySpark backend. Settings, each from the environment
  or from a YAML file (``CUSTSEG_SPARK_CONFIG`` or ``--engine-config``; the environment wins):

  ================================  ==============================  ==========================
  environment                       YAML key                        meaning
  ================================  ==============================  ==========================
  ``CUSTSEG_SPARK_MASTER``          ``master``                      ``local[2]``, ``yarn``,
                                                                    ``k8s://…``, ``spark://…``
                                                                    (under spark-submit:
                                                                    its ``--master``)
  ``CUSTSEG_SPARK_REMOTE``          ``remote``                      Spark Connect URL
                                                                    ``sc://host:15002``
  ``CUSTSEG_SPARK_DATABASE``        ``database``                    Spark database custseg
                                                                    reads inputs from and
                                                                    writes its tables to
  ``CUSTSEG_SPARK_STORAGE``         ``storage``                     folder (local, HDFS, S3…)
                                                                    of features and
                                                                    assignments; default
                                                                    ``<workspace>.spark``
  ``CUSTSEG_SPARK_CONF``            ``conf`` (mapping)              ``k=v;k=v`` Spark settings
  ``CUSTSEG_SPARK_INPUT_<TABLE>``   ``inputs.<table>``              where an input table is:
                                                                    ``parquet:PATH``,
                                                                    ``delta:PATH`` or
                                                                    ``table:db.name``
  ================================  ==============================  ==========================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from custseg.errors import WorkspaceError
from custseg.tables import TABLE_NAMES

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")

DEFAULT_MASTER = "local[2]"
DEFAULT_DATABASE = "default"

# Small-machine defaults; a cluster's own spark-defaults.conf or ``conf`` overrides them.
DEFAULT_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}


@dataclass(frozen=True)
class SparkSettings:
    """How to reach Spark and where custseg's tables live there."""

    master: str | None = DEFAULT_MASTER
    remote: str | None = None
    database: str = DEFAULT_DATABASE
    conf: Mapping[str, str] = field(default_factory=dict)
    inputs: Mapping[str, str] = field(default_factory=dict)
    storage: str | None = None
    app_name: str = "custseg"
    log_level: str = "ERROR"

    def session_conf(self) -> dict[str, str]:
        """The Spark settings the session is built with (defaults, then ``conf``)."""
        return {**DEFAULT_CONF, **{str(k): str(v) for k, v in self.conf.items()}}


@dataclass(frozen=True)
class EngineSettings:
    """The engine a run computes on, and its settings."""

    name: EngineName = "duckdb"
    spark: SparkSettings = field(default_factory=SparkSettings)


def engine_settings(
    engine: str | None = None,
    config: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> EngineSettings:
    """The engine settings from the arguments, the environment and the YAML file."""
    env = os.environ if environ is None else environ
    name = (engine or env.get("CUSTSEG_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise WorkspaceError(
            f"unknown engine {name!r} (--engine or CUSTSEG_ENGINE). Choose one of: "
            + ", ".join(ENGINES)
        )
    if name == "duckdb":
        return EngineSettings("duckdb")
    path = config or env.get("CUSTSEG_SPARK_CONFIG")
    data = _read_yaml(Path(path)) if path else {}
    conf = {str(k): str(v) for k, v in (data.get("conf") or {}).items()}
    conf.update(_pairs(env.get("CUSTSEG_SPARK_CONF", "")))
    inputs = {str(k): str(v) for k, v in (data.get("inputs") or {}).items()}
    for table in TABLE_NAMES:
        given = env.get(f"CUSTSEG_SPARK_INPUT_{table.upper()}")
        if given:
            inputs[table] = given
    unknown = sorted(set(inputs) - set(TABLE_NAMES))
    if unknown:
        raise WorkspaceError(
            f"unknown input table(s) {', '.join(unknown)} in the Spark settings (inputs). "
            f"Input tables are: {', '.join(TABLE_NAMES)}"
        )
    remote = env.get("CUSTSEG_SPARK_REMOTE") or data.get("remote")
    # Under spark-submit (which starts the Python driver with a gateway to its JVM) the
    # master given to spark-submit is the one to use, unless custseg's settings name one.
    submitted = bool(env.get("PYSPARK_GATEWAY_PORT"))
    master = env.get("CUSTSEG_SPARK_MASTER") or data.get("master")
    master = master or (None if submitted else DEFAULT_MASTER)
    spark = SparkSettings(
        master=None if remote or not master else str(master),
        remote=str(remote) if remote else None,
        database=str(env.get("CUSTSEG_SPARK_DATABASE") or data.get("database") or DEFAULT_DATABASE),
        conf=conf,
        inputs=inputs,
        storage=str(env.get("CUSTSEG_SPARK_STORAGE") or data.get("storage") or "") or None,
    )
    return EngineSettings("spark", spark)


def _read_yaml(path: Path) -> dict[str, object]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise WorkspaceError(
            f"cannot read the Spark settings file {str(path)!r}: {exc}. Check the path given "
            "with --engine-config or CUSTSEG_SPARK_CONFIG."
        ) from exc
    if not isinstance(data, dict):
        raise WorkspaceError(
            f"the Spark settings file {str(path)!r} must be a mapping (master, remote, "
            "database, conf, inputs)."
        )
    return data


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise WorkspaceError(
                f"CUSTSEG_SPARK_CONF item {item!r} is not key=value; separate items with ';', "
                "e.g. spark.executor.memory=4g;spark.sql.shuffle.partitions=200"
            )
        out[key.strip()] = value.strip()
    return out
