"""AWS's "Direct Marketing with Amazon SageMaker XGBoost and Hyperparameter Tuning" notebook, on TuneLab.

The code below is the usual AMT notebook (amazon-sagemaker-examples,
hyperparameter_tuning/xgboost_direct_marketing/hpo_xgboost_direct_marketing_sagemaker_python_sdk.ipynb,
removed from AWS's repository in July 2023), in SageMaker Python SDK v2 form, up to its status
check. Its analysis, warm start and deployment steps are not in that notebook (its last sections
only point to other notebooks): they are TuneLab's, written in the SDK's calls as AWS's analysis
and warm-start notebooks use them, and some of AWS's statements are joined onto one line. In
AWS's part, only the lines marked ``# TuneLab:`` differ: the imports, the AWS set-up (role, session, bucket), the S3 upload (the CSVs stay
local, in SageMaker's headerless label-first format), and the sizes, which come from
environment variables so that a test can run it small:

    TUNELAB_NOTEBOOK_ROWS       rows of bank-marketing to use (default: all 41,188)
    TUNELAB_NOTEBOOK_MAX_JOBS   training jobs of the first tuning job (default 20)
    TUNELAB_NOTEBOOK_WARM_JOBS  training jobs of the warm-started one (default 10)
    TUNELAB_NOTEBOOK_PARALLEL   max_parallel_jobs (default 3)
    TUNELAB_NOTEBOOK_NUM_ROUND  XGBoost's num_round (default 100)
    TUNELAB_NOTEBOOK_DIR        where the CSV files are written (default ./tunelab-notebook-data)

Results go to the default store ($TUNELAB_HOME, or ~/.tunelab), so the dashboard shows them.
Run it with ``.venv/bin/python examples/amt_notebook_xgboost.py``.
"""

import os

import numpy as np  # For matrix operations and numerical processing
import pandas as pd  # For munging tabular data

from tuning import ContinuousParameter, IntegerParameter, HyperparameterTuner  # TuneLab: was sagemaker.tuner
from tuning import HyperparameterTuningJobAnalytics  # TuneLab: was sagemaker.HyperparameterTuningJobAnalytics
from tuning import TrainingInput  # TuneLab: was sagemaker.inputs.TrainingInput
from tuning import WarmStartConfig, WarmStartTypes  # TuneLab: was sagemaker.tuner
from tuning.datasets import load_dataset  # TuneLab: the bundled copy of UCI's bank marketing data
from tuning.sagemaker.estimators import Estimator  # TuneLab: was sagemaker.estimator.Estimator
from tuning.sagemaker.serializers import CSVSerializer  # TuneLab: was sagemaker.serializers

ROWS = int(os.environ.get("TUNELAB_NOTEBOOK_ROWS", "0"))  # TuneLab: sizes from the environment
MAX_JOBS = int(os.environ.get("TUNELAB_NOTEBOOK_MAX_JOBS", "20"))  # TuneLab
WARM_JOBS = int(os.environ.get("TUNELAB_NOTEBOOK_WARM_JOBS", "10"))  # TuneLab
PARALLEL = int(os.environ.get("TUNELAB_NOTEBOOK_PARALLEL", "3"))  # TuneLab
NUM_ROUND = int(os.environ.get("TUNELAB_NOTEBOOK_NUM_ROUND", "100"))  # TuneLab

# ---- Preparation --------------------------------------------------------------------------
region = "local"  # TuneLab: was boto3.Session().region_name
role = "arn:aws:iam::111122223333:role/TuneLabNotebook"  # TuneLab: was sagemaker.get_execution_role()
sess = None  # TuneLab: was sagemaker.Session(); results go to TuneLab's store
prefix = os.environ.get("TUNELAB_NOTEBOOK_DIR", "tunelab-notebook-data")  # TuneLab: a local folder, not S3

# ---- Data downloading -----------------------------------------------------------------------
bundled = load_dataset("bank-marketing")  # TuneLab: was wget + unzip bank-additional.zip
data = pd.concat([bundled.features, bundled.target.rename("y")], axis=1)  # TuneLab: was pd.read_csv(..., sep=";")
if ROWS:  # TuneLab: a sample of rows, to run small
    data = data.sample(n=min(ROWS, len(data)), random_state=1).reset_index(drop=True)  # TuneLab
pd.set_option("display.max_columns", 500)  # Make sure we can see all of the columns
pd.set_option("display.max_rows", 50)  # Keep the output on one page
print(data.head())

# ---- Data transformation -------------------------------------------------------------------
data["no_previous_contact"] = np.where(data["pdays"] == 999, 1, 0)  # Indicator variable to capture when pdays takes a value of 999
data["not_working"] = np.where(np.isin(data["job"], ["student", "retired", "unemployed"]), 1, 0)  # TuneLab: np.in1d is gone in NumPy 2
model_data = pd.get_dummies(data, dtype=int)  # TuneLab: dtype=int, as pandas 2+ makes bool dummies ("True" in a CSV)
model_data = model_data.drop(
    ["duration", "emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed"], axis=1,
    errors="ignore",  # TuneLab: the bundled copy has no economic columns
)

shuffled = model_data.sample(frac=1, random_state=1729)  # TuneLab: np.split no longer splits a DataFrame
cut_70, cut_90 = int(0.7 * len(model_data)), int(0.9 * len(model_data))  # TuneLab
train_data, validation_data, test_data = shuffled.iloc[:cut_70], shuffled.iloc[cut_70:cut_90], shuffled.iloc[cut_90:]  # TuneLab
os.makedirs(prefix, exist_ok=True)  # TuneLab: local folder instead of an S3 prefix
pd.concat([train_data["y_yes"], train_data.drop(["y_no", "y_yes"], axis=1)], axis=1).to_csv(
    os.path.join(prefix, "train.csv"), index=False, header=False)  # TuneLab: into the local folder
pd.concat([validation_data["y_yes"], validation_data.drop(["y_no", "y_yes"], axis=1)], axis=1).to_csv(
    os.path.join(prefix, "validation.csv"), index=False, header=False)  # TuneLab: into the local folder
pd.concat([test_data["y_yes"], test_data.drop(["y_no", "y_yes"], axis=1)], axis=1).to_csv(
    os.path.join(prefix, "test.csv"), index=False, header=False)  # TuneLab: into the local folder
# TuneLab: no upload; boto3 ... upload_file("train.csv") / ("validation.csv") are not needed

# ---- Setup hyperparameter tuning -----------------------------------------------------------
container = "xgboost"  # TuneLab: was sagemaker.image_uris.retrieve("xgboost", region, "1.7-1")

xgb = Estimator(
    container,
    role,
    instance_count=1,
    instance_type="ml.m4.xlarge",
    output_path="s3://{}/{}/output".format("bucket", prefix),  # TuneLab: no bucket; the argument is unused
    sagemaker_session=sess,
)

xgb.set_hyperparameters(
    eval_metric="auc",
    objective="binary:logistic",
    num_round=NUM_ROUND,  # TuneLab: was 100, from the environment
    rate_drop=0.3,
    tweedie_variance_power=1.4,
)

hyperparameter_ranges = {
    "eta": ContinuousParameter(0, 1),
    "min_child_weight": ContinuousParameter(1, 10),
    "alpha": ContinuousParameter(0, 2),
    "max_depth": IntegerParameter(1, 10),
}

objective_metric_name = "validation:auc"

tuner = HyperparameterTuner(
    xgb,
    objective_metric_name,
    hyperparameter_ranges,
    max_jobs=MAX_JOBS,  # TuneLab: was 20, from the environment
    max_parallel_jobs=PARALLEL,  # TuneLab: was 3, from the environment
)

# ---- Launch hyperparameter tuning ----------------------------------------------------------
s3_input_train = TrainingInput(
    s3_data="file://{}".format(os.path.abspath(os.path.join(prefix, "train.csv"))),  # TuneLab: local file
    content_type="csv")
s3_input_validation = TrainingInput(
    s3_data="file://{}".format(os.path.abspath(os.path.join(prefix, "validation.csv"))),  # TuneLab: local file
    content_type="csv")

tuner.fit({"train": s3_input_train, "validation": s3_input_validation}, include_cls_metadata=False)

print(tuner.describe()["HyperParameterTuningJobStatus"])  # TuneLab: was boto3 describe_hyper_parameter_tuning_job

# ---- Analyze tuning job results ------------------------------------------------------------
tuning_job_name = tuner.latest_tuning_job.job_name
tuner_analytics = HyperparameterTuningJobAnalytics(tuning_job_name)
full_df = tuner_analytics.dataframe()
is_minimize = False

if len(full_df) > 0:
    df = full_df[full_df["FinalObjectiveValue"] > -float("inf")]
    if len(df) > 0:
        df = df.sort_values("FinalObjectiveValue", ascending=is_minimize)
        print("Number of training jobs with valid objective: %d" % len(df))
        print({"lowest": min(df["FinalObjectiveValue"]), "highest": max(df["FinalObjectiveValue"])})
        pd.set_option("display.max_colwidth", None)  # Don't truncate TrainingJobName
    else:
        print("No training jobs have reported valid results yet.")

print(df.head(10))
print("Best training job:", tuner.best_training_job())

# ---- Warm start: a second tuning job that starts from the first ----------------------------
parent_tuning_job_name = tuner.latest_tuning_job.job_name
warm_start_config = WarmStartConfig(
    warm_start_type=WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, parents={parent_tuning_job_name}
)

tuner_warm_start = HyperparameterTuner(
    xgb,
    objective_metric_name,
    hyperparameter_ranges,
    max_jobs=WARM_JOBS,  # TuneLab: from the environment
    max_parallel_jobs=PARALLEL,  # TuneLab: from the environment
    base_tuning_job_name="warmstart",
    warm_start_config=warm_start_config,
)

tuner_warm_start.fit({"train": s3_input_train, "validation": s3_input_validation}, include_cls_metadata=False)

warm_description = tuner_warm_start.describe()
print("Warm start status:", warm_description["HyperParameterTuningJobStatus"])
print("BestTrainingJob:", warm_description["BestTrainingJob"]["TrainingJobName"])
print("OverallBestTrainingJob:", warm_description["OverallBestTrainingJob"]["TrainingJobName"])

# ---- Deploy the best model and evaluate it -------------------------------------------------
xgb_predictor = tuner_warm_start.deploy(
    initial_instance_count=1,
    instance_type="ml.m4.xlarge",  # TuneLab: accepted; the endpoint answers in this process
)


xgb_predictor.serializer = CSVSerializer()


def predict(data, rows=500):
    split_array = np.array_split(data, int(data.shape[0] / float(rows) + 1))
    predictions = ""
    for array in split_array:
        predictions = ",".join([predictions, xgb_predictor.predict(array).decode("utf-8")])

    return np.fromstring(predictions[1:], sep=",")


predictions = predict(test_data.drop(["y_no", "y_yes"], axis=1).to_numpy())
print("Predictions:", len(predictions))
print(pd.crosstab(index=test_data["y_yes"], columns=np.round(predictions), rownames=["actuals"], colnames=["predictions"]))  # TuneLab: print, in a script

xgb_predictor.delete_endpoint()
