"""What the benchmarks read from the site when LMS_BENCH=1: the query count of each response, and a bare view."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cms.middleware import QueryCountHeaderMiddleware
from cms.views import bench_floor
from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_header_counts_the_queries_of_the_request():
    def view(request):
        User.objects.count()
        User.objects.filter(email="x").exists()
        return HttpResponse("ok")

    response = QueryCountHeaderMiddleware(view)(RequestFactory().get("/"))
    assert response.headers["X-DB-Queries"] == "2"
    response = QueryCountHeaderMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
    assert response.headers["X-DB-Queries"] == "0"


def test_the_floor_is_a_bare_response():
    response = bench_floor(RequestFactory().get("/bench/floor/"))
    assert response.status_code == 200 and response.content == b"ok"


def test_the_floor_is_not_served_without_the_switch(client):
    assert client.get("/bench/floor/").status_code == 404
