"""A strategy race's verdict in one sentence, with the noise it carries.

A race of one seed each is one draw of each strategy's luck: the sentence names the one
ahead and says that it is no verdict yet. Over several seeds it compares the strategies'
interquartile bands of final best (:attr:`tuning.analysis.seed_stats.SeedGroup.iqr`): the
leader by mean *wins* only when its band clears every other strategy's band, over at least
:data:`MIN_SEEDS_TO_WIN` seeds (with two it is only *ahead*); when they
overlap, the gap is within the seeds' noise and the sentence says so. While the race
runs, the values are interim, and the sentence begins by saying that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuning.analysis.seed_stats import SeedGroup

__all__ = ["MIN_SEEDS_TO_WIN", "bands_overlap", "race_verdict"]

MIN_SEEDS_TO_WIN = 3
"""Below this many seeds a leader whose band clears the others' is "ahead", not the winner:
the interquartile range of two values is only the half of the gap between them."""


def bands_overlap(first: tuple[float, float], second: tuple[float, float]) -> bool:
    """Whether two intervals (low, high) share a point: touching counts as overlapping."""
    return max(first[0], second[0]) <= min(first[1], second[1])


def _value(value: float) -> str:
    return f"{value:.4g}"


def _band(iqr: tuple[float, float]) -> str:
    return f"{_value(iqr[0])} to {_value(iqr[1])}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _first_to_reach(tied: list[tuple[str, SeedGroup]], value: float, how: str) -> str:
    """"; Random first, at training job 2" when one of the tied strategies got there sooner, else ""."""
    needed = {label: group.jobs_to_reach(value).median_jobs for label, group in tied}
    known = {label: jobs for label, jobs in needed.items() if jobs is not None}
    if not known:
        return ""
    soonest = min(known.values())
    first = [label for label, jobs in known.items() if jobs == soonest]
    if len(first) > 1:
        return ""
    jobs = f"{soonest:g} training job{'s' if soonest != 1 else ''}" if how.startswith("in") else f"{soonest:g}"
    return f"; {first[0]} got there first, {how} {jobs}"


def _seeds(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    return f"{low} seeds" if low == high else f"{low} to {high} seeds per strategy"


def race_verdict(summaries: Mapping[str, SeedGroup], *, objective_name: str, interim: bool = False) -> str:
    """The race's verdict: who is ahead, and whether the seeds' noise allows calling it.

    ``summaries`` comes from :func:`tuning.analysis.seed_stats.summarise_seeds`, one group
    per strategy (label: the strategy's name); ``interim`` says the race is still running.
    """
    ranked = [(label, group) for label, group in summaries.items() if group.mean_best is not None]
    waiting = [label for label, group in summaries.items() if group.mean_best is None]
    prefix = "So far (the race is still running, so these values are interim), " if interim else ""
    tail = (f" {', '.join(waiting)} {'has' if len(waiting) == 1 else 'have'} no completed training job yet."
            if waiting else "")
    if not ranked:
        text = prefix + "no strategy has a completed training job yet."
        return text[0].upper() + text[1:]
    maximize = ranked[0][1].maximize
    ranked.sort(key=lambda item: item[1].mean_best, reverse=maximize)
    leader, group = ranked[0]
    others = ranked[1:]
    counts = [g.seeds for _, g in ranked]
    tied = [(label, g) for label, g in ranked if g.mean_best == group.mean_best]
    if max(counts) == 1:
        rest = "; ".join(f"{label} {_value(g.mean_best)}" for label, g in ranked[len(tied):])
        ahead = (f"{_and([label for label, _ in tied])} tie on {objective_name} ({_value(group.mean_best)}"
                 f"{_first_to_reach(tied, group.mean_best, 'at training job')}" if len(tied) > 1 else
                 f"{leader} is ahead on {objective_name} ({_value(group.mean_best)}")
        sentence = (f"with one seed each, {ahead}{'; then ' + rest if rest else ''}). One seed is one draw of each "
                    "strategy's luck, so this is no verdict yet: repeat the race with 5 seeds and compare the "
                    "interquartile bands.")
    elif not others:
        sentence = (f"over {_seeds(counts)}, only {leader} has a result on {objective_name} "
                    f"(mean {_value(group.mean_best)}, interquartile band {_band(group.iqr)}).")
    else:
        ties = [label for label, _ in tied[1:]]
        overlapping = [label for label, g in others if bands_overlap(group.iqr, g.iqr)]
        if ties:
            bands = "; ".join(f"{label} {_band(g.iqr)}" for label, g in tied)
            sentence = (f"over {_seeds(counts)}, {_and([label for label, _ in tied])} tie on mean {objective_name} "
                        f"({_value(group.mean_best)}; interquartile bands: {bands}"
                        f"{_first_to_reach(tied, group.mean_best, 'in a median of')}): no strategy wins this race.")
        elif overlapping:
            shown = "; ".join(f"{label}'s {_band(g.iqr)}" for label, g in others if label in overlapping)
            sentence = (f"over {_seeds(counts)}, {leader} has the best mean {objective_name} "
                        f"({_value(group.mean_best)}), but its interquartile band ({_band(group.iqr)}) overlaps "
                        f"{shown}: the gap is within the seeds' noise, so no strategy wins clearly.")
        else:
            runner, second = others[0]
            few = min(counts) < MIN_SEEDS_TO_WIN
            sentence = (f"over {_seeds(counts)}, {leader} {'is ahead' if few else 'wins'} on {objective_name}: its "
                        f"interquartile band ({_band(group.iqr)}) lies clear of every other strategy's, the "
                        f"runner-up {runner}'s being {_band(second.iqr)} (mean {_value(group.mean_best)} against "
                        f"{_value(second.mean_best)}).")
            if few:
                sentence += (f" But {min(counts)} seeds are too few to call it a win (a band of {min(counts)} values "
                             f"is little more than the values): repeat with {MIN_SEEDS_TO_WIN} seeds or more.")
        if MIN_SEEDS_TO_WIN <= min(counts) < 5:
            sentence += f" Bands from {min(counts)} seeds are rough; more seeds make them firmer."
    text = prefix + sentence + tail
    return text[0].upper() + text[1:]
