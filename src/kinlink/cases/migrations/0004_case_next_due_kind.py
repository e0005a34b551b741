"""Store what the next deadline is about as a kind, translated when shown (not a label)."""

from django.db import migrations, models

KINDS = {
    "Initial assessment": "initial_assessment",
    "Comprehensive assessment": "comprehensive_assessment",
    "Case plan review": "plan_review",
    "Case plan": "case_plan",
    "Follow-up visit": "followup",
}


def labels_to_kinds(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for label, kind in KINDS.items():
        Case.objects.filter(next_due_kind=label).update(next_due_kind=kind)
    Case.objects.exclude(next_due_kind__in=list(KINDS.values())).exclude(
        next_due_kind=""
    ).filter(next_due_kind__startswith="Approval").update(next_due_kind="approval_assessment")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_approval_verification")]

    operations = [
        migrations.RenameField("case", "next_due_label", "next_due_kind"),
        migrations.AlterField(
            model_name="case",
            name="next_due_kind",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.RunPython(labels_to_kinds, migrations.RunPython.noop),
    ]
