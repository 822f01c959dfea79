"""The user's own Tags on a tuning job: AWS's Key/Value labels, kept as given and written back.

Why a module of its own: a request's ``Tags`` carry two things. Keys starting ``tunelab:`` are
TuneLab's settings that AWS has no field for (read by :mod:`tuning.sagemaker.request_json`);
every other tag is the user's own label (``team``, ``course``...), which AWS keeps on the
tuning job and TuneLab kept nowhere, so ``export`` lost it. They now live on
:class:`tuning.job.config.TuningJobConfig` (``tags``), in every door's shape: AWS's JSON and
TuneLab's JSON (``"Tags": [{"Key": ..., "Value": ...}]``) and the SDK's ``tags=``.

AWS's rules (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Tag.html: "Tag
keys must be unique per resource", Key 1 to 128 characters, Value 0 to 256;
API_CreateHyperParameterTuningJob: at most 50 tags) are checked here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuning.errors import ValidationError

__all__ = ["MAX_TAGS", "TUNELAB_PREFIX", "check_user_tags", "read_tags", "tags_to_json"]

MAX_TAGS = 50
TUNELAB_PREFIX = "tunelab:"


def read_tags(value: Any, where: str = "Tags", *, tunelab_keys: bool = False) -> dict[str, str]:
    """A JSON list of ``{"Key": ..., "Value": ...}`` as a dict, in order, checked by AWS's rules.

    ``tunelab_keys`` allows TuneLab's ``tunelab:`` keys (AWS's request JSON, where they are
    settings); elsewhere such a key is refused, as those settings have fields of their own there.
    """
    if not isinstance(value, list):
        raise ValidationError(f'{where}: must be a list such as [{{"Key": "team", "Value": "ml"}}], but got {value!r}.')
    if len(value) > MAX_TAGS:
        raise ValidationError(f"{where}: AWS takes at most {MAX_TAGS} tags on a tuning job, but there are {len(value)}.")
    tags: dict[str, str] = {}
    for position, tag in enumerate(value):
        here = f"{where}[{position}]"
        if not isinstance(tag, Mapping) or set(tag) != {"Key", "Value"}:
            raise ValidationError(f'{here}: must be {{"Key": "...", "Value": "..."}}, but got {tag!r}.')
        key, text = tag["Key"], tag["Value"]
        if not isinstance(key, str) or not isinstance(text, str):
            raise ValidationError(f"{here}: Key and Value must be strings, but got {tag!r}.")
        if key in tags:
            raise ValidationError(f"{here}.Key: {key!r} is given twice; AWS's tag keys are unique on a tuning job.")
        _check_tag(key, text, here, tunelab_keys=tunelab_keys)
        tags[key] = text
    return tags


def check_user_tags(tags: Any, where: str = "tags") -> None:
    """Refuse ``tags`` (a dict of Key to Value) that AWS would refuse, or that hold TuneLab's own keys."""
    if not isinstance(tags, Mapping):
        raise ValidationError(f"{where}: must be a dict of Key to Value such as {{'team': 'ml'}}, but got {tags!r}.")
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"{where}: AWS takes at most {MAX_TAGS} tags on a tuning job, but there are {len(tags)}.")
    for key, text in tags.items():
        if not isinstance(key, str) or not isinstance(text, str):
            raise ValidationError(f"{where}: keys and values must be strings, but got {key!r}: {text!r}.")
        _check_tag(key, text, f"{where}[{key!r}]", tunelab_keys=False)


def tags_to_json(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """AWS's shape: ``[{"Key": "team", "Value": "ml"}]``."""
    return [{"Key": key, "Value": text} for key, text in tags.items()]


def _check_tag(key: str, text: str, where: str, *, tunelab_keys: bool) -> None:
    if not 1 <= len(key) <= 128:
        raise ValidationError(f"{where}.Key: must be 1 to 128 characters (AWS's limit), but has {len(key)}.")
    if len(text) > 256:
        raise ValidationError(f"{where}.Value: must be at most 256 characters (AWS's limit), but has {len(text)}.")
    if key.startswith(TUNELAB_PREFIX) and not tunelab_keys:
        raise ValidationError(
            f"{where}.Key: {key!r} is one of TuneLab's own tags, which only AWS's request JSON reads (there "
            "they stand for settings AWS has no field for); here each has a field or argument of its own, such "
            "as ValidationFraction. Give your tag another key.")
