"""Classes learned from the data: clustering (聚类) and learned classification (分类).

Plain pandas/numpy in and out; the input is the feature table (one row per customer, with a
``customer_id`` column, see ``docs/contracts.md`` section 2).

- :func:`cluster_customers` / :class:`CustomerClusterer`: groups with the number chosen;
- :func:`profile_groups`: size, revenue share, traits and a readable zh-CN / en name per group;
- :func:`group_set` / :func:`match_groups`: stable group keys from one run to the next;
- :class:`LearnedClassifier`: learn known classes, cross-validate, predict with confidence;
- :func:`rules_scheme` / :func:`scheme_yaml` / :func:`apply_rules`: a tree as a ``rules`` scheme.
"""

from custseg.learning.classifier import LEARN_FEATURES, MODELS, CVReport, LearnedClassifier
from custseg.learning.clustering import (
    METHODS,
    ClusterResult,
    CustomerClusterer,
    cluster_customers,
)
from custseg.learning.matching import (
    DEFAULT_MAX_DISTANCE,
    GroupMatch,
    GroupMatching,
    GroupSet,
    group_set,
    match_groups,
)
from custseg.learning.preprocess import (
    CLUSTER_FEATURES,
    LOG_FEATURES,
    PreparedFeatures,
    ScalingParams,
    prepare_features,
)
from custseg.learning.profiles import GroupProfile, Trait, generate_name, profile_groups
from custseg.learning.rules_export import (
    Condition,
    Rule,
    apply_rules,
    class_keys,
    rules_scheme,
    scheme_yaml,
    tree_rules,
)
from custseg.learning.synthetic import (
    PLANTED_GROUPS,
    PLANTED_ORDER_GROUPS,
    make_planted_features,
    make_planted_orders,
)

__all__ = [
    "CLUSTER_FEATURES",
    "CVReport",
    "ClusterResult",
    "Condition",
    "CustomerClusterer",
    "DEFAULT_MAX_DISTANCE",
    "GroupMatch",
    "GroupMatching",
    "GroupProfile",
    "GroupSet",
    "LEARN_FEATURES",
    "LOG_FEATURES",
    "LearnedClassifier",
    "METHODS",
    "MODELS",
    "PLANTED_GROUPS",
    "PLANTED_ORDER_GROUPS",
    "PreparedFeatures",
    "Rule",
    "ScalingParams",
    "Trait",
    "apply_rules",
    "class_keys",
    "cluster_customers",
    "generate_name",
    "group_set",
    "make_planted_features",
    "make_planted_orders",
    "match_groups",
    "prepare_features",
    "profile_groups",
    "rules_scheme",
    "scheme_yaml",
    "tree_rules",
]
