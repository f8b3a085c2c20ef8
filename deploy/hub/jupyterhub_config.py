"""JupyterHub configuration of the suite's class hub (``python3 -m widgets.dev hub``)."""
#
# Everything here is JupyterHub's own configuration; the values come from
# widgets.lessons.hub.hub_settings (its docstring says why each is set). The hub command sets:
#   MISS_HUB_MODE       trial (any name logs in; no isolation) or real (system accounts)
#   MISS_HUB_STATE      folder for the database, the cookie secret and the trial homes
#   MISS_HUB_PORT, MISS_HUB_IP       where the hub listens (default 127.0.0.1:8000)
#   MISS_HUB_PASSWORD   trial mode: one shared password (default: none)
#   MISS_HUB_API_PORT, MISS_HUB_PROXY_API_PORT   the hub's and the proxy's own ports (8081, 8001)
#   MISS_HUB_SERVICE_TOKEN   a token for instructors' scripts (create users, start servers, use them)
# Add your own settings below the marked line (for example an institution's authenticator).
import os

from widgets.lessons.hub import apply, hub_settings

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

apply(c, hub_settings(
    os.environ.get("MISS_HUB_MODE", "trial"),
    state_dir=os.environ.get("MISS_HUB_STATE", "build/hub"),
    port=int(os.environ.get("MISS_HUB_PORT", "8000")),
    ip=os.environ.get("MISS_HUB_IP", "127.0.0.1"),
    hub_port=int(os.environ.get("MISS_HUB_API_PORT", "8081")),
    proxy_api_port=int(os.environ.get("MISS_HUB_PROXY_API_PORT", "8001")),
    password=os.environ.get("MISS_HUB_PASSWORD") or None,
    service_token=os.environ.get("MISS_HUB_SERVICE_TOKEN") or None,
))

# ---- your settings ----------------------------------------------------------------------------
# Real mode with an institution's login instead of PAM, for example:
#   c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.authenticator.LTI13Authenticator"
#   c.JupyterHub.authenticator_class = "oauthenticator.generic.GenericOAuthenticator"
# (install the package named in the README's instructor section, and set its own options).
