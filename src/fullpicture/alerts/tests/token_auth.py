"""A stand-in token authenticator for tests: ``Bearer <username>`` (never in production)."""

from fullpicture.partnerships.models import Practitioner


def practitioner_from_token(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return Practitioner.objects.filter(username=header.removeprefix("Bearer ")).first()
