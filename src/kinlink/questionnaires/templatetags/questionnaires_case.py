"""The case page's link to XLSForm-based assessments: ``{% case_form_assessments case %}``."""

from __future__ import annotations

from django import template

from kinlink.accounts.roles import can

register = template.Library()


@register.inclusion_tag("questionnaires/_case_assessments.html", takes_context=True)
def case_form_assessments(context, case):
    from ..models import AssessmentType, FormPurpose, Response

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"types": [], "responses": []}
    responses = list(
        Response.objects.restrict(user, "view")
        .filter(case=case, purpose=FormPurpose.ASSESSMENT)
        .select_related("version__form")
        .order_by("-created_at")
    )
    types = []
    if can(user, "work_case"):
        for kind in AssessmentType.objects.filter(active=True).select_related("form"):
            version = kind.form.current_version()
            if version is not None:
                types.append({"title": kind.form.title, "version": version})
    return {"case": case, "types": types, "responses": responses, "user": user}
