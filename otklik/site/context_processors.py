from __future__ import annotations

from otklik.site.navigation import menu_for

# The reference version under which this process saw the demo's history finished (or never
# planned): it stops asking until the version changes (planning a history changes it).
_history_settled: dict[str, str | None] = {"version": None}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user, current_path=request.path)}


def demo_history(request):
    """How far the demo region's history has got, while it is being driven in the background
    (staff pages show it above the content: their numbers are still growing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from otklik.demo.history import demo_history_state
    from otklik.directory.cache import reference_version

    version = reference_version()  # read once per request, shared with the reference books
    if _history_settled["version"] == version:
        return {}
    state = demo_history_state()
    if state is None or state.finished_at is not None:
        _history_settled["version"] = version
        return {}
    return {"demo_history": state}
