from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse


@login_required
def home(request):
    return HttpResponse("Отклик")


def healthz(request):
    """Liveness and database reachability for load balancers and `otklik serve`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
