"""AWS's "An Introduction to Linear Learner with MNIST" notebook (with its tuning job), on TuneLab.

The code cells of amazon-sagemaker-examples, build_and_train_models/sm-linear_learner_mnist.ipynb
(Linear Learner as a binary classifier, "is this digit a 0?": one training job, then an AMT tuning
job on ``validation:binary_f_beta``, deployed and asked for predictions as JSON), in order. Only
the lines marked ``# TuneLab:`` differ: the imports, the AWS set-up (role, session, bucket), and
the data:

- MNIST (a pickle downloaded from S3, 28x28 = 784 pixels) is replaced by the bundled ``digits``
  data (scikit-learn's 8x8 = 64 pixels, 1,797 images), split 60/20/20 into the notebook's
  ``train_set``, ``valid_set`` and ``test_set`` and scaled to [0, 1] as MNIST's pixels are; so
  ``feature_dim`` is 64, not 784;
- the RecordIO-protobuf files (``sagemaker.amazon.common.write_numpy_to_dense_tensor``) are CSV
  files, label first: TuneLab reads CSV only (see the README's "The SDK's predictors").

Sizes come from environment variables so that a test can run it small:

    TUNELAB_NOTEBOOK_MAX_JOBS   training jobs of the tuning job (default 6, as the notebook)
    TUNELAB_NOTEBOOK_PARALLEL   max_parallel_jobs (default 2, as the notebook)
    TUNELAB_NOTEBOOK_DIR        where the data files are written (default ./tunelab-notebook-linear)

Results go to the default store ($TUNELAB_HOME, or ~/.tunelab). Run it with
``.venv/bin/python examples/amt_notebook_linear_learner.py``.
"""

import re
# TuneLab: import boto3, import sagemaker, from sagemaker import get_execution_role: AWS only, removed
import os  # TuneLab: for the sizes and the local folder
from tuning.datasets import load_dataset  # TuneLab: the bundled digits, instead of MNIST from S3

sess = None  # TuneLab: was sagemaker.Session(); results go to TuneLab's store

region = "local"  # TuneLab: was boto3.Session().region_name

# S3 bucket where the original mnist data is downloaded and stored.
downloaded_data_bucket = f"sagemaker-example-files-prod-{region}"
downloaded_data_prefix = "datasets/image/MNIST"

# S3 bucket for saving code and model artifacts.
# Feel free to specify a different bucket and prefix
bucket = os.environ.get("TUNELAB_NOTEBOOK_DIR", "tunelab-notebook-linear")  # TuneLab: a local folder, was sess.default_bucket()
prefix = "sagemaker/DEMO-linear-mnist"
default_bucket_prefix = None  # TuneLab: was sess.default_bucket_prefix

# If a default bucket prefix is specified, append it to the s3 path
if default_bucket_prefix:
    prefix = f"{default_bucket_prefix}/{prefix}"

# Define IAM role
role = "arn:aws:iam::111122223333:role/TuneLabNotebook"  # TuneLab: was get_execution_role()
MAX_JOBS = int(os.environ.get("TUNELAB_NOTEBOOK_MAX_JOBS", "6"))  # TuneLab: sizes from the environment
PARALLEL = int(os.environ.get("TUNELAB_NOTEBOOK_PARALLEL", "2"))  # TuneLab

# ---- Data ingestion ------------------------------------------------------------------------
import pickle, gzip, numpy, json

# Load the dataset
digits = load_dataset("digits")  # TuneLab: was s3.download_file(..., "mnist.pkl.gz") and pickle.load
pixels = (digits.features.to_numpy() / 16.0).astype("float32")  # TuneLab: in [0, 1], as MNIST's pixels
labels = digits.target.astype(int).to_numpy()  # TuneLab
cut_60, cut_80 = int(0.6 * len(labels)), int(0.8 * len(labels))  # TuneLab: 60/20/20, MNIST's own split is 50k/10k/10k
train_set, valid_set, test_set = (pixels[:cut_60], labels[:cut_60]), (pixels[cut_60:cut_80], labels[cut_60:cut_80]), (pixels[cut_80:], labels[cut_80:])  # TuneLab

# ---- Data inspection: the matplotlib cell (show_digit) ------------------------------------
# TuneLab: left out; matplotlib is not installed with TuneLab
print(f"This is a {train_set[1][30]}")  # TuneLab: the caption of show_digit(train_set[0][30], ...)

# ---- Data conversion -----------------------------------------------------------------------
import io
import numpy as np
# TuneLab: import sagemaker.amazon.common as smac removed (RecordIO-protobuf, which TuneLab does not read)

train_set_vectors = np.array([t.tolist() for t in train_set[0]]).astype("float32")
train_set_labels = np.where(np.array([t.tolist() for t in train_set[1]]) == 0, 1, 0).astype(
    "float32"
)

validation_set_vectors = np.array([t.tolist() for t in valid_set[0]]).astype("float32")
validation_set_labels = np.where(np.array([t.tolist() for t in valid_set[1]]) == 0, 1, 0).astype(
    "float32"
)

train_set_buf = io.BytesIO()
validation_set_buf = io.BytesIO()
np.savetxt(train_set_buf, np.column_stack([train_set_labels, train_set_vectors]), delimiter=",", fmt="%g")  # TuneLab: CSV, label first; was smac.write_numpy_to_dense_tensor (RecordIO-protobuf)
np.savetxt(validation_set_buf, np.column_stack([validation_set_labels, validation_set_vectors]), delimiter=",", fmt="%g")  # TuneLab: as above
train_set_buf.seek(0)
validation_set_buf.seek(0)

# ---- Upload training data ------------------------------------------------------------------
import os

key = "data.csv"  # TuneLab: was "recordio-pb-data"; the file is CSV
for channel, buf in (("train", train_set_buf), ("validation", validation_set_buf)):  # TuneLab: was boto3 ... upload_fileobj(
    os.makedirs(os.path.join(bucket, prefix, channel), exist_ok=True)  # TuneLab: ... train_set_buf / validation_set_buf)
    open(os.path.join(bucket, prefix, channel, key), "wb").write(buf.getvalue())  # TuneLab: into the local folder
s3_train_data = f"{bucket}/{prefix}/train/{key}"  # TuneLab: a local path, was s3://
print(f"uploaded training data location: {s3_train_data}")
s3_validation_data = f"{bucket}/{prefix}/validation/{key}"  # TuneLab: a local path, was s3://
print(f"uploaded validation data location: {s3_validation_data}")

output_location = f"s3://{bucket}/{prefix}/output"
print(f"training artifacts will be uploaded to: {output_location}")

# ---- Training the linear model -------------------------------------------------------------
container = "linear-learner"  # TuneLab: was image_uris.retrieve(region=..., framework="linear-learner")
deploy_amt_model = True

from tuning.sagemaker.estimators import Estimator  # TuneLab: was import boto3, sagemaker

linear = Estimator(  # TuneLab: was sagemaker.estimator.Estimator(
    container,
    role,
    instance_count=1,
    instance_type="ml.c4.xlarge",
    output_path=output_location,
    sagemaker_session=sess,
)
linear.set_hyperparameters(feature_dim=64, predictor_type="binary_classifier", mini_batch_size=200)  # TuneLab: feature_dim was 784 (MNIST)

linear.fit({"train": s3_train_data})

# ---- Training with Automatic Model Tuning --------------------------------------------------
import time
from tuning import IntegerParameter, ContinuousParameter  # TuneLab: was sagemaker.tuner
from tuning import HyperparameterTuner  # TuneLab: was sagemaker.tuner

job_name = "DEMO-ll-mni-" + time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime())
print("Tuning job name:", job_name)

# Linear Learner tunable hyper parameters can be found here https://docs.aws.amazon.com/sagemaker/latest/dg/linear-learner-tuning.html
hyperparameter_ranges = {
    "wd": ContinuousParameter(1e-7, 1, scaling_type="Auto"),
    "learning_rate": ContinuousParameter(1e-5, 1, scaling_type="Auto"),
    "mini_batch_size": IntegerParameter(100, 2000, scaling_type="Auto"),
}

# Increase the total number of training jobs run by AMT, for increased accuracy (and training time).
max_jobs = MAX_JOBS  # TuneLab: was 6, from the environment
# Change parallel training jobs run by AMT to reduce total training time, constrained by your account limits.
# if max_jobs=max_parallel_jobs then Bayesian search turns to Random.
max_parallel_jobs = PARALLEL  # TuneLab: was 2, from the environment


hp_tuner = HyperparameterTuner(
    linear,
    "validation:binary_f_beta",
    hyperparameter_ranges,
    max_jobs=max_jobs,
    max_parallel_jobs=max_parallel_jobs,
    objective_type="Maximize",
)


# Launch a SageMaker Tuning job to search for the best hyperparameters
hp_tuner.fit(inputs={"train": s3_train_data, "validation": s3_validation_data}, job_name=job_name)

# ---- Set up hosting for the model ----------------------------------------------------------
if deploy_amt_model:
    linear_predictor = hp_tuner.deploy(initial_instance_count=1, instance_type="ml.m4.xlarge")
else:
    linear_predictor = linear.deploy(initial_instance_count=1, instance_type="ml.m4.xlarge")

# ---- Validate the model for use ------------------------------------------------------------
from tuning.sagemaker.serializers import CSVSerializer  # TuneLab: was sagemaker.serializers
from tuning.sagemaker.deserializers import JSONDeserializer  # TuneLab: was sagemaker.deserializers

linear_predictor.serializer = CSVSerializer()
linear_predictor.deserializer = JSONDeserializer()

result = linear_predictor.predict(train_set[0][30:31], initial_args={"ContentType": "text/csv"})
print(result)

import numpy as np

predictions = []
for array in np.array_split(test_set[0], 100):
    result = linear_predictor.predict(array)
    predictions += [r["predicted_label"] for r in result["predictions"]]

predictions = np.array(predictions)

import pandas as pd

print(pd.crosstab(  # TuneLab: print, in a script
    np.where(test_set[1] == 0, 1, 0), predictions, rownames=["actuals"], colnames=["predictions"]
))  # TuneLab: print, in a script

linear_predictor.delete_model()
linear_predictor.delete_endpoint()
