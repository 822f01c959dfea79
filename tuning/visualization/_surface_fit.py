"""A smooth objective surface over the whole rectangle of two ranges, fitted to completed jobs.

Why a fitted surface rather than interpolation between the points: linear interpolation
(``scipy.interpolate.griddata``) is defined only inside the convex hull of the points, so
seven jobs draw a triangle or a sliver and leave most of the searched rectangle blank, with
sharp creases along the triangulation's edges. A Gaussian process, the model AMT's Bayesian
search and TuneLab's own (``tuning/strategies/_gaussian_process.py``) fit to the same
results, gives a smooth guess everywhere in the rectangle: close to the jobs near a
point, and back towards the jobs' mean far from all of them. It is still a guess, which is
why the chart draws it faint under the markers, which are the only measurements.

A k-nearest-neighbour average would also fill the rectangle, but in flat patches with
jumps between them; the Gaussian process learns a length scale per axis, so a
hyperparameter that does not matter draws as bands along it.
"""

from __future__ import annotations

import warnings

import numpy as np

MIN_FIT_POINTS = 5
"""Completed jobs at different points a fitted surface needs: its kernel has four numbers
to learn from them (a height scale, a length scale per axis and the noise), so with four
points or fewer the fit says nothing the markers do not."""
MAX_FIT_POINTS = 150
"""Most jobs the fit sees (a seeded random sample above it): its cost grows with the cube,
and 150 points fit in a fraction of a second where 300 took two (measured, one thread)."""


def fitted_surface(points: np.ndarray, values: np.ndarray, grid_x: np.ndarray, grid_y: np.ndarray) -> np.ndarray:
    """The fitted objective on the grid ``grid_x`` x ``grid_y`` (``z[row=y][column=x]``).

    ``points`` are the jobs' coordinates, one row each, already scaled to [0, 1] on both
    axes (so neither axis's units dominate); ``grid_x`` and ``grid_y`` are in the same units.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    from threadpoolctl import threadpool_limits

    if len(points) > MAX_FIT_POINTS:  # an unbiased sample: the surface's level stays the jobs'
        keep = np.sort(np.random.default_rng(0).choice(len(points), MAX_FIT_POINTS, replace=False))
        points, values = points[keep], values[keep]
    # Length scales from 15% of the rectangle: a few scattered jobs cannot show a hill narrower
    # than that, and with a shorter one the fit drew a bullseye around every job.
    kernel = (ConstantKernel(1.0, (1e-2, 1e2))
              * Matern(length_scale=[0.3, 0.3], length_scale_bounds=(0.15, 20.0), nu=2.5)
              # Noise up to a tenth of the values' variance (as the Bayesian strategy's own fit):
              # with a free noise term, six jobs within 0.001 of each other were all "noise",
              # and the surface one flat colour that hid which corner the best job is in.
              + WhiteKernel(0.01, (1e-6, 1e-1)))
    model = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=1, random_state=0)
    mesh_x, mesh_y = np.meshgrid(grid_x, grid_y)
    # One thread: a page draws several charts at once on a small machine.
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(points, values)
        predicted = model.predict(np.column_stack([mesh_x.ravel(), mesh_y.ravel()]))
    return predicted.reshape(mesh_x.shape)
