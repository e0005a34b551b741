"""HTML pages of trainings and the good-practice library. Thin: forms parse, services write,
selectors read. A role without the capability gets 403; an unknown or hidden record 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinlink.accounts.roles import can
from kinlink.web.pages import RoleDenied as _RoleDenied
from kinlink.web.pages import page as _page
from kinlink.web.pages import require_role as _require

from . import forms as f
from . import selectors, services
from .models import Visibility


def _ctx(**extra):
    return {"nav_active": "training", **extra}


@require_GET
@_page
def training_list(request, form=None):
    _require(request.user, "manage_trainings")
    initial = {"topic": request.GET.get("topic", "")} if request.GET.get("topic") else None
    return render(
        request,
        "training/list.html",
        _ctx(
            trainings=selectors.trainings(user=request.user),
            form=form or f.TrainingForm(initial=initial),
            can_plan=can(request.user, "see_city_surveys"),
        ),
    )


@require_POST
@_page
def training_create(request):
    _require(request.user, "manage_trainings")
    form = f.TrainingForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "training/list.html",
            _ctx(trainings=selectors.trainings(user=request.user), form=form),
        )
    try:
        training = services.training_create(actor=request.user, data=form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(
            request,
            "training/list.html",
            _ctx(trainings=selectors.trainings(user=request.user), form=form),
        )
    messages.success(request, _("Training created."))
    return redirect("training:detail", pk=training.pk)


def _detail(request, training, **forms):
    sessions, rows = selectors.attendance_rows(training)
    return render(
        request,
        "training/detail.html",
        _ctx(
            training=training,
            can_edit=selectors.may_edit(request.user, training),
            participants=list(training.participants.all()),
            sessions=sessions,
            rows=rows,
            summary=selectors.score_summary(training),
            module_form=forms.get("module_form") or f.ModuleForm(),
            session_form=forms.get("session_form") or f.SessionForm(),
            participant_form=forms.get("participant_form") or f.ParticipantForm(),
            visibility_choices=Visibility.choices,
            errors=forms.get("errors", []),
        ),
    )


def _editable(request, pk):
    """The training if the user may edit it: 404 when hidden, 403 when only published to them."""
    training = selectors.training_get(user=request.user, training_id=pk)
    if not selectors.may_edit(request.user, training):
        raise _RoleDenied
    return training


@require_GET
@_page
def training_detail(request, pk):
    _require(request.user, "manage_trainings")
    return _detail(request, selectors.training_get(user=request.user, training_id=pk))


@require_POST
@_page
def module_add(request, pk):
    _require(request.user, "manage_trainings")
    training = _editable(request, pk)
    form = f.ModuleForm(request.POST)
    if not form.is_valid():
        return _detail(request, training, module_form=form)
    services.module_add(actor=request.user, training_id=pk, **form.cleaned_data)
    return redirect("training:detail", pk=pk)


@require_POST
@_page
def session_add(request, pk):
    _require(request.user, "manage_trainings")
    training = _editable(request, pk)
    form = f.SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(actor=request.user, training_id=pk, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("held_on", exc)
        else:
            return redirect("training:detail", pk=pk)
    return _detail(request, training, session_form=form)


@require_POST
@_page
def publish(request, pk):
    _require(request.user, "manage_trainings")
    _editable(request, pk)
    try:
        services.training_publish(
            actor=request.user, training_id=pk, visibility=request.POST.get("visibility", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Who sees the training was updated."))
    return redirect("training:detail", pk=pk)


@require_POST
@_page
def participant_add(request, pk):
    _require(request.user, "manage_trainings")
    training = _editable(request, pk)
    form = f.ParticipantForm(request.POST)
    if form.is_valid():
        try:
            services.participant_add(actor=request.user, training_id=pk, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("training:detail", pk=pk)
    return _detail(request, training, participant_form=form)


def _score(raw: str):
    raw = (raw or "").strip()
    if raw == "":
        return None
    if not raw.isdigit():
        raise ValidationError(_("Scores are whole numbers."))
    return int(raw)


@require_POST
@_page
def results_record(request, pk):
    _require(request.user, "manage_trainings")
    training = _editable(request, pk)
    if request.POST.get("save") != "yes":
        return _detail(request, training, errors=[_("Nothing was saved.")])
    sessions = list(training.sessions.all())
    try:
        results = [
            services.Result(
                participant_id=str(p.pk),
                attended=request.POST.get(f"attended-{p.pk}") == "on",
                pre_score=_score(request.POST.get(f"pre-{p.pk}", "")),
                post_score=_score(request.POST.get(f"post-{p.pk}", "")),
                sessions=[
                    str(s.pk) for s in sessions if request.POST.get(f"att-{p.pk}-{s.pk}") == "on"
                ],
            )
            for p in training.participants.all()
        ]
        if not results:
            raise ValidationError(_("Add participants first."))
        services.results_record(actor=request.user, training_id=pk, results=results)
    except ValidationError as exc:
        return _detail(request, training, errors=exc.messages)
    messages.success(request, _("Attendance and scores saved."))
    return redirect("training:detail", pk=pk)


@require_GET
@_page
def certificate(request, pk):
    participant = selectors.participant_for_certificate(user=request.user, participant_id=pk)
    from weasyprint import HTML

    html = render_to_string(
        "training/certificate.html",
        {
            "p": participant,
            "t": participant.training,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = (
        f'inline; filename="certificate-{participant.certificate_number}.pdf"'
    )
    return resp


@require_GET
@_page
def plan(request):
    _require(request.user, "manage_trainings")
    if not can(request.user, "see_city_surveys"):
        raise _RoleDenied
    lang = (translation.get_language() or "en").split("-")[0]
    return render(
        request,
        "training/plan.html",
        _ctx(rows=selectors.training_plan(user=request.user, lang=lang)),
    )


@require_GET
@_page
def practices(request, form=None):
    query = request.GET.get("q", "")[:100]
    tag = request.GET.get("tag", "")[:50]
    return render(
        request,
        "training/practices.html",
        _ctx(
            practices=selectors.practices(user=request.user, query=query, tag=tag),
            query=query,
            tag=tag,
            form=form or f.PracticeForm(user=request.user),
        ),
    )


@require_POST
@_page
def practice_add(request):
    form = f.PracticeForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "training/practices.html",
            _ctx(practices=selectors.practices(user=request.user), query="", tag="", form=form),
        )
    data = {k: v for k, v in form.cleaned_data.items() if k != "trainings"}
    services.practice_submit(
        actor=request.user, data=data, trainings=form.cleaned_data["trainings"]
    )
    messages.success(request, _("Thank you. The practice will be published after review."))
    return redirect("training:practices")


@require_GET
@_page
def practice_detail(request, pk):
    practice = selectors.practice_get(user=request.user, practice_id=pk)
    return render(
        request,
        "training/practice.html",
        _ctx(practice=practice, can_review=can(request.user, "manage_trainings")),
    )


@require_http_methods(["POST"])
@_page
def practice_review(request, pk):
    _require(request.user, "manage_trainings")
    try:
        services.practice_review(
            actor=request.user,
            practice_id=pk,
            publish=request.POST.get("decision") == "publish",
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("training:practice", pk=pk)
