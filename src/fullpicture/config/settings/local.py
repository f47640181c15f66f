"""Settings for one machine: the demo and development.

The secret key is generated once and kept in the data folder. DEBUG stays off
unless ``FULLPICTURE_DEBUG=1`` is set, so the demo behaves like the real thing.
"""

from fullpicture.config.home import local_secret_key
from fullpicture.config.settings.base import *  # noqa: F403
from fullpicture.config.settings.base import HOME, env

SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret_key(HOME)
DEBUG = env.bool("FULLPICTURE_DEBUG", default=False)
# Demo accounts sign in with a password only unless FULLPICTURE_REQUIRE_2FA=1 (README).
FULLPICTURE_REQUIRE_2FA = env.bool("FULLPICTURE_REQUIRE_2FA", default=False)
