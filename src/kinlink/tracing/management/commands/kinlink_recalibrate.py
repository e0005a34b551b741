from django.core.management.base import BaseCommand

from kinlink.tracing.calibration import MIN_LABELS, recalibrate


class Command(BaseCommand):
    help = (
        "Recalibrate the matching model from caseworkers' confirmed and rejected matches and "
        "report precision, recall and log loss on those decisions before and after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report only, keep the model")
        parser.add_argument("--min-labels", type=int, default=MIN_LABELS)

    def handle(self, *args, dry_run, min_labels, **options):
        r = recalibrate(dry_run=dry_run, min_labels=min_labels)
        self.stdout.write(f"decisions: {r.before.labels} ({r.before.confirmed} confirmed)")
        self.stdout.write("              precision  recall  log-loss")
        for name, f in (("before", r.before), ("after", r.after)):
            self.stdout.write(f"{name:12}  {f.precision:9.3f}  {f.recall:6.3f}  {f.log_loss:8.4f}")
        if r.saved:
            self.stdout.write(f"new model {r.model_id} is active")
        elif r.before.labels < min_labels:
            self.stdout.write(f"not enough decisions to recalibrate (need {min_labels})")
        elif dry_run:
            self.stdout.write("dry run: model unchanged")
        else:
            self.stdout.write("need both confirmed and rejected matches: model unchanged")
