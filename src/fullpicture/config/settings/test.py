"""Settings for the test suite: fast hashing, email kept in memory, a fixed key."""

from fullpicture.config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-any-real-use"  # noqa: S105
FULLPICTURE_LEDGER_KEY = "test-only-ledger-key-not-for-any-real-use-0123456789"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # serve each app's static files without a collectstatic run
ALLOWED_HOSTS = ["*"]
FULLPICTURE_REQUIRE_2FA = False  # tests that need it switch it on
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# On SQLite, test against a file rather than Django's shared-cache in-memory
# database: the live server's thread then waits for a lock (busy timeout)
# instead of failing at once with "database table is locked". One file per
# run (and per xdist worker, which pytest-django suffixes), in the temp folder.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os
    import tempfile as _tempfile

    _run = _os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(_os.getpid())
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(_tempfile.gettempdir() + f"/fullpicture-test-{_run}.sqlite3")
    }
