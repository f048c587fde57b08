"""Lessonspace: spaces launched by API, sessions, transcripts and signed webhooks."""
from .dashboard import families
from ...core import drf
from ...core.platform import Platform
from .control import control_blueprint
from .models import NAME, Lessonspace
from .routes import api_blueprint, error_body

PLATFORM = Platform(
    objects=families,
    name=NAME,
    title="Lessonspace",
    api_prefix=f"/{NAME}/v2",
    error_body=error_body,
    setup=Lessonspace,
    api=api_blueprint,
    control=control_blueprint,
    contract=f"{__name__}.contract",
    auth_header="Authorization: Organisation <any UUID: your organisation's API key>",
    append_slash=True,
    security_scheme={"type": "apiKey", "in": "header", "name": "Authorization",
                     "description": "`Organisation <API key>`; the key is a UUID."},
    description="Spaces launched by API, sessions, transcripts and signed webhooks, as documented by "
                "Lessonspace (api.thelessonspace.com/v2).",
    fault_message=drf.throttled_message,
)
