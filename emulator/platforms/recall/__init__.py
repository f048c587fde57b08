"""Recall.ai: bots, recordings, media artifacts, download files and Svix-signed webhooks."""
from .dashboard import families
from ...core.platform import Platform
from .control import banner, control_blueprint
from .constants import RATE_LIMITS, fault_message
from .models import NAME, Recall
from .routes import api_blueprint, error_body


PLATFORM = Platform(
    objects=families,
    name=NAME,
    title="Recall.ai",
    api_prefix=f"/{NAME}/api/v1",
    document_prefix=f"/{NAME}",  # paths as Recall's own document writes them: /api/v1/bot/, /api/v2/calendars/
    error_body=error_body,
    setup=Recall,
    api=api_blueprint,
    control=control_blueprint,
    auth_header="Authorization: Token <any API key: each key is its own workspace>",
    append_slash=True,
    security_scheme={"type": "apiKey", "in": "header", "name": "Authorization",
                     "description": "`Token <API key>` (a bare key works too)"},
    description="Bots, recordings, media artifacts and download files, as documented by Recall.ai "
                "(us-east-1.recall.ai/api/v1). Webhooks are Svix-signed.",
    contract=f"{__name__}.contract",
    banner=banner,
    rate_limits=RATE_LIMITS,
    fault_message=fault_message,
    vendor_hosts=("us-east-1.recall.ai", "us-west-2.recall.ai", "eu-central-1.recall.ai", "ap-northeast-1.recall.ai"),
)
