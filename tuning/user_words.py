"""Engine messages in the words of the page that shows them, not of the Python call.

Why: a range refuses itself in the words of the call that made it,
``ContinuousParameter(min_value=0.0, max_value=0.3, scaling_type='Logarithmic'): Logarithmic
scaling needs min_value > 0`` -- right for a Python user who typed that call, but a student on
the Create page typed 0 in a MinValue cell. The engine keeps its message (the API and the CLI
show it as it is); :func:`in_user_words` rewrites it for a page: the range as
:meth:`tuning.parameters.Parameter.describe` says it ("0 to 0.3, Logarithmic"), the fields as the
ranges table and AMT's JSON name them (MinValue, MaxValue, ScalingType, Values), the classes
as range types ("a Categorical range").
"""

from __future__ import annotations

import re

__all__ = ["in_user_words"]

_NUMBER = r"-?[\d.]+(?:e[-+]?\d+)?|nan|inf|-inf|'[^']*'|\"[^\"]*\"|None|True|False|[^,()]+?"
_NUMERIC_CALL = re.compile(
    r"(Continuous|Integer)Parameter\(min_value=(?P<low>" + _NUMBER + r"), max_value=(?P<high>" + _NUMBER
    + r"), scaling_type='(?P<scaling>[^']*)'\)")
_CATEGORICAL_CALL = re.compile(r"CategoricalParameter\(values=(?P<values>.*?)\)(?=:|\)|$)")
_NAMED = re.compile(r"Hyperparameter '(?P<name>[^']+)' \(")
_FIELDS = (("min_value", "MinValue"), ("max_value", "MaxValue"), ("scaling_type", "ScalingType"))
_CLASSES = (("a ContinuousParameter", "a Continuous range"), ("an IntegerParameter", "an Integer range"),
            ("a CategoricalParameter", "a Categorical range"), ("ContinuousParameter", "Continuous range"),
            ("IntegerParameter", "Integer range"), ("CategoricalParameter", "Categorical range"))


def _bound(text: str) -> str:
    try:
        return f"{float(text):g}"
    except ValueError:
        return text


def _numeric(match: re.Match[str]) -> str:
    kind = match.group(1)
    return f"{kind} range {_bound(match['low'])} to {_bound(match['high'])}, {match['scaling']}"


def in_user_words(message: str) -> str:
    """``message`` with the Python spelling of ranges put in a page's words.

    >>> in_user_words("eta: ContinuousParameter(min_value=0.0, max_value=0.3, scaling_type='Logarithmic'): "
    ...               "Logarithmic scaling needs min_value > 0, but got min_value=0.0.")
    'eta (Continuous range 0 to 0.3, Logarithmic): Logarithmic scaling needs MinValue > 0, but got MinValue 0.0.'

    Text that holds no such spelling comes back unchanged.
    """
    text = _NAMED.sub(lambda match: f"{match['name']} (", message)
    text = re.sub(r"^([\w.\-]+): ((?:Continuous|Integer)Parameter\(.*?\)|CategoricalParameter\(.*?\)): ",
                  r"\1 (\2): ", text)
    text = _NUMERIC_CALL.sub(_numeric, text)
    text = _CATEGORICAL_CALL.sub(lambda match: f"Categorical range of values {match['values']}", text)
    for python, words in _FIELDS:
        text = re.sub(rf"\b{python}=", f"{words} ", text)
        text = re.sub(rf"\b{python}\b", words, text)
    for python, words in _CLASSES:  # whole words: SageMaker's IntegerParameterRanges stays as it is
        text = re.sub(rf"\b{python}\b", words, text)
    text = text.replace("(or make it a static hyperparameter)", "(or untick Tune to keep one fixed Value)")
    return text
