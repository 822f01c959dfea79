"""Loading scikit-learn objects from skops files, trusting only the types TuneLab writes.

Why not pickle or joblib: loading a pickle runs whatever code the file names, so a model
file copied from a classmate or a download could take over the machine. skops stores the
object as data (a zip of JSON and .npy arrays) and, when loading, builds only types it is
told to trust. TuneLab trusts skops' defaults (numpy arrays, scikit-learn estimators) plus
the plain data holders in :data:`TRUSTED_SKOPS_TYPES`, never ``trusted=True`` and never
the list a file declares about itself. A file that names anything else (``os.system``,
``builtins.eval``) is refused by :func:`load_skops` with a message saying so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tuning.errors import ValidationError

__all__ = ["TRUSTED_SKOPS_TYPES", "load_skops"]

TRUSTED_SKOPS_TYPES = [
    # Plain data holders of numpy and scikit-learn that skops does not trust by default;
    # none of them runs code when loaded.
    "numpy.dtype",
    "sklearn.tree._tree.Tree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.metrics._dist_metrics.ManhattanDistance64",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
]


def load_skops(source: bytes | Path, what: str) -> Any:
    """The object in a skops file (its bytes or its path); refuse a file naming untrusted types.

    ``what`` names the file in the message, such as ``"the model of training job 'x-001'"``.
    """
    import zipfile

    import skops.io
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        if isinstance(source, (bytes, bytearray)):
            return skops.io.loads(bytes(source), trusted=TRUSTED_SKOPS_TYPES)
        return skops.io.load(source, trusted=TRUSTED_SKOPS_TYPES)
    except UntrustedTypesFoundException as error:
        names = str(error).split(":", 1)[-1].strip().rstrip(".")
        raise ValidationError(
            f"{what} was not loaded: it refers to types TuneLab does not trust ({names}), which could run code. "
            "It was not written by TuneLab as it is now, or it was altered. Run the tuning job again to get "
            "a fresh model file."
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ValidationError(f"{what} is not a readable skops file ({error}). Run the tuning job again to "
                              "write it afresh.") from None
