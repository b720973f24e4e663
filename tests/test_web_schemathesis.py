"""Schemathesis over the OpenAPI schema: generated requests (valid and invalid) against the
real app, real searcher (hash embedder) and a small built index — no server errors, and
responses that match the schema."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

from saksfinn.flows.indexing import ensure_index  # noqa: E402
from saksfinn.index.storage.store import Store  # noqa: E402
from saksfinn.web.app import create_app  # noqa: E402
from tests.web_fixtures import fill_store, settings_for  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def web_app(tmp_path_factory):
    app_settings = settings_for(tmp_path_factory.mktemp("schemathesis") / "home", api_token="t0ken")
    fill_store(app_settings)
    store = Store(app_settings.db_url, files_dir=app_settings.files_dir)
    ensure_index(store, app_settings)
    return create_app(app_settings, store=store, ingest=lambda *a: pytest.fail("fuzzing must not ingest"))


@pytest.fixture(scope="module")
def web_schema(web_app):
    return schemathesis.openapi.from_asgi("/openapi.json", web_app)


OPERATIONS = [("GET", "/api/search"), ("GET", "/api/documents/{document_id}"), ("GET", "/api/findings"),
              ("GET", "/api/health"), ("POST", "/api/ingest")]
NO_INVALID_INPUT = {"/api/health", "/api/ingest"}  # no parameters / any header string is schema-valid


# schemathesis' own pytest integration (`from_fixture`) does not run under pytest 9, so each
# operation's Hypothesis strategy is driven here directly; same cases, same checks.
@pytest.mark.parametrize(
    "method, path, mode",
    [(m, p, mode) for m, p in OPERATIONS for mode in ("positive", "negative") if mode == "positive" or p not in NO_INVALID_INPUT],
)
def test_api_conforms_to_its_schema(web_schema, method, path, mode):
    operation = web_schema[path][method]
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @given(case=strategy)
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        # a schema cannot say year_from <= year_to, so schema-valid data may be an inverted
        # range: that (and only that) is refused with 422 in positive mode
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        assert response.status_code < 500, response.text
        if mode == "positive" and response.status_code == 422:
            query = case.query or {}
            assert None not in (query.get("year_from"), query.get("year_to")), response.text
            assert int(query["year_from"]) > int(query["year_to"]), response.text
        assert not (path == "/api/ingest" and response.status_code == 202)

    check()


def test_schema_lists_every_api_operation(web_schema):
    operations = {(op.method.upper(), op.path) for op in (r.ok() for r in web_schema.get_all_operations())}
    assert {("GET", "/api/search"), ("GET", "/api/documents/{document_id}"), ("GET", "/api/findings"),
            ("GET", "/api/health"), ("POST", "/api/ingest")} <= operations
