from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Audience, GoodPractice, Training


class TrainingForm(forms.ModelForm):
    audience = forms.MultipleChoiceField(
        label=_("audience"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Training
        fields = [
            "title",
            "topic",
            "format",
            "starts_on",
            "ends_on",
            "audience",
            "trainers",
            "description",
            "max_score",
            "certificate_share",
            "visibility",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("module"), max_length=200)
    minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=1, max_value=10000)


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("session"), max_length=200, required=False)


class ParticipantForm(forms.Form):
    username = forms.CharField(
        label=_("Kinlink user name (if any)"), max_length=150, required=False
    )
    name = forms.CharField(label=_("name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("organisation"), max_length=200, required=False)
    audience = forms.ChoiceField(label=_("audience"), choices=Audience.choices)

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("name"):
            raise forms.ValidationError(_("Give a user name or the person's name."))
        return data


class PracticeForm(forms.ModelForm):
    class Meta:
        model = GoodPractice
        fields = [
            "title",
            "organisation",
            "city",
            "problem",
            "response",
            "results",
            "contact",
            "tags",
            "languages",
            "trainings",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "trainings": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # only the trainings published to the author can be named
        self.fields["trainings"].queryset = Training.objects.restrict(user, "view")
