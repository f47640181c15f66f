"""Settings for the test suite: fast hashing, email kept in memory, a fixed key."""

from fullpicture.config.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-any-real-use"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]
FULLPICTURE_REQUIRE_2FA = False  # tests that need it switch it on
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
