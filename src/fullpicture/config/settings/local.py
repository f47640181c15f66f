"""Settings for one machine: the demo and development.

The secret key and the ledger key are generated once and kept in the data folder. DEBUG stays off
unless ``FULLPICTURE_DEBUG=1`` is set, so the demo behaves like the real thing.
"""

from fullpicture.config.home import local_ledger_key, local_secret_key
from fullpicture.config.settings.base import *  # noqa: F403
from fullpicture.config.settings.base import (
    FULLPICTURE_LEDGER_KEY,
    FULLPICTURE_LEDGER_KEY_FILE,
    HOME,
    env,
)

SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret_key(HOME)
# The ledger key, like the secret key, is generated once and kept in the data folder.
FULLPICTURE_LEDGER_KEY = FULLPICTURE_LEDGER_KEY or local_ledger_key(FULLPICTURE_LEDGER_KEY_FILE)
DEBUG = env.bool("FULLPICTURE_DEBUG", default=False)
# Demo accounts sign in with a password only unless FULLPICTURE_REQUIRE_2FA=1 (README).
FULLPICTURE_REQUIRE_2FA = env.bool("FULLPICTURE_REQUIRE_2FA", default=False)
