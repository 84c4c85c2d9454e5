from django_tasks import task


@task()
def poll() -> dict:
    """Periodic job ``ok.poll``: new topics and comments on the group's page in OK."""
    from dataclasses import asdict

    from otklik.channels.ok.poll import group_poll

    return asdict(group_poll())
