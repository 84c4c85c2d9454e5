from django_tasks import task


@task()
def monitor() -> dict:
    """Periodic job ``vk.monitor``: public VK posts by keywords and area."""
    from dataclasses import asdict

    from otklik.channels.vk.monitor import monitor_run

    return asdict(monitor_run())
