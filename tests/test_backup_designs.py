"""`manage.py backup_designs DIR` writes every design as a design file that imports back unchanged."""

import json

import pytest
from django.core.management import call_command

from catalog.source import get_catalog
from studio import services
from studio.domain.designfile import dump_design_text, parse_design_text

pytestmark = pytest.mark.django_db


def test_every_design_is_written_and_imports_back_unchanged(owner, outsider, loaded_catalog, tmp_path):
    first = services.create_from_reference(owner, "starter-4-racks")
    second = services.create_from_reference(outsider, "dgx-h100-su", "Hall B")
    call_command("backup_designs", str(tmp_path / "backup"))

    index = json.loads((tmp_path / "backup" / "index.json").read_text())
    assert {(e["code"], e["owner"]) for e in index} == {(str(first.code), "owner"), (str(second.code), "outsider")}
    entry = next(e for e in index if e["code"] == str(second.code))
    assert entry["name"] == "Hall B" and entry["version"] == second.version
    text = (tmp_path / "backup" / entry["file"]).read_text()
    restored = services.create_design(owner, parse_design_text(text, get_catalog()))
    row = services.designs_with_content().get(pk=restored.pk)
    assert dump_design_text(services.design_to_domain(row)) == text


def test_an_unwritable_directory_exits_with_status_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SystemExit) as exit_info:
        call_command("backup_designs", str(blocker / "sub"))
    assert exit_info.value.code == 2
