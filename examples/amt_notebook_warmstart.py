"""AWS's "Automatic Model Tuning: Warm Starting Tuning Jobs" notebook, on TuneLab.

The code cells of amazon-sagemaker-examples, build_and_train_models/sm-hpo_warmstart_image_classification.ipynb
(a parent tuning job, a second one warm-started from it with IDENTICAL_DATA_AND_ALGORITHM, then a
third with TRANSFER_LEARNING from both after a static hyperparameter changes), in order.

AWS's notebook tunes SageMaker's image-classification algorithm (a ResNet on Caltech-256, on GPU
instances), which TuneLab does not have. AWS has no other warm-start notebook for a built-in
TuneLab has (the other, ml_ops/sm-pipelines_hyperparameter_tuning.ipynb, is XGBoost inside SageMaker
Pipelines, whose steps TuneLab lacks). So here, beside the imports and the AWS set-up, **the
algorithm and the data differ too**, every such line marked ``# TuneLab:``:

- the algorithm is Linear Learner as a multiclass classifier (``optimizer="sgd"``,
  ``mini_batch_size=128`` and ``epochs=10`` are the notebook's own values and names), on the bundled
  ``digits`` images (8x8, 10 classes) instead of Caltech-256 (257 classes), as CSV files instead of
  RecordIO ``.rec`` files;
- the ranges keep ``learning_rate`` as it is; image classification's ``weight_decay`` is Linear
  Learner's ``wd``; ``momentum`` (static-only for Linear Learner) is set, not tuned;
- the transfer-learning step changes ``balance_multiclass_weights`` where AWS's changes
  ``augmentation_type`` (Linear Learner has no image augmentation);
- the bokeh plots are printed as their columns (bokeh is not installed with TuneLab).

Sizes come from environment variables so that a test can run it small:

    TUNELAB_NOTEBOOK_MAX_JOBS   training jobs of each of the three tuning jobs (default 5, as the notebook)
    TUNELAB_NOTEBOOK_PARALLEL   max_parallel_jobs (default 2, as the notebook)
    TUNELAB_NOTEBOOK_DIR        where the data files are written (default ./tunelab-notebook-warmstart)

Results go to the default store ($TUNELAB_HOME, or ~/.tunelab). Run it with
``.venv/bin/python examples/amt_notebook_warmstart.py``.
"""

import os  # TuneLab: for the sizes and the local folder
import numpy as np  # TuneLab: to write the digits as CSV
from tuning import TrainingInput, HyperparameterTuningJobAnalytics  # TuneLab: was sagemaker.inputs / sagemaker
from tuning.datasets import load_dataset  # TuneLab: the bundled digits, instead of Caltech-256
from tuning.sagemaker.estimators import Estimator  # TuneLab: was sagemaker.estimator.Estimator

role = "arn:aws:iam::111122223333:role/TuneLabNotebook"  # TuneLab: was get_execution_role()
print(role)

sess = None  # TuneLab: was sagemaker.Session(); results go to TuneLab's store
bucket = os.environ.get("TUNELAB_NOTEBOOK_DIR", "tunelab-notebook-warmstart")  # TuneLab: a local folder, was sess.default_bucket()
default_bucket_prefix = None  # TuneLab: was sess.default_bucket_prefix
prefix = "ic-fulltraining"

# If a default bucket prefix is specified, append it to the s3 path
if default_bucket_prefix:
    prefix = f"{default_bucket_prefix}/{prefix}"
MAX_JOBS = int(os.environ.get("TUNELAB_NOTEBOOK_MAX_JOBS", "5"))  # TuneLab: sizes from the environment
PARALLEL = int(os.environ.get("TUNELAB_NOTEBOOK_PARALLEL", "2"))  # TuneLab

training_image = "linear-learner"  # TuneLab: was retrieve(region=..., framework="image-classification", version="1")
print(training_image)

smclient = None  # TuneLab: was boto3.Session().client("sagemaker"); describe() answers from the store

# ---- Data preparation ----------------------------------------------------------------------
digits = load_dataset("digits")  # TuneLab: was download("http://data.mxnet.io/data/caltech-256/caltech-256-60-train.rec")
rows = np.column_stack([digits.target.astype(int), digits.features.to_numpy() / 16.0])  # TuneLab: label first, pixels in [0, 1]
cut = int(0.8 * len(rows))  # TuneLab: 80% train, 20% validation (caltech-256-60-val.rec)

# Four channels: train, validation, train_lst, and validation_lst
s3train = "{}/{}/train/".format(bucket, prefix)  # TuneLab: a local folder, was s3://
s3validation = "{}/{}/validation/".format(bucket, prefix)  # TuneLab: a local folder, was s3://

# upload the lst files to train and validation channels
for folder, part in ((s3train, rows[:cut]), (s3validation, rows[cut:])):  # TuneLab: was !aws s3 cp *.rec
    os.makedirs(folder, exist_ok=True)  # TuneLab
    np.savetxt(os.path.join(folder, "digits.csv"), part, delimiter=",", fmt="%g")  # TuneLab: CSV, not RecordIO

# Set the data type and channels used for training
s3_output_location = "s3://{}/{}/output".format(bucket, prefix)
s3_input_train = TrainingInput(  # TuneLab: was sagemaker.inputs.TrainingInput(
    s3train,
    distribution="FullyReplicated",
    content_type="text/csv",  # TuneLab: was "application/x-recordio"
    s3_data_type="S3Prefix",
)
s3_input_validation = TrainingInput(  # TuneLab: was sagemaker.inputs.TrainingInput(
    s3validation,
    distribution="FullyReplicated",
    content_type="text/csv",  # TuneLab: was "application/x-recordio"
    s3_data_type="S3Prefix",
)

# ---- Set up hyperparameter tuning job ------------------------------------------------------
sess = None  # TuneLab: was sagemaker.Session()

imageclassification = Estimator(  # TuneLab: was sagemaker.estimator.Estimator(
    training_image,
    role,
    instance_count=1,
    instance_type="ml.p3.2xlarge",
    output_path=s3_output_location,
    sagemaker_session=sess,
)

imageclassification.set_hyperparameters(
    predictor_type="multiclass_classifier",  # TuneLab: was num_layers=18 (image classification's)
    feature_dim=64,  # TuneLab: was image_shape="3,224,224"
    num_classes=10,  # TuneLab: was 257 (Caltech-256)
    # TuneLab: num_training_samples=15420 left out (image classification's)
    mini_batch_size=128,
    epochs=10,
    optimizer="sgd",
    momentum=0.9,  # TuneLab: was top_k="2"; momentum is tuned in AWS's ranges, static for Linear Learner
    # TuneLab: precision_dtype="float32" left out (image classification's)
    balance_multiclass_weights="false",  # TuneLab: was augmentation_type="crop"
)

from tuning import (  # TuneLab: was sagemaker.tuner
    IntegerParameter,
    CategoricalParameter,
    ContinuousParameter,
    HyperparameterTuner,
)

hyperparameter_ranges = {
    "learning_rate": ContinuousParameter(0.0001, 0.05),
    # TuneLab: "momentum": ContinuousParameter(0.0, 0.99) is set above, Linear Learner does not tune it
    "wd": ContinuousParameter(0.0, 0.99),  # TuneLab: was "weight_decay", Linear Learner's name is wd
}

objective_metric_name = "validation:accuracy"

tuner = HyperparameterTuner(
    imageclassification,
    objective_metric_name,
    hyperparameter_ranges,
    objective_type="Maximize",
    max_jobs=MAX_JOBS,  # TuneLab: was 5, from the environment
    max_parallel_jobs=PARALLEL,  # TuneLab: was 2, from the environment
)

# ---- Launch hyperparameter tuning job ------------------------------------------------------
tuner.fit({"train": s3_input_train, "validation": s3_input_validation}, include_cls_metadata=False)

tuning_job_name = tuner._current_job_name

tuner_parent_metrics = HyperparameterTuningJobAnalytics(tuning_job_name)  # TuneLab: was sagemaker.HyperparameterTuningJobAnalytics
if not tuner_parent_metrics.dataframe().empty:
    df_parent = tuner_parent_metrics.dataframe().sort_values(
        ["FinalObjectiveValue"], ascending=False
    )

print(df_parent)  # TuneLab: print, in a script

import pandas as pd

df_parent_objective_value = df_parent[df_parent["FinalObjectiveValue"] > -float("inf")]
print(df_parent_objective_value[["TrainingStartTime", "FinalObjectiveValue"]])  # TuneLab: was a bokeh plot of these two columns

# ---- Set up hyperparameter tuning using warm start configuration ---------------------------
from tuning import WarmStartConfig, WarmStartTypes  # TuneLab: was sagemaker.tuner

parent_tuning_job_name = tuning_job_name
warm_start_config = WarmStartConfig(
    WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, parents={parent_tuning_job_name}
)

print(parent_tuning_job_name)  # TuneLab: print, in a script

tuner_warm_start = HyperparameterTuner(
    imageclassification,
    objective_metric_name,
    hyperparameter_ranges,
    objective_type="Maximize",
    max_jobs=MAX_JOBS,  # TuneLab: was 5, from the environment
    max_parallel_jobs=PARALLEL,  # TuneLab: was 2, from the environment
    base_tuning_job_name="warmstart",
    warm_start_config=warm_start_config,
)

tuner_warm_start.fit(
    {"train": s3_input_train, "validation": s3_input_validation}, include_cls_metadata=False
)

warmstart_tuning_job_name = tuner_warm_start._current_job_name

tuner_warm_start_metrics = HyperparameterTuningJobAnalytics(warmstart_tuning_job_name)  # TuneLab: was sagemaker.HyperparameterTuningJobAnalytics
if not tuner_warm_start_metrics.dataframe().empty:
    df_warm_start = tuner_warm_start_metrics.dataframe().sort_values(
        ["FinalObjectiveValue"], ascending=False
    )

print(df_warm_start)  # TuneLab: print, in a script

df_parent_objective_value = df_parent[df_parent["FinalObjectiveValue"] > -float("inf")]
df_warm_start_objective_value = df_warm_start[df_warm_start["FinalObjectiveValue"] > -float("inf")]
print(df_warm_start_objective_value[["TrainingStartTime", "FinalObjectiveValue"]])  # TuneLab: was a bokeh plot, parent and warm start

# ---- Get the best model --------------------------------------------------------------------
best_overall_training_job = tuner_warm_start.describe()["OverallBestTrainingJob"]  # TuneLab: was smclient.describe_hyper_parameter_tuning_job(
# TuneLab: ... HyperParameterTuningJobName=warmstart_tuning_job_name)["OverallBestTrainingJob"]

print(best_overall_training_job)  # TuneLab: print, in a script

# ---- Warm start with transfer learning -----------------------------------------------------
parent_tuning_job_name_2 = warmstart_tuning_job_name
transfer_learning_config = WarmStartConfig(
    WarmStartTypes.TRANSFER_LEARNING, parents={parent_tuning_job_name, parent_tuning_job_name_2}
)

imageclassification.set_hyperparameters(
    predictor_type="multiclass_classifier",  # TuneLab: was num_layers=18 (image classification's)
    feature_dim=64,  # TuneLab: was image_shape="3,224,224"
    num_classes=10,  # TuneLab: was 257 (Caltech-256)
    # TuneLab: num_training_samples=15420 left out (image classification's)
    mini_batch_size=128,
    epochs=10,
    optimizer="sgd",
    momentum=0.9,  # TuneLab: was top_k="2"
    # TuneLab: precision_dtype="float32" left out (image classification's)
    balance_multiclass_weights="true",  # TuneLab: was augmentation_type="crop_color_transform"
)

tuner_transfer_learning = HyperparameterTuner(
    imageclassification,
    objective_metric_name,
    hyperparameter_ranges,
    objective_type="Maximize",
    max_jobs=MAX_JOBS,  # TuneLab: was 5, from the environment
    max_parallel_jobs=PARALLEL,  # TuneLab: was 2, from the environment
    base_tuning_job_name="transferlearning",
    warm_start_config=transfer_learning_config,
)

tuner_transfer_learning.fit(
    {"train": s3_input_train, "validation": s3_input_validation}, include_cls_metadata=False
)

transferlearning_tuning_job_name = tuner_transfer_learning._current_job_name

tuner_transferlearning_metrics = HyperparameterTuningJobAnalytics(  # TuneLab: was sagemaker.HyperparameterTuningJobAnalytics(
    transferlearning_tuning_job_name
)
if not tuner_transferlearning_metrics.dataframe().empty:
    df_transfer_learning = tuner_transferlearning_metrics.dataframe().sort_values(
        ["FinalObjectiveValue"], ascending=False
    )

print(df_transfer_learning)  # TuneLab: print, in a script

df_transfer_learning_objective_value = df_transfer_learning[
    df_transfer_learning["FinalObjectiveValue"] > -float("inf")
]
print(df_transfer_learning_objective_value[["TrainingStartTime", "FinalObjectiveValue"]])  # TuneLab: was a bokeh plot of all three
print("Transfer learning status:", tuner_transfer_learning.describe()["HyperParameterTuningJobStatus"])  # TuneLab: added, for the test
print("OverallBestTrainingJob:", tuner_transfer_learning.describe()["OverallBestTrainingJob"]["TrainingJobName"])  # TuneLab: added, for the test
