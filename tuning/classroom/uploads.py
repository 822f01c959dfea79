"""Uploaded datasets as one workspace sees them: its own, the teacher's and the lab's; only its own deletable.

Why beside :mod:`tuning.classroom.scoped_store`: uploads are files in ``$TUNELAB_HOME/datasets``,
not rows of the store, so whose an upload is lives in its sidecar (``"workspace"``, written by
:func:`tuning.datasets.uploads.save_uploaded_dataset`), and this is the gate that reads it.
Other students' uploads are listed only when the teacher lets students see each other's work.

A tuning job's channels pass the same rule before any data is read
(:meth:`WorkspaceUploads.check_channels`, called by the store a student's session holds,
:meth:`tuning.classroom.scoped_store.WorkspaceStore.check_readable_channels`): another student's
upload typed by name into a configuration is refused, and so is a file path, which would let a
student read any CSV on the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from tuning.classroom.settings import ClassSettings
from tuning.classroom.workspace import TEACHER_KEY, Workspace
from tuning.datasets.dataset import Dataset, DatasetInfo
from tuning.datasets.uploads import (delete_uploaded_dataset, is_uploaded_dataset, list_uploaded_datasets,
                                     save_uploaded_dataset, uploaded_dataset_workspace)
from tuning.errors import ValidationError
from tuning.paths import names_a_file

__all__ = ["WorkspaceUploads", "uploads_for"]

_log = logging.getLogger("tuning.classroom")


class WorkspaceUploads:
    """The uploaded datasets ``workspace`` may see, save and delete."""

    def __init__(self, workspace: Workspace, *, others_visible: bool = False, max_upload_mb: int | None = None) -> None:
        self.workspace = workspace
        self.others_visible = others_visible
        self.max_upload_mb = max_upload_mb
        """The teacher's limit on a student's upload (ClassSettings.student_max_upload_mb); None: the dashboard's cap."""

    def _may_see(self, owner: str | None) -> bool:
        return (self.workspace.is_teacher or owner in (None, TEACHER_KEY, self.workspace.key)
                or self.others_visible)

    def _check_change(self, name: str, doing: str) -> None:
        owner = uploaded_dataset_workspace(name)
        if not (self.workspace.is_teacher or owner == self.workspace.key):
            whose = ("the teacher" if owner == TEACHER_KEY else "the lab (uploaded outside class mode)"
                     if owner is None else "another student")
            raise ValidationError(f"this dataset belongs to {whose}: {self.workspace} cannot {doing} {name!r}. "
                                  "Upload it under a name of your own instead.")

    def check_channels(self, channels: Iterable[tuple[Any, str]]) -> None:
        """Refuse a channel (value, what) this workspace may not read: a file of the server, another's upload.

        The teacher reads anything. A student tunes on the built-in datasets, the teacher's
        and the lab's uploads, their own, and others' only when the teacher lets students see
        each other's work. A loaded :class:`Dataset` given by a page is judged by its name.
        """
        if self.workspace.is_teacher:
            return
        for channel, what in channels:
            if channel is None:
                continue
            if isinstance(channel, Dataset):
                channel = channel.name
            if not isinstance(channel, str) or names_a_file(channel):
                _log.warning("class mode: refused: %s tried to tune on a file of the server (%s)", self.workspace, what)
                raise ValidationError(f"{what}: in class mode a student tunes on the class's datasets and their own "
                                      "uploads, not on files of the server. Upload the CSV on the Datasets page and "
                                      "pick it by its name.", field=what)
            if is_uploaded_dataset(channel) and not self._may_see(uploaded_dataset_workspace(channel)):
                _log.warning("class mode: refused: %s tried to tune on %r, another student's upload",
                             self.workspace, channel)
                raise ValidationError(f"{what}: the dataset {channel!r} is another student's upload; {self.workspace} "
                                      "cannot tune on it. Upload your own copy on the Datasets page.", field=what)

    def may_change(self, name: str) -> bool:
        """Whether this workspace may replace or delete upload ``name``: for a page to offer the button."""
        return self.workspace.is_teacher or uploaded_dataset_workspace(name) == self.workspace.key

    def list(self) -> list[DatasetInfo]:
        """The uploads this workspace may see, by name."""
        return [info for info in list_uploaded_datasets() if self._may_see(uploaded_dataset_workspace(info.name))]

    def save(self, data: bytes, *, name: str, replace: bool = False, **options: Any) -> Dataset:
        """Save an upload stamped with this workspace; replacing another's, or one over the class limit, is refused."""
        limit = self.max_upload_mb
        if (limit is not None and not self.workspace.is_teacher and isinstance(data, (bytes, bytearray))
                and len(data) > limit * 2**20):
            raise ValidationError(f"this file is {len(data) / 2**20:.1f} MB, over the class limit of {limit} MB for "
                                  "an upload; keep a sample of the rows (for example with pandas' sample()) and "
                                  "upload that, or ask your teacher.")
        if replace and is_uploaded_dataset(name):
            self._check_change(name, "replace")
        return save_uploaded_dataset(data, name=name, replace=replace, workspace=self.workspace.key, **options)

    def delete(self, name: str) -> None:
        """Forget an upload of this workspace's (the teacher may forget any)."""
        self._check_change(name, "delete")
        delete_uploaded_dataset(name)


def uploads_for(workspace: Workspace, settings: ClassSettings) -> WorkspaceUploads:
    """The uploads a class-mode session works through, with the teacher's limits (the seam beside ``store_for``)."""
    return WorkspaceUploads(workspace, others_visible=settings.students_see_others,
                            max_upload_mb=settings.student_max_upload_mb)
