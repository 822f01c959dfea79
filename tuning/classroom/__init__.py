"""Class mode: one TuneLab server, many students, each in their own workspace (issue 20).

A workspace is a column of the store (``tuning_jobs.workspace``) and a filter the engine
enforces (:class:`~tuning.classroom.scoped_store.WorkspaceStore`), not something a page hides:
whatever a page or a URL asks, a student's store refuses to stop, delete or resume another
student's job. Outside class mode nothing is scoped and the store is used as it always was.

- :mod:`tuning.classroom.workspace`: who is asking (a student's name, or the teacher).
- :mod:`tuning.classroom.settings`: class mode's settings and the teacher's password (hashed).
- :mod:`tuning.classroom.attempts`: the limit on wrong passwords; :mod:`tuning.classroom.login` the teacher's login.
- :mod:`tuning.classroom.scoped_store`: the store as one workspace sees it.
- :mod:`tuning.classroom.uploads`: uploaded datasets as one workspace sees them.
- Fair share of the training slots between students: :mod:`tuning.running.fair_share`, with the runner.
"""

from tuning.classroom.attempts import AttemptLimiter
from tuning.classroom.scoped_store import WorkspaceStore, store_for
from tuning.classroom.login import TeacherLogin, enter_as_student
from tuning.classroom.settings import ClassSettings, load_class_settings, save_class_settings
from tuning.classroom.uploads import WorkspaceUploads, uploads_for
from tuning.classroom.workspace import TEACHER, Workspace

__all__ = ["TEACHER", "AttemptLimiter", "ClassSettings", "TeacherLogin", "Workspace", "WorkspaceStore",
           "WorkspaceUploads", "enter_as_student", "load_class_settings", "save_class_settings", "store_for",
           "uploads_for"]
