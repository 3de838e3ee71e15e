"""A Spark session and the Ibis PySpark backend on it (one session per process).

Spark reads a plain decimal literal such as ``0.5`` as ``DECIMAL(2,1)``; arithmetic between
decimals and integers is then done in fixed point with at most six decimal places (``0.5 * 7 /
12`` gives ``0.291667``), while DuckDB, PostgreSQL and Python give ``0.291666…``. The Ibis
expressions mean binary floating point, so :func:`connect_spark` makes the Spark compiler
write floating-point literals as doubles (``CAST(0.5 AS DOUBLE)``). Nothing changes on other
backends.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import ibis
from ibis.backends import BaseBackend

from custseg.compute.settings import SparkSettings
from custseg.errors import WorkspaceError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_LOCK = threading.Lock()
_PATCHED = False


def spark_session(settings: SparkSettings) -> SparkSession:
    """The process's Spark session (created on first use with ``settings``)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise WorkspaceError(
            "the Spark engine needs pyspark: pip install 'custseg[spark]'"
        ) from exc
    builder = SparkSession.builder.appName(settings.app_name)
    if settings.remote:
        builder = builder.remote(settings.remote)
    elif settings.master:
        builder = builder.master(settings.master)
    conf = settings.session_conf()
    if settings.remote and "spark.ui.showConsoleProgress" not in settings.conf:
        # a Spark Connect client cannot change this server setting (it warns); not ours to set
        conf.pop("spark.ui.showConsoleProgress", None)
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
        if not settings.remote:
            session.sparkContext.setLogLevel(settings.log_level)
        return session
    except Exception as exc:
        where = settings.remote or settings.master
        raise WorkspaceError(
            f"cannot start a Spark session on {where!r}: {exc}. Check CUSTSEG_SPARK_MASTER / "
            "CUSTSEG_SPARK_REMOTE, that Java 17 is installed (JAVA_HOME) for a local master, "
            "and that the cluster is reachable."
        ) from exc


def connect_spark(settings: SparkSettings) -> BaseBackend:
    """The Ibis PySpark backend on the process's Spark session, in ``settings.database``."""
    _double_literals()
    session = spark_session(settings)
    con = ibis.pyspark.connect(session)
    if settings.database and settings.database != "default":
        session.sql(f"CREATE DATABASE IF NOT EXISTS `{settings.database}`")
        session.catalog.setCurrentDatabase(settings.database)
    return con


def session_of(con: BaseBackend) -> SparkSession:
    """The Spark session behind an Ibis PySpark backend."""
    return con._session  # type: ignore[attr-defined,no-any-return]  # noqa: SLF001


def _double_literals() -> None:
    """Make the PySpark compiler write float literals as doubles, not decimals (see above)."""
    global _PATCHED
    with _LOCK:
        if _PATCHED:
            return
        import sqlglot.expressions as sge
        from ibis.backends.pyspark import Backend as PySparkBackend
        from ibis.backends.sql.compilers.pyspark import PySparkCompiler

        original = PySparkCompiler.visit_NonNullLiteral

        def visit_non_null_literal(self: Any, op: Any, *, value: Any, dtype: Any) -> Any:
            result = original(self, op, value=value, dtype=dtype)
            if dtype.is_floating() and isinstance(result, sge.Literal):
                return self.cast(result, dtype)
            return result

        def visit_bit_xor(self: Any, op: Any, *, arg: Any, where: Any) -> Any:
            return self.agg.bit_xor(arg, where=where)

        original_round = PySparkCompiler.visit_Round

        def visit_round(self: Any, op: Any, *, arg: Any, digits: Any) -> Any:
            places = getattr(op.digits, "value", None)
            if not (op.arg.dtype.is_floating() and isinstance(places, int) and places > 0):
                return original_round(self, op, arg=arg, digits=digits)
            scale = self.cast(sge.convert(float(10**places)), op.arg.dtype)
            scaled = arg * scale
            finite = sge.func("abs", scaled) < self.cast(sge.convert("Infinity"), op.arg.dtype)
            result = self.if_(finite, self.f.round(scaled, 0) / scale, arg)
            return self.cast(result, op.dtype)

        PySparkCompiler.visit_NonNullLiteral = visit_non_null_literal  # type: ignore[method-assign]
        PySparkCompiler.visit_Round = visit_round  # type: ignore[method-assign]
        PySparkBackend._register_in_memory_table = _register_arrow  # type: ignore[method-assign]
        PySparkBackend.to_pyarrow = _to_pyarrow  # type: ignore[method-assign]
        PySparkBackend.execute = _execute  # type: ignore[method-assign]
        if "visit_BitXor" not in vars(PySparkCompiler):
            PySparkCompiler.visit_BitXor = visit_bit_xor  # type: ignore[attr-defined]
        _PATCHED = True


def _register_arrow(self: Any, op: Any) -> None:
    """Register an Ibis in-memory table as a Spark temp view, from Arrow."""
    from ibis.backends.pyspark.datatypes import PySparkSchema

    table = op.data.to_pyarrow(op.schema)
    frame = self._session.createDataFrame(table, schema=PySparkSchema.from_ibis(op.schema))
    frame.createOrReplaceTempView(op.name)


def _to_pyarrow(
    self: Any, expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any
) -> Any:
    """Execute ``expr`` on Spark and return an Arrow table of its Ibis schema."""
    from ibis.formats.pyarrow import PyArrowData

    self._run_pre_execute_hooks(expr)
    table_expr = expr.as_table()
    sql = self.compile(table_expr, params=params, limit=limit, **kwargs)
    with self._safe_raw_sql(sql) as query:
        arrow = query.toArrow()
    return expr.__pyarrow_result__(PyArrowData.convert_table(arrow, table_expr.schema()))


def _execute(
    self: Any, expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any
) -> Any:
    """Execute ``expr`` on Spark and return pandas objects, as other Ibis backends do."""
    from ibis.formats.pandas import PandasData

    table_expr = expr.as_table()
    arrow = _to_pyarrow(self, table_expr, params=params, limit=limit, **kwargs)
    frame = PandasData.convert_table(arrow.to_pandas(), table_expr.schema())
    return expr.__pandas_result__(frame)
