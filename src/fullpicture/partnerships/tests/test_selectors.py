"""request_practitioner: who is behind a request, or the same 404 as a missing page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from fullpicture.partnerships.models import Agency, Practitioner
from fullpicture.partnerships.selectors import request_practitioner


@pytest.mark.django_db
def test_a_practitioner_with_or_without_an_agency() -> None:
    agency = Agency.objects.create(code="T1", name="Test agency", type="school")
    with_agency = Practitioner.objects.create(username="a", agency=agency)
    without = Practitioner.objects.create(username="b")
    request = RequestFactory().get("/")
    request.user = with_agency
    assert request_practitioner(request, in_agency=True) == with_agency
    request.user = without
    assert request_practitioner(request) == without
    with pytest.raises(Http404):
        request_practitioner(request, in_agency=True)


def test_anonymous_gets_404() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(Http404):
        request_practitioner(request)
