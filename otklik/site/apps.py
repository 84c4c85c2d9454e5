from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SiteConfig(AppConfig):
    """The composition root: home page, menu, admin site, the setup/serve/scheduler commands.

    It is the one app allowed to know every other app; it wires the platform together in
    ``ready()`` (the periodic jobs of ``otklik/periodic.py`` into the scheduler).
    """

    default = True
    name = "otklik.site"
    label = "site"
    verbose_name = "Платформа"

    def ready(self) -> None:
        from otklik.core.scheduling import periodic_jobs_register
        from otklik.periodic import PERIODIC_JOBS

        periodic_jobs_register(PERIODIC_JOBS)


class OtklikAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with Otklik's admin site (``otklik.site.admin.OtklikAdminSite``)."""

    default = False
    default_site = "otklik.site.admin.OtklikAdminSite"
