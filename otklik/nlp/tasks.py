"""Background work of the language pipeline (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def reprocess_batch(run_id: int) -> dict:
    """One batch of a re-processing run; enqueues the next while messages remain."""
    from otklik.nlp.models import ReprocessRun
    from otklik.nlp.services.reprocess import reprocess_fail, reprocess_step

    run = ReprocessRun.objects.filter(pk=run_id).first()
    if run is None:
        return {"missing": run_id}
    try:
        more = reprocess_step(run=run)
    except Exception as e:
        reprocess_fail(run=run, error=repr(e))
        raise
    if more:
        reprocess_batch.enqueue(run_id)
    run.refresh_from_db()
    return {"run": run_id, "done": run.done, "total": run.total, "more": more}


@task()
def bands_prune() -> int:
    from otklik.nlp.services.duplicates import bands_prune as prune

    return prune()
