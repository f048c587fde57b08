"""MeetStream: meeting bots, callbacks, post-call media and transcripts, calendars, MIA agents and
account integrations."""
from ...core.platform import Platform
from .constants import NAME
from .control import banner, control_blueprint
from .dashboard import families
from .http import error_body
from .models import MeetStream
from .routes import api_blueprint


PLATFORM = Platform(
    objects=families,
    name=NAME,
    title="MeetStream",
    api_prefix=f"/{NAME}/api/v1",
    error_body=error_body,
    setup=MeetStream,
    api=api_blueprint,
    control=control_blueprint,
    auth_header="Authorization: Token <any API key>",
    security_scheme={"type": "apiKey", "in": "header", "name": "Authorization", "description": "`Token <API key>`"},
    description="Meeting bots with callbacks, post-call media and transcripts, calendars, MIA agents and account "
                "integrations, as documented by MeetStream "
                "(api.meetstream.ai/api/v1).",
    contract=f"{__name__}.contract",
    banner=banner,
)
