"""SpotMe Backstage's state and rules, composed of its resource families: workspaces, live
sessions and breakouts (workspaces.py), generation jobs and transcripts (jobs.py) and glossaries
(glossaries.py). No HTTP here."""
from __future__ import annotations

from ...core.model import PlatformModel
from .constants import NAME, SETTINGS
from .glossaries import Glossaries
from .jobs import Jobs
from .workspaces import Workspaces


class SpotMe(Workspaces, Jobs, Glossaries, PlatformModel):
    NAME, SETTINGS = NAME, SETTINGS
