"""The nightly schedule: the ingestion flow served as a Prefect 3 deployment.

``build_deployment`` is the testable part (no server needed); ``serve_schedule``
blocks, polling for scheduled runs, until interrupted. At most one run of the
deployment is active: a late run is queued behind the running one (ENQUEUE), and the
run lock in ``ingest_flow`` guards against runs started from elsewhere.
"""

from __future__ import annotations

import logging
from typing import Any


log = logging.getLogger(__name__)
TIMEZONE = "Europe/Oslo"


def build_deployment(sources: list[str], *, cron: str = "0 2 * * *", name: str = "nightly") -> Any:
    """A RunnerDeployment of ``ingest_flow`` for ``sources`` on ``cron`` (Europe/Oslo time),
    concurrency limit 1 (a late run is queued, never overlapping). The task runner
    (threads or Dask) is read from settings inside each run."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    from prefect.deployments.runner import EntrypointType

    from saksfinn.flows.ingest import ingest_flow

    return ingest_flow.to_deployment(
        name=name,
        schedules=[Cron(cron, timezone=TIMEZONE)],
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        parameters={"paths": list(sources)},
        description=f"saksfinn nightly ingestion of {', '.join(sources)}",
        tags=["saksfinn"],
        entrypoint_type=EntrypointType.MODULE_PATH,  # workers import it from the installed package
    )


def serve_schedule(sources: list[str], *, cron: str = "0 2 * * *", name: str = "nightly") -> None:
    """Serve the deployment until interrupted (Ctrl-C / SIGTERM from systemd)."""
    from prefect import serve

    deployment = build_deployment(sources, cron=cron, name=name)
    log.info("serving %s on %r (%s)", name, cron, TIMEZONE)
    serve(deployment)
