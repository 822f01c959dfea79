"""AWS's "Hyperband Automatic Model Tuning for Distributed Training" notebook, on TuneLab.

The code cells of amazon-sagemaker-examples,
build_and_train_models/sm-hyperparameter_tuning_hyperband_automatic_model_tuning.ipynb (XGBoost on
bank marketing: one training job on 1 and on 3 instances, then a Hyperband tuning job that also
tunes ``num_round``), in order. Only the lines marked ``# TuneLab:`` differ: the imports, the AWS
set-up (role, session, bucket), the data (the bundled bank-marketing copy instead of the S3
download; local files instead of the S3 upload), the 3-D plot (matplotlib is not installed with
TuneLab) and the sizes, which come from environment variables so that a test can run it small:

    TUNELAB_NOTEBOOK_ROWS       rows of bank-marketing to use (default: all 41,188)
    TUNELAB_NOTEBOOK_REPLICATE  how many times the train and validation rows are repeated (default 100)
    TUNELAB_NOTEBOOK_MAX_JOBS   training jobs of the Hyperband tuning job (default 30)
    TUNELAB_NOTEBOOK_PARALLEL   max_parallel_jobs (default 4)
    TUNELAB_NOTEBOOK_NUM_ROUND  num_round of the two single training jobs (default 150)

``instance_count=3`` is accepted and trains on one machine (TuneLab has no distributed XGBoost), so
the notebook's point (3 instances lose AUC) does not show here; ``ShardedByS3Key`` is accepted too.
The CSV files are written into the working folder, as the notebook writes them
(``sagemaker/DEMO-dist-hpo-xgboost-dm/train/`` and ``.../validation/`` stand for the S3 prefixes).
Results go to the default store ($TUNELAB_HOME, or ~/.tunelab). Run it with
``.venv/bin/python examples/amt_notebook_hyperband.py``.
"""

from tuning import (  # TuneLab: was sagemaker.tuner
    IntegerParameter,
    CategoricalParameter,
    ContinuousParameter,
    HyperparameterTuner,
    StrategyConfig,
    HyperbandStrategyConfig,
)

from tuning import TrainingInput  # TuneLab: was sagemaker.inputs.TrainingInput
from tuning import HyperparameterTuningJobAnalytics  # TuneLab: was sagemaker.HyperparameterTuningJobAnalytics
from tuning.datasets import load_dataset  # TuneLab: the bundled bank marketing data, instead of sagemaker.s3.S3Downloader
from tuning.sagemaker.estimators import Estimator  # TuneLab: was sagemaker.estimator.Estimator

import numpy as np  # For matrix operations and numerical processing
import pandas as pd  # For munging tabular data
import os
from time import gmtime, strftime

region = "local"  # TuneLab: was boto3.Session().region_name
smclient = None  # TuneLab: was boto3.Session().client("sagemaker"); the store answers describe()

role = "arn:aws:iam::111122223333:role/TuneLabNotebook"  # TuneLab: was sagemaker.get_execution_role()

bucket = "local"  # TuneLab: was sagemaker.Session().default_bucket(); files stay in the working folder
default_bucket_prefix = None  # TuneLab: was sagemaker.Session().default_bucket_prefix
prefix = "sagemaker/DEMO-dist-hpo-xgboost-dm"

# If a default bucket prefix is specified, append it to the s3 path
if default_bucket_prefix:
    prefix = f"{default_bucket_prefix}/{prefix}"

ROWS = int(os.environ.get("TUNELAB_NOTEBOOK_ROWS", "0"))  # TuneLab: sizes from the environment
REPLICATE = int(os.environ.get("TUNELAB_NOTEBOOK_REPLICATE", "100"))  # TuneLab
MAX_JOBS = int(os.environ.get("TUNELAB_NOTEBOOK_MAX_JOBS", "30"))  # TuneLab
PARALLEL = int(os.environ.get("TUNELAB_NOTEBOOK_PARALLEL", "4"))  # TuneLab
NUM_ROUND = int(os.environ.get("TUNELAB_NOTEBOOK_NUM_ROUND", "150"))  # TuneLab

# ---- Data Downloading and Transformation ---------------------------------------------------
bundled = load_dataset("bank-marketing")  # TuneLab: was S3Downloader.download(s3_uri, local_path="./bank-additional/", ...)

data = pd.concat([bundled.features, bundled.target.rename("y")], axis=1)  # TuneLab: was pd.read_csv("./bank-additional/bank-additional-full.csv", sep=",")
if ROWS:  # TuneLab: a sample of rows, to run small
    data = data.sample(n=min(ROWS, len(data)), random_state=1).reset_index(drop=True)  # TuneLab
pd.set_option("display.max_columns", 500)  # Make sure we can see all of the columns
pd.set_option("display.max_rows", 50)  # Keep the output on one page
print(data)  # TuneLab: print, in a script

data["no_previous_contact"] = np.where(
    data["pdays"] == 999, 1, 0
)  # Indicator variable to capture when pdays takes a value of 999

data["not_working"] = np.where(
    np.isin(data["job"], ["student", "retired", "unemployed"]), 1, 0  # TuneLab: np.in1d is gone in NumPy 2
)  # Indicator for individuals not actively employed

model_data = pd.get_dummies(data, dtype=int)  # TuneLab: dtype=int, as pandas 2+ makes bool dummies ("True" in a CSV)
model_data = model_data.drop(
    ["duration", "emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed"],
    axis=1,
    errors="ignore",  # TuneLab: the bundled copy has no economic columns
)
print(model_data)  # TuneLab: print, in a script

# ---- Demo_setup ----------------------------------------------------------------------------
shuffled = model_data.sample(frac=1, random_state=1729)  # TuneLab: np.split no longer splits a DataFrame
cut_85, cut_90 = int(0.85 * len(model_data)), int(0.9 * len(model_data))  # TuneLab
train_data, validation_data, test_data = shuffled.iloc[:cut_85], shuffled.iloc[cut_85:cut_90], shuffled.iloc[cut_90:]  # TuneLab

replicated_df = pd.DataFrame(np.repeat(train_data.values, REPLICATE, axis=0))  # TuneLab: was 100, from the environment
replicated_df.columns = train_data.columns
train_data = replicated_df
train_data = train_data.sample(frac=1).reset_index(drop=True)

replicated_df = pd.DataFrame(np.repeat(validation_data.values, REPLICATE, axis=0))  # TuneLab: was 100, from the environment
replicated_df.columns = validation_data.columns
validation_data = replicated_df
validation_data = validation_data.sample(frac=1).reset_index(drop=True)

train_data = pd.concat([train_data["y_yes"], train_data.drop(["y_no", "y_yes"], axis=1)], axis=1)

pd.concat(
    [validation_data["y_yes"], validation_data.drop(["y_no", "y_yes"], axis=1)], axis=1
).to_csv("validation.csv", index=False, header=False)

pd.concat([test_data["y_yes"], test_data.drop(["y_no", "y_yes"], axis=1)], axis=1).to_csv(
    "test.csv", index=False, header=False
)

max_instances = 3
for indx, partition in enumerate(np.array_split(train_data, max_instances)):
    pd.DataFrame(partition).to_csv(f"train_{indx}.csv", index=False, header=False)  # TuneLab: np.array_split gives arrays in NumPy 2

import glob

trainingFiles = glob.glob("train_*.csv")
os.makedirs(os.path.join(prefix, "train"), exist_ok=True)  # TuneLab: a local folder for the "train/" prefix
for trainingFile in trainingFiles:
    osPath = os.path.join(prefix, "train/{}".format(trainingFile))
    print(osPath)
    os.replace(trainingFile, osPath)  # TuneLab: was boto3 ... Object(osPath).upload_file(trainingFile); the shards stay three files, one channel as an S3 prefix

os.makedirs(os.path.join(prefix, "validation"), exist_ok=True)  # TuneLab: was boto3 ... Bucket(bucket).Object(
os.replace("validation.csv", os.path.join(prefix, "validation/validation.csv"))  # TuneLab: ... ).upload_file("validation.csv")

s3_input_train = TrainingInput(
    distribution="ShardedByS3Key",
    s3_data="{}/{}/train".format(os.getcwd(), prefix),  # TuneLab: the local folder, was "s3://{}/{}/train".format(bucket, prefix)
    content_type="csv",
)
s3_input_validation = TrainingInput(
    s3_data="{}/{}/validation/".format(os.getcwd(), prefix), content_type="csv"  # TuneLab: the local folder, was s3://
)

print(s3_input_train.config["DataSource"]["S3DataSource"]["S3Uri"])
print(s3_input_validation.config["DataSource"]["S3DataSource"]["S3Uri"])


# ---- Run_Demo ------------------------------------------------------------------------------
def get_XGB_estimnator(instnaces=1):
    container = "xgboost"  # TuneLab: was sagemaker.image_uris.retrieve("xgboost", boto3.Session().region_name, "latest")

    max_run = 2400
    max_wait = 3600

    xgbEstimator = Estimator(  # TuneLab: was sagemaker.estimator.Estimator(
        container,
        role,
        instance_count=instnaces,
        instance_type="ml.m5.2xlarge",
        output_path="s3://{}/{}/output".format(bucket, prefix),
        sagemaker_session=None,  # TuneLab: was sagemaker.Session(); results go to TuneLab's store
        # use_spot_instances=True,
        # max_run=max_run,
        # max_wait=max_wait,
    )

    xgbEstimator.set_hyperparameters(
        eval_metric="auc",
        objective="binary:logistic",
        num_round=NUM_ROUND,  # TuneLab: was 150, from the environment
        rate_drop=0.0,
        tree_method="exact",
        eta=0.3,
        colsample_bylevel=0.5,
        colsample_bytree=0.8,
    )
    return xgbEstimator


xgb = get_XGB_estimnator()
training_job_name = "xgb-single-instance-{}".format(strftime("%Y-%m-%d-%H-%M-%S", gmtime()))
xgb.fit(
    {"train": s3_input_train, "validation": s3_input_validation},
    job_name=training_job_name,
    wait=True,
)

single_df = xgb.training_job_analytics.dataframe(force_refresh=False)
print(single_df)  # TuneLab: print, in a script

xgb3 = get_XGB_estimnator(3)
training_job_name = "xgb-3-instances-{}".format(strftime("%Y-%m-%d-%H-%M-%S", gmtime()))

xgb3.fit(
    {"train": s3_input_train, "validation": s3_input_validation},
    wait=True,
    job_name=training_job_name,
)

dist_df = xgb3.training_job_analytics.dataframe(force_refresh=True)
print(dist_df)  # TuneLab: print, in a script

# ---- Setup_Hyperparameter_Tuning -----------------------------------------------------------
objective_metric_name = "validation:auc"

hyperparameter_ranges = {
    "num_round": IntegerParameter(100, 200),
    "eta": ContinuousParameter(0, 1),
    "min_child_weight": ContinuousParameter(1, 10),
    "alpha": ContinuousParameter(0, 2),
    "max_depth": IntegerParameter(1, 10),
    "colsample_bylevel": ContinuousParameter(0, 1),
    "colsample_bytree": ContinuousParameter(0, 1),
}

hsc = HyperbandStrategyConfig(max_resource=30, min_resource=1)
sc = StrategyConfig(hyperband_strategy_config=hsc)

tuner = HyperparameterTuner(
    xgb3,
    objective_metric_name,
    hyperparameter_ranges,
    max_jobs=MAX_JOBS,  # TuneLab: was 30, from the environment
    max_parallel_jobs=PARALLEL,  # TuneLab: was 4, from the environment
    strategy="Hyperband",
    early_stopping_type="Off",
    strategy_config=sc,
)

# ---- Launch_Hyperparameter_Tuning ----------------------------------------------------------
tuner.fit(
    {"train": s3_input_train, "validation": s3_input_validation},
    include_cls_metadata=False,
    wait=True,
)

print(tuner.describe()["HyperParameterTuningJobStatus"])  # TuneLab: was boto3.client("sagemaker").describe_hyper_parameter_tuning_job(

# ---- Analyze_Hyperparameter_Tuning_Results -------------------------------------------------
tuning_job_name = tuner.latest_tuning_job.job_name
print(tuning_job_name)  # TuneLab: print, in a script

tuner = HyperparameterTuner.attach(tuning_job_name=tuning_job_name)
print(tuner.describe()["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"])  # TuneLab: print, in a script

tuner_analytics = HyperparameterTuningJobAnalytics(tuning_job_name)  # TuneLab: was sagemaker.HyperparameterTuningJobAnalytics

full_df = tuner_analytics.dataframe()
print(full_df.sort_values(by=["FinalObjectiveValue"], ascending=False).head())  # TuneLab: print, in a script

print(full_df["TrainingElapsedTimeSeconds"].mean())  # TuneLab: print, in a script

# TuneLab: the 3-D scatter (matplotlib, plt.show) is left out; matplotlib is not installed with TuneLab.
print(full_df[["TrainingElapsedTimeSeconds", "num_round", "FinalObjectiveValue"]])  # TuneLab: the plot's three columns
