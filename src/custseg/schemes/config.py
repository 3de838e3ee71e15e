"""The classification system (客户分类体系) as Pydantic models.

A system is ``version``, ``name``, ``parameters`` and a list of ``schemes``. Each scheme is one
dimension of the domain and has a ``kind``; the kind selects the model through the registry
:data:`SCHEME_MODELS` (a discriminated union on ``kind``). A new kind is a new model in
``config_kinds.py`` plus a registry entry, and an assigner in ``kinds/``.

Shared rules checked here for every kind: scheme names are unique lower-case slugs, class keys
are unique ASCII slugs, every class a scheme refers to (rule targets, cells, grades, missing /
outside classes) exists, every condition parses, and classes without a colour get one from
:data:`PALETTE` in class order.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator

from custseg.i18n import Message
from custseg.schemes._model_base import (
    PALETTE,
    ClassDef,
    SchemeName,
    StrictModel,
    Text,
    located,
    pydantic_message,
    with_colours,
)
from custseg.schemes.config_alerts import AlertRule, check_alerts
from custseg.schemes.config_checks import Exclusion, check_exclusions, health_settings
from custseg.schemes.config_kinds import (
    AttributeScheme,
    MatrixScheme,
    ParetoScheme,
    RulesScheme,
    ScoreScheme,
    TiersScheme,
)
from custseg.schemes.config_learning import ClusterScheme, LearnedScheme
from custseg.schemes.scheme_base import SchemeBase

SCHEME_MODELS: dict[str, type[SchemeBase]] = {
    "attribute": AttributeScheme,
    "cluster": ClusterScheme,
    "learned": LearnedScheme,
    "matrix": MatrixScheme,
    "pareto": ParetoScheme,
    "rules": RulesScheme,
    "score": ScoreScheme,
    "tiers": TiersScheme,
}
"""Registry of scheme kinds: ``kind`` value -> model (learning kinds in ``config_learning.py``)."""

Scheme = Annotated[
    AttributeScheme
    | ClusterScheme
    | LearnedScheme
    | MatrixScheme
    | ParetoScheme
    | RulesScheme
    | ScoreScheme
    | TiersScheme,
    Field(discriminator="kind"),
]
"""Any scheme; Pydantic picks the model from ``kind`` (must match :data:`SCHEME_MODELS`)."""


class ModelParameters(StrictModel):
    """``parameters.models``: settings of the customer-base models behind p_alive and clv_12m.

    The horizon of ``clv_12m`` stays 52 weeks (its name says so).
    """

    annual_discount_rate: float = Field(default=0.10, ge=0.0, lt=1.0)
    margin: float | None = Field(default=None, gt=0.0, le=1.0)
    """Margin applied to expected revenue in clv_12m; null: each customer's own margin."""
    min_purchasers: int = Field(default=50, ge=10)
    """Fewer purchasers than this: the model features are left null (too little data)."""


_PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "home_region": (str, type(None)),
    "home_city": (str, type(None)),
    "currency": (str,),
}


class ClassificationSystem(StrictModel):
    """A whole classification system: the document users write in YAML."""

    version: int = Field(default=1, ge=1)
    """The format version. Files are checked against ``validate.SUPPORTED_VERSIONS`` (only 1)
    when loaded; the model stays lenient so systems stored with old snapshots still load."""
    name: str = Field(min_length=1)
    description: Text | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    schemes: list[Scheme] = Field(min_length=1)
    alerts: list[AlertRule] | None = None
    """Moves to alert on; None (key absent) = the built-in alerts that fit, ``[]`` = none."""
    exclusions: list[Exclusion] | None = None
    """Classes of two schemes no customer may hold at once; checked by the health check."""

    @field_validator("parameters")
    @classmethod
    def _check_parameters(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, types in _PARAMETER_TYPES.items():
            if key in value and not isinstance(value[key], types):
                names = [t.__name__.replace("NoneType", "null") for t in types]
                raise located(
                    [key],
                    Message("config_v_type", {"types": " | ".join(names), "got": repr(value[key])}),
                )
        if "models" in value:
            try:
                models = ModelParameters.model_validate(value["models"] or {})
            except ValidationError as exc:
                error = exc.errors()[0]
                inner, message = pydantic_message(error)
                path = ["models", *(str(p) for p in error["loc"]), *(str(p) for p in inner)]
                raise located(path, message) from exc
            value = {**value, "models": models.model_dump(exclude_defaults=True)}
        return value

    def model_parameters(self) -> ModelParameters:
        """The validated ``parameters.models`` (defaults where not given)."""
        return ModelParameters.model_validate(self.parameters.get("models") or {})

    @field_validator("schemes")
    @classmethod
    def _check_unique_names(cls, value: list[SchemeBase]) -> list[SchemeBase]:
        seen: dict[str, int] = {}
        for i, scheme in enumerate(value):
            if scheme.name in seen:
                raise located(
                    [i, "name"],
                    Message(
                        "config_v_duplicate_scheme",
                        {"name": repr(scheme.name), "other": seen[scheme.name]},
                    ),
                )
            seen[scheme.name] = i
        return value

    @model_validator(mode="after")
    def _check_alerts(self) -> ClassificationSystem:
        if self.alerts:
            check_alerts(self.alerts, self.schemes)
        check_exclusions(self.exclusions or [], self.schemes)
        health_settings(self.parameters)
        return self

    def scheme(self, name: str) -> SchemeBase:
        """The scheme called ``name``; UnknownNameError lists the schemes."""
        from custseg.errors import UnknownNameError

        for scheme in self.schemes:
            if scheme.name == name:
                return scheme
        raise UnknownNameError(name, [s.name for s in self.schemes], what="scheme")


def _check_registry() -> None:
    """Every registered model's ``kind`` literal matches its registry key."""
    for kind, model in SCHEME_MODELS.items():
        default = model.model_fields["kind"].annotation
        if kind not in getattr(default, "__args__", ()):
            raise RuntimeError(f"scheme model {model.__name__} is registered as {kind!r}")


_check_registry()

__all__ = [
    "PALETTE",
    "AlertRule",
    "SCHEME_MODELS",
    "ClassDef",
    "ClassificationSystem",
    "Scheme",
    "SchemeBase",
    "SchemeName",
    "Text",
    "with_colours",
]
