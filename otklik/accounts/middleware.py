from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from otklik.accounts.selectors import user_has_second_factor

# Paths a user who passed the password but not yet the second factor may open (the public
# pages among them: the citizen's web form and tracking page, the survey link).
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/static/",
    "/healthz",
    "/report/",
    "/cases/survey/",
)


class SecondFactorRequiredMiddleware:
    """A user with a confirmed TOTP device must enter a code before anything else opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and user_has_second_factor(user=user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return self.get_response(request)
