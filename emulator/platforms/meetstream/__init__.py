"""MeetStream: meeting bots, callbacks, post-call audio, video and transcripts."""
from .dashboard import families
from ...core.platform import Platform
from .control import control_blueprint
from .models import NAME, MeetStream
from .routes import api_blueprint, error_body


def banner(engine) -> list[str]:
    return [f"webhook secret {engine.models[NAME].setting('webhook_secret')}"]


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
    description="Meeting bots with callbacks, post-call audio, video and transcripts, as documented by MeetStream "
                "(api.meetstream.ai/api/v1).",
    contract=f"{__name__}.contract",
    banner=banner,
)
