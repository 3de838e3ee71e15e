"""Pydantic schemas of the API: one *Public per entity read, *Page for lists, *Create for input."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, WithJsonSchema

T = TypeVar("T")
Timestamp = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "examples": ["2026-07-01T09:00:00"],
            "description": "The workspace's time, ISO 8601 without a zone",
        }
    ),
]
"""Times are stored as the workspace clock gives them, without a zone (not RFC 3339 date-time)."""


class Page(BaseModel, Generic[T]):
    """A page of a list: the items, how many match in all, and where the page starts."""

    items: list[T]
    total: int
    offset: int
    limit: int


class TokenPublic(BaseModel):
    """An OAuth2 access token (shown once)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_at: Timestamp | None = None
    token_id: str


class MePublic(BaseModel):
    """The authenticated user."""

    name: str
    role: str
    owner: str | None = None
    permissions: list[str]


class UserPublic(BaseModel):
    """A server user (never the password)."""

    name: str
    role: str
    owner: str | None = None
    disabled: bool
    created_at: Timestamp
    created_by: str


class UserCreate(BaseModel):
    """A new user."""

    name: str = Field(min_length=1, max_length=64)
    role: Literal["admin", "manager", "analyst", "sales", "viewer"]
    owner: str | None = Field(default=None, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class SchemeOutcomePublic(BaseModel):
    """How one scheme fared in a run."""

    name: str
    status: str
    reason: str | None = None


class SnapshotPublic(BaseModel):
    """A stored classification run."""

    snapshot_id: str
    as_of: date
    created_at: Timestamp
    system_name: str
    system_hash: str
    system_version: int | None = None
    customers: int
    computed_schemes: list[str]
    skipped_schemes: dict[str, str]


class ClassPublic(BaseModel):
    """A class of a scheme: key, label, definition and strategy."""

    key: str
    label: str
    definition: dict[str, Any]
    strategy: str | None = None


class SchemePublic(BaseModel):
    """A scheme of a snapshot with its classes."""

    name: str
    label: str
    kind: str
    classes: list[ClassPublic]


class SummaryRowPublic(BaseModel):
    """One class in a scheme's summary, with change since the previous snapshot."""

    class_key: str
    label: str
    customers: int
    share: float
    revenue: float
    revenue_share: float
    customers_change: int | None = None
    revenue_change: float | None = None


class SummaryPublic(BaseModel):
    """Per-class summary of a scheme."""

    snapshot_id: str
    scheme: str
    previous_snapshot_id: str | None = None
    rows: list[SummaryRowPublic]


class ClassRef(BaseModel):
    """A class key and its label."""

    key: str
    label: str


class CustomerRowPublic(BaseModel):
    """A customer in a list: a few features and the class per scheme."""

    customer_id: str
    name: str | None = None
    owner: str | None = None
    region: str | None = None
    revenue_12m: float | None = None
    recency_days: float | None = None
    classes: dict[str, ClassRef]


class ExplanationPublic(BaseModel):
    """One class of a customer, with the reason and strategy."""

    scheme: str
    scheme_label: str
    class_key: str
    class_label: str
    score: float | None = None
    reason: str
    strategy: str
    computed_class_key: str
    override_id: str | None = None


class HistoryPointPublic(BaseModel):
    """A customer's classes in one snapshot."""

    snapshot_id: str
    as_of: date
    classes: dict[str, str]


class CustomerPublic(BaseModel):
    """One customer in full."""

    customer_id: str
    name: str | None = None
    owner: str | None = None
    features: dict[str, Any]
    scores: dict[str, Any]
    classes: list[ExplanationPublic]
    history: list[HistoryPointPublic]


class MatrixCellPublic(BaseModel):
    """Customers who moved from one class to another (None: not in that snapshot)."""

    old_class: str | None = None
    new_class: str | None = None
    customers: int
    revenue_12m: float


class MigrationPublic(BaseModel):
    """The migration matrix of a scheme between two snapshots."""

    scheme: str
    old_snapshot_id: str
    new_snapshot_id: str
    counts_by_direction: dict[str, int]
    matrix: list[MatrixCellPublic]
    labels: dict[str, str]
    notes: list[str]


class MoverPublic(BaseModel):
    """A customer whose class changed."""

    customer_id: str
    name: str | None = None
    old_class: str | None = None
    new_class: str | None = None
    direction: str
    revenue_12m: float | None = None


class RowsPublic(BaseModel):
    """Rows of a table whose columns depend on the data (alerts, trend, actions)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    total: int
    offset: int = 0
    limit: int | None = None


class OverridePublic(BaseModel):
    """A manual class override."""

    override_id: str
    customer_id: str
    scheme: str
    class_key: str
    reason: str
    status: str
    created_by: str
    created_at: Timestamp
    expires_on: date | None = None
    decided_by: str | None = None


class OverrideCreate(BaseModel):
    """A proposed override."""

    customer_id: str = Field(min_length=1, max_length=200)
    scheme: str = Field(min_length=1, max_length=200)
    class_key: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    expires_on: date | None = None


class ReasonCreate(BaseModel):
    """A reason for rejecting or removing an override."""

    reason: str = Field(min_length=1, max_length=2000)


class AuditEntryPublic(BaseModel):
    """One audit log entry."""

    seq: int
    at: Timestamp
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    hash: str


class SystemPublic(BaseModel):
    """The active classification system."""

    name: str
    version: int | None = None
    system_hash: str | None = None
    yaml: str


class SystemCandidate(BaseModel):
    """A candidate system as YAML text."""

    yaml: str = Field(min_length=1, max_length=500_000)


class ValidationErrorPublic(BaseModel):
    """A problem of a candidate system, with file, line and key."""

    message: str
    path: str | None = None
    line: int | None = None
    key_path: str | None = None


class ValidationPublic(BaseModel):
    """The outcome of validating a candidate system."""

    valid: bool
    errors: list[ValidationErrorPublic]
    warnings: list[str]


class RejectedRowPublic(BaseModel):
    """A row an ingest rejected."""

    row: int | None = None
    column: str | None = None
    code: str
    value: str | None = None
    message: str


class IngestPublic(BaseModel):
    """What an ingest read, kept and rejected."""

    table: str
    file: str
    mode: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    column_mapping: dict[str, str]
    rejected: list[RejectedRowPublic]
    rejects_url: str


class RunCreate(BaseModel):
    """A run to start: as-of date (default: latest order date)."""

    as_of: date | None = None


class SeriesCreate(BaseModel):
    """A series to start: one snapshot per period end."""

    every: Literal["week", "month", "quarter"] = "month"
    start: date
    end: date | None = None


class JobPublic(BaseModel):
    """A background job (run or series) and its progress."""

    job_id: str
    kind: str
    status: Literal["running", "done", "failed"]
    started_by: str
    started_at: Timestamp
    finished_at: Timestamp | None = None
    step: str = ""
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class CheckPublic(BaseModel):
    """Whether the server and its workspace answer."""

    status: Literal["ok"]
    snapshots: int
