"""The citizen's survey after the answer (no login: the link's token is the key)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from otklik.cases import forms
from otklik.cases.selectors import survey_by_token
from otklik.cases.services import answers
from otklik.core.exceptions import ApplicationError


def survey_view(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_token(token=token)
    if survey is None:
        return render(request, "cases/survey_invalid.html", status=404)
    if survey.responded_at is not None:
        return render(request, "cases/survey_thanks.html", {"survey": survey, "already": True})
    form = forms.SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                answers.survey_respond(
                    token=token, solved=d["solved"], rating=d["rating"], comment=d["comment"]
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("cases:survey_thanks", token=token)
        status = 400
    return render(request, "cases/survey.html", {"survey": survey, "form": form}, status=status)


def survey_thanks_view(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_token(token=token)
    if survey is None:
        return render(request, "cases/survey_invalid.html", status=404)
    if survey.responded_at is None:
        return redirect("cases:survey", token=token)
    return render(request, "cases/survey_thanks.html", {"survey": survey, "already": False})
