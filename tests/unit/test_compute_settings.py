"""Engine settings: --engine / CUSTSEG_ENGINE, Spark settings from the environment and YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from custseg.compute.settings import DEFAULT_CONF, engine_settings
from custseg.errors import WorkspaceError


def test_default_engine_is_duckdb() -> None:
    assert engine_settings(environ={}).name == "duckdb"


def test_argument_wins_over_environment() -> None:
    assert engine_settings("duckdb", environ={"CUSTSEG_ENGINE": "spark"}).name == "duckdb"
    assert engine_settings(None, environ={"CUSTSEG_ENGINE": "Spark "}).name == "spark"


def test_unknown_engine_names_the_choices() -> None:
    with pytest.raises(WorkspaceError, match="unknown engine 'flink'.*duckdb, spark"):
        engine_settings("flink", environ={})


def test_spark_settings_from_yaml_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "spark.yaml"
    config.write_text(
        "master: spark://head:7077\n"
        "database: sales\n"
        "storage: s3a://bucket/custseg\n"
        "conf:\n  spark.executor.memory: 4g\n  spark.sql.shuffle.partitions: 64\n"
        "inputs:\n  orders: parquet:s3a://lake/orders\n  customers: table:crm.customers\n",
        encoding="utf-8",
    )
    env = {
        "CUSTSEG_SPARK_CONF": "spark.sql.shuffle.partitions=200; spark.driver.memory=2g",
        "CUSTSEG_SPARK_INPUT_PAYMENTS": "delta:/lake/payments",
    }
    spark = engine_settings("spark", config, environ=env).spark
    assert spark.master == "spark://head:7077" and spark.remote is None
    assert spark.database == "sales"
    assert spark.storage == "s3a://bucket/custseg"
    assert spark.inputs == {
        "orders": "parquet:s3a://lake/orders",
        "customers": "table:crm.customers",
        "payments": "delta:/lake/payments",
    }
    conf = spark.session_conf()
    assert conf["spark.sql.shuffle.partitions"] == "200"  # the environment wins
    assert conf["spark.executor.memory"] == "4g"
    assert conf["spark.driver.memory"] == "2g"
    assert conf["spark.sql.session.timeZone"] == DEFAULT_CONF["spark.sql.session.timeZone"]


def test_spark_connect_url_replaces_the_master() -> None:
    spark = engine_settings(
        "spark",
        environ={"CUSTSEG_SPARK_REMOTE": "sc://spark:15002", "CUSTSEG_SPARK_MASTER": "yarn"},
    ).spark
    assert spark.remote == "sc://spark:15002" and spark.master is None


def test_spark_defaults_to_two_local_cores() -> None:
    spark = engine_settings("spark", environ={}).spark
    assert spark.master == "local[2]" and spark.storage is None and spark.inputs == {}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("spark.executor.memory", "not key=value"),
        ("=4g", "not key=value"),
    ],
)
def test_bad_conf_item_is_explained(text: str, match: str) -> None:
    with pytest.raises(WorkspaceError, match=match):
        engine_settings("spark", environ={"CUSTSEG_SPARK_CONF": text})


def test_unknown_input_table_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "spark.yaml"
    config.write_text("inputs:\n  invoices: parquet:/x\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="unknown input table.*invoices"):
        engine_settings("spark", config, environ={})


def test_unreadable_settings_file_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="--engine-config or CUSTSEG_SPARK_CONFIG"):
        engine_settings("spark", tmp_path / "missing.yaml", environ={})
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="must be a mapping"):
        engine_settings("spark", listed, environ={})


def test_under_spark_submit_the_submitted_master_is_kept() -> None:
    # spark-submit starts the Python driver with a gateway to its JVM (PYSPARK_GATEWAY_PORT);
    # its --master must win over custseg's local default, but not over an explicit setting.
    submitted = {"PYSPARK_GATEWAY_PORT": "40123"}
    assert engine_settings("spark", environ=submitted).spark.master is None
    assert engine_settings("spark", environ={}).spark.master == "local[2]"
    explicit = {**submitted, "CUSTSEG_SPARK_MASTER": "local[3]"}
    assert engine_settings("spark", environ=explicit).spark.master == "local[3]"
