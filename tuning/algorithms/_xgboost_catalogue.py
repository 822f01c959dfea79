"""The rest of SageMaker XGBoost's hyperparameters: every one AWS's container accepts.

Why a module of its own: :mod:`tuning.algorithms._xgboost` holds the tunable ones (AWS's
"Tune an XGBoost model" table) and the training; the static-only catalogue is long, and
is data. The names, defaults, valid values and descriptions are those of AWS's page
https://docs.aws.amazon.com/sagemaker/latest/dg/xgboost_hyperparameters.html and of the
container's own validation (``aws/sagemaker-xgboost-container``,
``algorithm_mode/hyperparameter_validation.py``). None of them is tunable there, so none
has a range here (``default_range=None``).

Those in :data:`TRAINED` are given to ``xgboost.train`` as they are; the others carry a
``note`` saying why they do not change training in TuneLab (they are accepted and
recorded, so AWS's code and JSON run unchanged).
"""

from __future__ import annotations

from typing import Any

from tuning.algorithms._base import HyperparameterSpec

__all__ = ["STATIC_HYPERPARAMETERS", "TRAINED", "OBJECTIVES"]

OBJECTIVES = (
    "binary:logistic", "binary:logitraw", "binary:hinge", "count:poisson", "multi:softmax", "multi:softprob",
    "rank:pairwise", "rank:ndcg", "rank:map", "reg:linear", "reg:squarederror", "reg:logistic", "reg:gamma",
    "reg:pseudohubererror", "reg:squaredlogerror", "reg:tweedie", "survival:aft", "survival:cox",
)
"""The objectives AWS's container accepts (its validation list); TuneLab trains some of them."""

_DART = "used only by booster='dart'"
_GPU = "TuneLab trains on the CPU, without a GPU"


def _static(name: str, default: Any, description: str, *, low: float | None = None, high: float | None = None,
            integer: bool = False, choices: tuple[Any, ...] | None = None, low_open: bool = False,
            high_open: bool = False, text: bool = False, pattern: str | None = None,
            note: str | None = None) -> HyperparameterSpec:
    return HyperparameterSpec(name, default, None, description, low=low, high=high, integer=integer,
                              choices=choices, low_open=low_open, high_open=high_open, text=text,
                              pattern=pattern, note=note)


_LIST = r"\[\[\d+(,\d+)*\](,\[\d+(,\d+)*\])*\]"
"""A nested list of feature indices, ``[[1,2],[3,4,5]]``."""
_TUPLE = r"\((-?[01])(,-?[01])*\)"
"""A tuple of -1, 0 and 1, ``(0,1)``."""

STATIC_HYPERPARAMETERS: tuple[HyperparameterSpec, ...] = (
    # -- changes training here: see TRAINED
    _static("booster", "gbtree", "Which booster: trees (gbtree, dart) or a linear function (gblinear).",
            choices=("gbtree", "gblinear", "dart")),
    _static("scale_pos_weight", 1.0, "Weight of positive examples against negative ones; for unbalanced classes "
            "a typical value is sum(negative) / sum(positive).", low=0, low_open=True),
    _static("grow_policy", "depthwise", "How new nodes are added: depthwise, or lossguide (the largest loss "
            "change first).", choices=("depthwise", "lossguide")),
    _static("max_leaves", 0, "Maximum number of leaves (0: no limit); used with grow_policy='lossguide'.",
            low=0, integer=True),
    _static("max_bin", 256, "Maximum number of bins continuous features are bucketed into (tree_method hist).",
            low=0, integer=True),
    _static("tree_method", "auto", "The tree construction algorithm: auto, exact, approx, hist or gpu_hist.",
            choices=("auto", "exact", "approx", "hist", "gpu_hist")),
    _static("num_parallel_tree", 1, "Trees grown in parallel each round (a boosted random forest).", low=1,
            integer=True),
    _static("base_score", 0.5, "The initial prediction score of all instances (global bias).", low=0),
    _static("monotone_constraints", "(0,0)", "Monotonicity constraint per feature: 1 increasing, -1 decreasing, "
            "0 none, such as (0,1).", text=True, pattern=_TUPLE),
    _static("interaction_constraints", "[]", "Groups of feature indices allowed to interact, such as "
            "[[1,2],[3,4,5]].", text=True, pattern=rf"\[\]|{_LIST}"),
    _static("rate_drop", 0.0, "Dropout rate: the share of previous trees dropped (dart).", low=0, high=1),
    _static("skip_drop", 0.0, "Probability of skipping the dropout in a round (dart).", low=0, high=1),
    _static("one_drop", 0, "1: at least one tree is always dropped (dart).", low=0, high=1, integer=True),
    _static("sample_type", "uniform", "How dropped trees are chosen: uniform or weighted (dart).",
            choices=("uniform", "weighted")),
    _static("normalize_type", "tree", "How new trees are weighted after a dropout: tree or forest (dart).",
            choices=("tree", "forest")),
    # -- accepted, recorded, and without effect here: each note says why
    _static("csv_weights", 0, "1: the column after the label holds instance weights.", low=0, high=1,
            integer=True, note="TuneLab reads every column after the label as a feature, so weights are not read; "
            "leave the weight column out of the data (or ExcludeColumns)"),
    _static("early_stopping_rounds", None, "Stop when the validation score has not improved for this many rounds.",
            low=1, integer=True, note="the tuning job's early_stopping_type stops training jobs early here"),
    _static("verbosity", 1, "Verbosity of messages: 0 silent, 1 warning, 2 info, 3 debug.", low=0, high=3,
            integer=True, note="training jobs are quiet"),
    _static("silent", 0, "Older spelling of verbosity=0.", low=0, high=1, integer=True,
            note="training jobs are quiet"),
    _static("nthread", None, "Number of parallel threads.", low=1, integer=True,
            note="one thread per training job; the tuner's max_parallel_jobs runs several"),
    _static("seed", 0, "Random number seed.", low=-(2 ** 31), high=2 ** 31 - 1, low_open=True, high_open=True,
            integer=True, note="the tuner's random_seed seeds every training job"),
    _static("sketch_eps", 0.03, "Sketch accuracy of the approximate algorithm: about 1/sketch_eps bins.", low=0,
            high=1, low_open=True, high_open=True, note="the installed XGBoost has no sketch_eps: max_bin sets "
            "the bins of tree_method approx and hist"),
    _static("lambda_bias", 0.0, "L2 regularisation on the bias (gblinear).", low=0, high=1,
            note="the installed XGBoost has no lambda_bias"),
    _static("tweedie_variance_power", 1.5, "Variance power of the Tweedie distribution.", low=1, high=2,
            low_open=True, high_open=True, note="used only by objective='reg:tweedie', which TuneLab does not train"),
    _static("updater", None, "Comma-separated sequence of tree updaters, such as grow_colmaker,prune.", text=True,
            pattern=r"[a-z_]+(,[a-z_]+)*", note="TuneLab's tree_method decides the updaters"),
    _static("process_type", "default", "default builds new trees; update refreshes an existing model's trees.",
            choices=("default", "update"), note="training starts from scratch, so there are no trees to update"),
    _static("refresh_leaf", 1, "For the refresh updater: 1 updates leaves and node stats, 0 only node stats.",
            low=0, high=1, integer=True, note="used only by the refresh updater (process_type='update')"),
    _static("dsplit", "row", "How data is split across machines in distributed training: row or col.",
            choices=("row", "col"), note="each training job runs in one process"),
    _static("predictor", "auto", "The predictor algorithm: auto, cpu_predictor or gpu_predictor.",
            choices=("auto", "cpu_predictor", "gpu_predictor"), note=_GPU),
    _static("deterministic_histogram", "true", "Build histograms on the GPU deterministically (gpu_hist).",
            choices=("true", "false"), note=_GPU),
    _static("single_precision_histogram", "false", "Build histograms in single precision (hist, gpu_hist).",
            choices=("true", "false"), note="the installed XGBoost always builds histograms its own way"),
    _static("sampling_method", "uniform", "How training rows are sampled: uniform, or gradient_based (GPU).",
            choices=("uniform", "gradient_based"), note=_GPU),
    _static("max_cached_hist_node", None, "Maximum number of cached histogram nodes (hist).", low=1,
            integer=True, note="a memory setting: it does not change the model"),
    _static("prob_buffer_row", None, "Buffer rows for predictions (GPU).", low=1, low_open=True, integer=True,
            note=_GPU),
    _static("use_dask_gpu_training", "false", "Train on several GPUs with Dask.", choices=("true", "false"),
            note=_GPU),
    _static("save_model_on_termination", "false", "Save the model when the training job is stopped.",
            choices=("true", "false"), note="a stopped training job's model so far is always kept"),
    _static("aft_loss_distribution", "normal", "Distribution of survival:aft's loss.",
            choices=("normal", "logistic", "extreme"), note="used only by objective='survival:aft', which "
            "TuneLab does not train"),
    _static("aft_loss_distribution_scale", 1.0, "Scale of survival:aft's loss distribution.", low=0,
            note="used only by objective='survival:aft', which TuneLab does not train"),
    # -- read from the data (the class's derived_from_data): checked, then TuneLab's own choice
    _static("objective", "reg:squarederror", "The learning task and its objective, such as binary:logistic.",
            choices=OBJECTIVES, note="chosen from the data's problem type (binary:logistic, multi:softprob, "
            "reg:squarederror)"),
    _static("eval_metric", None, "Evaluation metrics for the validation data, comma-separated (auc, rmse, ...).",
            text=True, pattern=r"[a-z0-9@.:_-]+(,[a-z0-9@.:_-]+)*",
            note="the tuner's objective_metric_name is what is computed"),
    _static("num_class", None, "Number of classes (multi:softmax, multi:softprob).", low=2, integer=True,
            note="read from the data"),
)
"""Every static-only hyperparameter of SageMaker XGBoost, in the order of the sections above."""

TRAINED = frozenset({
    "booster", "scale_pos_weight", "grow_policy", "max_leaves", "max_bin", "tree_method", "num_parallel_tree",
    "base_score", "monotone_constraints", "interaction_constraints", "rate_drop", "skip_drop", "one_drop",
    "sample_type", "normalize_type",
})
"""The static-only hyperparameters given to ``xgboost.train`` (the rest carry a note)."""
