"""Forms of the statistics pages: filters of the dashboard, a new release, a survey file."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import engine
from . import indicators as ind


def _indicator_choices():
    return [(code, i.title) for code, i in ind.REGISTRY.items()]


def _breakdown_choices():
    return [(code, d.label) for code, d in ind.DIMENSIONS.items()]


def _level_choices(max_level: int):
    return [(k, v) for k, v in engine.GEOGRAPHY_LABELS.items() if k <= max_level]


def default_period() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year, 1, 1), today


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.CharField(label=_("Administrative area"), required=False, max_length=100)
    breakdowns = forms.MultipleChoiceField(
        label=_("Also break down by"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, max_level: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["breakdowns"].choices = _breakdown_choices()
        if max_level < 1:
            del self.fields["area"]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    indicators = forms.MultipleChoiceField(
        label=_("Indicators"), widget=forms.CheckboxSelectMultiple
    )
    breakdowns = forms.MultipleChoiceField(
        label=_("Breakdowns besides age band and sex"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    geography_level = forms.TypedChoiceField(label=_("Geography"), coerce=int, initial=0)
    area = forms.CharField(label=_("Only this administrative area"), required=False)

    def __init__(self, *args, max_level: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = _indicator_choices()
        self.fields["breakdowns"].choices = _breakdown_choices()
        self.fields["geography_level"].choices = _level_choices(max_level)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve for publication")), ("reject", _("Return for changes"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)


class SurveyForm(forms.Form):
    file = forms.FileField(label=_("Survey microdata (CSV or XLSX)"))
    weight = forms.CharField(label=_("Weight column"), max_length=100)
    stratum = forms.CharField(label=_("Stratum column"), required=False, max_length=100)
    cluster = forms.CharField(label=_("Cluster (PSU) column"), required=False, max_length=100)
    variable = forms.CharField(
        label=_("Indicator column (1 = yes, 0 = no)"),
        max_length=100,
        help_text=_("For example: at least one parent abroad."),
    )
    domain = forms.CharField(
        label=_("Domain column (1 = in the group)"), required=False, max_length=100
    )


class LawForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=300)
    adopted_on = forms.DateField(
        label=_("Adopted on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    in_force = forms.BooleanField(label=_("In force"), required=False, initial=True)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        from .models import LawPolicy

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = LawPolicy.Kind.choices


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class ExtractForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(
        label=_("Registered from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Registered to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    columns = forms.MultipleChoiceField(label=_("Columns"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        from .extracts import COLUMNS

        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = [(c.code, c.label) for c in COLUMNS.values()]
