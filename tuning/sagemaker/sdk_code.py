"""The same tuning job as SageMaker Python SDK code, to run it on AWS once it works here.

:func:`sdk_code` writes a script a student can paste into a SageMaker notebook: an
``Estimator`` for the algorithm's image (``image_uris.retrieve`` for AWS's built-ins,
a placeholder image for TuneLab's own), its static hyperparameters, the ranges as
``ContinuousParameter`` / ``IntegerParameter`` / ``CategoricalParameter``, and a
``HyperparameterTuner`` with the strategy, limits, early stopping, seed, completion
criteria and warm start, then ``tuner.fit`` with the train and validation channels (with a
note to drop the columns the job leaves out, which AWS's algorithms would read).

The text is generated from :func:`tuning.sagemaker.request_json.to_sagemaker_request`, so the
two exports never disagree: the SDK builds that very request. Values AWS needs that TuneLab
does not know (the IAM role, the S3 location of the data) are clearly marked placeholders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuning.algorithms import get_algorithm
from tuning.sagemaker.aws_strings import ranges_to_aws
from tuning.sagemaker.request_json import PLACEHOLDERS, to_sagemaker_request

if TYPE_CHECKING:
    from tuning.job.config import TuningJobConfig

__all__ = ["sdk_code"]

_RANGE_CLASSES = {"IntegerParameterRanges": "IntegerParameter", "ContinuousParameterRanges": "ContinuousParameter"}


def sdk_code(config: TuningJobConfig) -> str:
    """SageMaker Python SDK (v2) code that creates the same tuning job on AWS."""
    from tuning.sagemaker.autotune_json import sdk_code_parts

    config, hints, autotune_lines = sdk_code_parts(config)  # Autotune not yet applied: the SDK's autotune=True
    request = to_sagemaker_request(config)
    tuning = request["HyperParameterTuningJobConfig"]
    definition = request["TrainingJobDefinition"]
    image = definition["AlgorithmSpecification"]["TrainingImage"]
    sdk_image = get_algorithm(config.algorithm).sdk_image  # AWS's built-ins: (framework, version)
    lines = [
        '"""TuneLab export: run this tuning job on Amazon SageMaker (SageMaker Python SDK v2)."""',
        "import sagemaker",
        "from sagemaker import image_uris",
        "from sagemaker.estimator import Estimator",
        "from sagemaker.inputs import TrainingInput",
        "from sagemaker.tuner import (",
        "    CategoricalParameter,",
        "    ContinuousParameter,",
        "    HyperbandStrategyConfig,",
        "    HyperparameterTuner,",
        "    IntegerParameter,",
        "    StrategyConfig,",
        "    TuningJobCompletionCriteriaConfig,",
        "    WarmStartConfig,",
        "    WarmStartTypes,",
        ")",
        "",
        "session = sagemaker.Session()",
        f"role = {PLACEHOLDERS['RoleArn']!r}  # TODO: your SageMaker execution role",
        'bucket = f"s3://{session.default_bucket()}/tunelab"  # TODO: where your data and models live',
        "",
    ]
    if sdk_image is not None:
        framework, version = sdk_image
        lines.append(f"image_uri = image_uris.retrieve({framework!r}, session.boto_region_name, version={version!r})")
    else:
        lines.append(f"image_uri = {image!r}  # TODO: TuneLab's own algorithm; push your own container")
    resource = PLACEHOLDERS["ResourceConfig"]
    lines += [
        "estimator = Estimator(",
        "    image_uri=image_uri,",
        "    role=role,",
        f"    instance_count={resource['InstanceCount']!r},",
        f"    instance_type={resource['InstanceType']!r},",
        '    output_path=f"{bucket}/output",',
        *([f"    max_run={config.training_job_max_runtime_seconds!r},"]
          if config.training_job_max_runtime_seconds is not None else []),
        "    sagemaker_session=session,",
        ")",
    ]
    statics = {**config.static_hyperparameters, **hints}  # typed values: the SDK turns them into strings
    if statics:
        arguments = ", ".join(f"{name}={value!r}" for name, value in statics.items() if name.isidentifier())
        lines.append(f"estimator.set_hyperparameters({arguments})")
        odd = {name: value for name, value in statics.items() if not name.isidentifier()}
        if odd:
            lines.append(f"estimator.set_hyperparameters(**{odd!r})")
    lines += ["", "hyperparameter_ranges = {"]
    # Left out, TuneLab tunes the algorithm's default ranges; AWS needs them spelt out.
    ranges = tuning.get("ParameterRanges") or ({} if autotune_lines else ranges_to_aws(config.resolved_ranges()))
    for kind, cls in _RANGE_CLASSES.items():
        for entry in ranges.get(kind, []):
            lines.append(f"    {entry['Name']!r}: {cls}({entry['MinValue']}, {entry['MaxValue']}, "
                         f"scaling_type={entry['ScalingType']!r}),")
    for entry in ranges.get("CategoricalParameterRanges", []):
        lines.append(f"    {entry['Name']!r}: CategoricalParameter({entry['Values']!r}),")
    lines += ["}", ""]
    lines += _tuner(config, request)
    if autotune_lines:
        lines[-1:-1] = autotune_lines  # inside HyperparameterTuner(...)
    lines += _left_out(config)
    lines += ["", _fit(definition, request.get("HyperParameterTuningJobName"))]
    return "\n".join(lines) + "\n"


def _tuner(config: TuningJobConfig, request: dict[str, Any]) -> list[str]:
    tuning = request["HyperParameterTuningJobConfig"]
    objective = tuning.get("HyperParameterTuningJobObjective")
    limits = tuning["ResourceLimits"]
    lines = ["tuner = HyperparameterTuner("]
    lines.append("    estimator,")
    if objective is None:
        lines.append('    objective_metric_name="validation:auc",  # TODO: TuneLab picks the default metric from the data')
    else:
        lines.append(f"    objective_metric_name={objective['MetricName']!r},")
    lines.append("    hyperparameter_ranges=hyperparameter_ranges,")
    if objective is not None:
        lines.append(f"    objective_type={objective['Type']!r},")
    lines.append(f"    strategy={tuning['Strategy']!r},")
    hyperband = tuning.get("StrategyConfig", {}).get("HyperbandStrategyConfig")
    if hyperband and {"MinResource", "MaxResource"} <= set(hyperband):
        lines.append("    strategy_config=StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig("
                     f"min_resource={hyperband['MinResource']!r}, max_resource={hyperband['MaxResource']!r})),")
    if "MaxNumberOfTrainingJobs" in limits:
        lines.append(f"    max_jobs={limits['MaxNumberOfTrainingJobs']!r},")
    lines.append(f"    max_parallel_jobs={limits['MaxParallelTrainingJobs']!r},")
    if "MaxRuntimeInSeconds" in limits:
        lines.append(f"    max_runtime_in_seconds={int(limits['MaxRuntimeInSeconds'])!r},")
    lines.append(f"    early_stopping_type={tuning['TrainingJobEarlyStoppingType']!r},")
    if "RandomSeed" in tuning:
        lines.append(f"    random_seed={tuning['RandomSeed']!r},")
    criteria = config.completion_criteria
    if criteria is not None and criteria.to_json():
        arguments = []
        if criteria.target_objective_metric_value is not None:
            arguments.append(f"target_objective_metric_value={criteria.target_objective_metric_value!r}")
        if criteria.max_number_of_training_jobs_not_improving is not None:
            arguments.append(
                f"max_number_of_training_jobs_not_improving={criteria.max_number_of_training_jobs_not_improving!r}")
        if criteria.complete_on_convergence:
            arguments.append("complete_on_convergence=True")
        lines.append(f"    completion_criteria_config=TuningJobCompletionCriteriaConfig({', '.join(arguments)}),")
    warm = config.warm_start_config
    if warm is not None:
        member = "TRANSFER_LEARNING" if str(warm.warm_start_type) == "TransferLearning" else "IDENTICAL_DATA_AND_ALGORITHM"
        lines.append(f"    warm_start_config=WarmStartConfig(WarmStartTypes.{member}, parents={{{', '.join(map(repr, warm.parents))}}}),")
    tags = request.get("Tags")
    if tags:
        lines.append(f"    tags={tags!r},")
    lines.append(")")
    return lines


def _left_out(config: TuningJobConfig) -> list[str]:
    """TuneLab drops ExcludeColumns and holds out a test split itself; AWS does neither, so say so."""
    lines: list[str] = []
    if config.exclude_columns:
        names = list(config.exclude_columns)
        lines += [
            "",
            f"# TODO: TuneLab left out the column(s) {', '.join(names)} (tag tunelab:ExcludeColumns). AWS's",
            "# algorithms read every column of the CSV, so drop them from the files before uploading, e.g.",
            f"#   pandas.read_csv(path).drop(columns={names!r}).to_csv(path, index=False)",
        ]
    if config.test_split_fraction is not None:
        lines += [
            "",
            f"# TODO: TuneLab holds out {config.test_split_fraction:g} of the rows as a test split (tag "
            "tunelab:TestSplitFraction);",
            "# AMT has none, so split the test rows off before uploading and keep them out of both channels.",
        ]
    return lines


def _fit(definition: dict[str, Any], name: str | None) -> str:
    channels = []
    for channel in definition["InputDataConfig"]:
        uri = channel["DataSource"]["S3DataSource"]["S3Uri"]
        where = uri.rsplit("/", 1)[-1].removeprefix("file:") or channel["ChannelName"]
        channels.append(f"    {channel['ChannelName']!r}: TrainingInput(f\"{{bucket}}/data/{where}\", "
                        f"content_type={channel['ContentType']!r}),  # TODO: upload {uri}")
    job_name = f", job_name={name!r}" if name else ""
    return "tuner.fit({\n" + "\n".join(channels) + f"\n}}{job_name})"
