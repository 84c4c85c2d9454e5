"""Public pages of the web form (no login): the form, its hints, the tracking page and its
survey. Thin: parse with a form, check the limits, call a selector or one service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from otklik.cases.forms import SurveyForm
from otklik.cases.services.answers import survey_respond
from otklik.channels.webform import ratelimit, selectors, services
from otklik.channels.webform.forms import HintsForm, ReportForm
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Municipality, Topic
from otklik.intake.consent import consent_text
from otklik.nlp.masking import mask

LIMIT_IP = (
    "Слишком много сообщений с вашего адреса за последний час. Попробуйте позже или "
    "позвоните в ЦУР."
)
LIMIT_CONTACT = (
    "С этого телефона или адреса почты за сутки отправлено слишком много сообщений. "
    "Попробуйте завтра или позвоните в ЦУР."
)


def _context(form: ReportForm, **extra) -> dict:
    return {
        "form": form,
        "consent": consent_text(),
        "schematic": selectors.map_schematic(),
        "tile_url": settings.OTKLIK_MAP_TILE_URL,
        "tile_attribution": settings.OTKLIK_MAP_TILE_ATTRIBUTION,
        "max_photos": settings.OTKLIK_WEBFORM_MAX_PHOTOS,
        **extra,
    }


def report_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "channels_webform/report.html", _context(ReportForm()))
    ip = ratelimit.client_ip(request)
    form = ReportForm(request.POST, request.FILES)
    if request.POST.get("website", "").strip():
        return _honeypot(request, ip)
    if ratelimit.exceeded("ip", ip, settings.OTKLIK_WEBFORM_LIMIT_PER_IP_HOUR):
        form.is_valid()
        form.add_error(None, LIMIT_IP)
        return render(request, "channels_webform/report.html", _context(form), status=429)
    if not form.is_valid():
        return render(request, "channels_webform/report.html", _context(form), status=400)
    d = form.cleaned_data
    contact = ratelimit.contact_ident(d["phone"], d["email"])
    if ratelimit.exceeded("contact", contact, settings.OTKLIK_WEBFORM_LIMIT_PER_CONTACT_DAY):
        form.add_error(None, LIMIT_CONTACT)
        return render(request, "channels_webform/report.html", _context(form), status=429)

    follow = None
    number = request.POST.get("follow", "").strip()
    if number:
        follow = selectors.followable_case(number)
        if follow is None:  # closed, or not public: the same words, so nothing is given away
            form.add_error(
                None, f"За сообщением № {number} следить нельзя: отправьте своё как новое."
            )
            return render(request, "channels_webform/report.html", _context(form), status=400)
    else:
        similar = selectors.similar_open_cases(
            text=d["text"],
            municipality=d["municipality"],
            topic=d["topic"],
            address=d["address"],
            lat=d["lat"],
            lon=d["lon"],
        )
        unseen = [s for s in similar if s.case.number not in form.shown_numbers]
        if unseen:
            # Shown before sending (without JavaScript this is where the citizen sees them).
            form.data = form.data.copy()
            form.data["similar_shown"] = ",".join(s.case.number for s in similar)
            return render(
                request,
                "channels_webform/report.html",
                _context(form, similar=similar, similar_stop=True),
            )
    try:
        report, created = services.report_submit(
            data=services.ReportInput(
                submission=d["submission"],
                text=d["text"],
                municipality=d["municipality"],
                consent_version=consent_text().version,
                topic=d["topic"],
                address=d["address"],
                lat=d["lat"],
                lon=d["lon"],
                name=d["name"],
                phone=d["phone"],
                email=d["email"],
                photos=list(d.get("photos") or []),
            ),
            follow=follow,
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return render(request, "channels_webform/report.html", _context(form), status=400)
    if created:  # a double submit of the same form is not counted twice
        ratelimit.count("ip", ip, ratelimit.HOUR)
        ratelimit.count("contact", contact, ratelimit.DAY)
    messages.success(
        request,
        "Вы следите за сообщением — ссылка ниже покажет его ход и ответ."
        if report.followed
        else "Сообщение принято. Сохраните ссылку на эту страницу: по ней виден ход работы "
        "и ответ.",
    )
    return redirect("channels_webform:track", token=report.token)


def _honeypot(request: HttpRequest, ip: str) -> HttpResponse:
    ratelimit.count("ip", ip, ratelimit.HOUR)
    fields = {k: request.POST.get(k, "") for k in ("text", "municipality", "name", "website")}
    submission = request.POST.get("submission", "").strip()[:64] or "no-id"
    services.report_spam(submission=submission, fields=fields)
    return render(request, "channels_webform/received.html")


@require_POST
def hints_view(request: HttpRequest) -> HttpResponse:
    """HTMX: the topic/municipality suggestion and the similar open reports for what is typed
    (POST, so the text stays out of the access logs)."""
    form = HintsForm(request.POST)
    if not form.is_valid():
        return render(request, "channels_webform/_hints.html", {})
    ip = ratelimit.client_ip(request)
    if ratelimit.exceeded("hints", ip, settings.OTKLIK_WEBFORM_HINTS_PER_IP_HOUR):
        return render(request, "channels_webform/_hints.html", {"limited": True})
    ratelimit.count("hints", ip, ratelimit.HOUR)
    d = form.cleaned_data
    lat, lon = d["lat"], d["lon"]
    if lat is None or lon is None:
        lat = lon = None
    found = selectors.hints(text=d["text"], lat=lat, lon=lon)
    topic = Topic.objects.select_related("sector").filter(code=d["topic"]).first()
    municipality = (
        Municipality.objects.filter(okato=d["municipality"]).first() or found.municipality
    )
    district = found.city_district if found.municipality == municipality else None
    similar = selectors.similar_open_cases(
        text=d["text"],
        municipality=municipality,
        topic=topic or found.topic,
        sector=None if topic else found.sector,
        city_district=district,
        address=d["address"],
        lat=lat,
        lon=lon,
    )
    context = {
        "hints": found,
        "chosen_topic": d["topic"],
        "chosen_municipality": d["municipality"],
        "similar": similar,
        "similar_numbers": ",".join(s.case.number for s in similar),
        "municipality": municipality,
    }
    return render(request, "channels_webform/_hints.html", context)


def _track(request: HttpRequest, report, survey_form=None, status: int = 200) -> HttpResponse:
    info = selectors.tracking(report=report)
    survey = (
        services.report_survey(report=report, case=info.case) if info.case is not None else None
    )
    if survey_form is None and survey is not None and survey.responded_at is None:
        survey_form = SurveyForm()
    context = {
        "info": info,
        "report": report,
        "survey": survey,
        "survey_form": survey_form,
        "track_url": request.build_absolute_uri(
            reverse("channels_webform:track", args=[report.token])
        ),
        "message_text": mask(report.message.text),
    }
    return render(request, "channels_webform/track.html", context, status=status)


def track_view(request: HttpRequest, token: str) -> HttpResponse:
    report = selectors.report_by_token(token)
    if report is None:
        return render(request, "channels_webform/track_invalid.html", status=404)
    return _track(request, report)


@require_POST
def track_survey_view(request: HttpRequest, token: str) -> HttpResponse:
    """The survey answered inline on the tracking page (the cases' survey service)."""
    report = selectors.report_by_token(token)
    if report is None:
        raise Http404
    info = selectors.tracking(report=report)
    survey = (
        services.report_survey(report=report, case=info.case) if info.case is not None else None
    )
    if survey is None:
        return redirect("channels_webform:track", token=token)
    form = SurveyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            survey_respond(
                token=survey.token, solved=d["solved"], rating=d["rating"], comment=d["comment"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                "Спасибо за оценку!"
                if d["solved"]
                else "Спасибо! Раз проблема не решена, сообщение снова передано в работу.",
            )
            return redirect("channels_webform:track", token=token)
    return _track(request, report, survey_form=form, status=400)
