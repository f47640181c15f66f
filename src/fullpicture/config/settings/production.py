"""Production settings: refuse to start without a secret key or a ledger key, or with DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from fullpicture.config.home import read_ledger_key
from fullpicture.config.settings.base import *  # noqa: F403
from fullpicture.config.settings.base import (
    FULLPICTURE_LEDGER_KEY,
    FULLPICTURE_LEDGER_KEY_FILE,
    env,
)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
# The audit ledger's key: from the environment or a key file that exists and can be read;
# never generated here (a key made silently on a new host would not verify the old chain).
FULLPICTURE_LEDGER_KEY = FULLPICTURE_LEDGER_KEY or read_ledger_key(FULLPICTURE_LEDGER_KEY_FILE)
if len(FULLPICTURE_LEDGER_KEY) < 32:
    raise ImproperlyConfigured(
        "The audit ledger key must be set in production: FULLPICTURE_LEDGER_KEY, or a "
        f"readable file at FULLPICTURE_LEDGER_KEY_FILE ({FULLPICTURE_LEDGER_KEY_FILE}) "
        "holding at least 32 characters (docs/operating.md, 'The ledger')."
    )
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

LOGGING["handlers"]["console"]["formatter"] = env.str(  # noqa: F405
    "FULLPICTURE_LOG_FORMAT", default="json"
)
