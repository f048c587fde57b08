"""100ms: rooms, sessions, active rooms, templates, recordings and their assets, live and external streams, room codes, stream keys, polls and analytics."""
from .dashboard import families
from ...core.platform import Platform
from .control import banner, control_blueprint
from .constants import NAME
from .models import Hms
from .routes import api_blueprint, error_body


PLATFORM = Platform(
    objects=families,
    name=NAME,
    title="100ms",
    api_prefix=f"/{NAME}/v2",
    error_body=error_body,
    setup=Hms,
    api=api_blueprint,
    control=control_blueprint,
    auth_header="Authorization: Bearer <management token: HS256 JWT of the access key, signed with the app secret; GET /_emulator/100ms/token mints one>",
    optional_bodies=True,
    security_scheme={"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                     "description": "A management token: HS256 JWT signed with the app secret."},
    description="Rooms, recordings, recording assets, transcription and summaries, as documented by 100ms "
                "(api.100ms.live/v2).",
    contract=f"{__name__}.contract",
    banner=banner,
    vendor_hosts=("api.100ms.live",),
)
