"""SpotMe Backstage: recordings, transcripts and captions for live sessions and video breakouts."""
from .dashboard import families
from ...core.platform import Platform
from ...core.ratelimit import Throttle
from .control import control_blueprint
from .constants import NAME
from .models import SpotMe
from .routes import api_blueprint, error_body, fault_message

PLATFORM = Platform(
    objects=families,
    name=NAME,
    title="SpotMe Backstage",
    api_prefix=f"/{NAME}/api/v2",
    error_body=error_body,
    setup=SpotMe,
    api=api_blueprint,
    control=control_blueprint,
    populate=lambda engine: engine.models[NAME].populate(),
    auth_header="Authorization: Bearer <any token of 8 or more letters, digits or ._~+/=->",
    security_scheme={"type": "http", "scheme": "bearer", "description": "A Backstage API token."},
    description="Recording, transcript and caption generation for live sessions and video breakouts, with "
                "glossaries. The vendor's reference for these endpoints is not public: the paths are the "
                "emulator's own, plain and predictable under /workspace/{workspace_id}/.",
    contract=f"{__name__}.contract",
    # 3 requests a second with bursts of 5, per token, across every endpoint (the help centre's rule).
    rate_limits=(Throttle(None, limit=3, period=1, burst=5, per_operation=False),),
    fault_message=fault_message,
    path_map=True,
)
