#!/usr/bin/env bash
# Re-record the permission matrix tables from the current behaviour, then READ `git diff`:
# the tables are the specification, a wrong code is a bug to fix, not a row to accept.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
KINLINK_RECORD_MATRIX="$dir" .venv/bin/pytest tests/test_permission_matrix.py -q -p no:cacheprovider -k test_matrix
DJANGO_SETTINGS_MODULE=kinlink.settings.test .venv/bin/python -c "
import sys, django; django.setup(); sys.path.insert(0, '.')
from pathlib import Path
from tests.test_permission_matrix import write_table
write_table(Path('$dir'))"
rm -rf "$dir"
git diff --stat -- 'tests/*permission_matrix.txt' tests/permission_matrix.txt || true
