"""Exchange packages on screen: send a year from one office, receive it at the upper office with one model edited
on both sides, resolve that conflict by taking the package's version, and check the upper office's data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from desktop_app import workspace
from desktop_app.exchange import offices
from desktop_app.exchange.export import export_package
from desktop_app.exchange.merge import apply_merge, plan_merge
from desktop_app.services.models import get_model, update_model
from desktop_app.storage import database as storage
from desktop_app.storage.models import MoHinh
from ui.exchange.receive_dialog import KEEP_TEXT, STATUS_LABELS, TAKE_TEXT
from ui.screenshots import clipped_texts
from ui.worker import run_on_worker, wait_all

YEAR = 2023  # the demo year


def _switch_to(path: Path) -> None:
    """Close the open database (the worker's connection too) and open ``path``, as a second office's program."""
    wait_all()
    run_on_worker(workspace.close_thread_connection)
    storage.current().close()
    storage.open_database(path)


def _edit(uuid: str, **values: str) -> None:
    model_id = MoHinh.get(MoHinh.uuid == uuid).id
    data = get_model(model_id).data
    for key, value in values.items():
        setattr(data, key, value)
    update_model(model_id, data)


def _settled_cuts(widget, qtbot) -> list[str]:
    """Texts cut in ``widget`` once its layouts have settled (a wrapped label takes a round or two)."""
    try:
        qtbot.waitUntil(lambda: not clipped_texts(widget), timeout=5000)
    except qtbot.TimeoutError:
        pass
    return clipped_texts(widget)


@pytest.fixture
def upper_office(tmp_path, _blank_template) -> Path:
    """An upper office's database file (default catalogues, nothing else), not opened yet."""
    folder = tmp_path / "Huyện ủy"
    folder.mkdir()
    path = folder / "sổ cấp trên.db"
    shutil.copyfile(_blank_template, path)
    return path


def test_send_then_receive_with_one_conflict_resolved(window, qtbot, tmp_path, upper_office, no_modal_messages):
    lower_office = storage.current().path
    first = MoHinh.select().where(MoHinh.year == YEAR).order_by(MoHinh.id).first()
    other = MoHinh.select().where((MoHinh.year == YEAR) & (MoHinh.id != first.id)).order_by(MoHinh.id).first()
    uuid, other_name = first.uuid, other.name
    in_year = MoHinh.select().where(MoHinh.year == YEAR).count()
    # The lower office's first package, merged at the upper office: from then on both sides know the model.
    first_package = export_package(tmp_path / "lần 1.dvk", year=YEAR).path
    _switch_to(upper_office)
    apply_merge(plan_merge(first_package))
    _edit(uuid, address="Sửa ở huyện: thôn 3")  # the upper office corrects the address itself
    _switch_to(lower_office)
    _edit(uuid, name="Dân vận khéo trong xây dựng nông thôn mới (bản xã sửa)", address="Thôn 5")

    # «Gửi báo cáo lên cấp trên…» from the list's menu, the year shown, the whole year.
    actions = {a.text(): a for a in window.import_button.menu().actions() if a.text()}
    assert "Nhận gói báo cáo của cấp dưới…" in actions
    send = window.open_send_package()
    assert send.year() == YEAR and send.all_models.isChecked() and not send.selected_models.isEnabled()
    target = tmp_path / "gửi lên" / "lần 2.dvk"
    target.parent.mkdir()
    with qtbot.waitSignal(send.exported, timeout=60000) as sent:
        send.export_to(target)
    assert sent.args[0].path == target and target.is_file() and sent.args[0].models == in_year
    saved = [text for kind, text in no_modal_messages if kind == "saved"]
    assert saved == [target]

    # «Nhận gói báo cáo của cấp dưới…» at the upper office.
    _switch_to(upper_office)
    dialog = window.open_receive_package(target)
    with qtbot.waitSignal(dialog.plan_ready, timeout=60000):
        pass
    assert "cơ quan mới" not in dialog.header.text() and f"<b>{YEAR}</b>" in dialog.header.text()
    assert dialog.plan.counts() == {
        "added": 0,
        "updated": 0,
        "unchanged": in_year - 1,
        "conflicts": 1,
        "rejected": 0,
        "removed": 0,
    }
    # The conflict comes first, in yellow, kept until the clerk chooses.
    assert dialog.table.item(0, 0).text() == "Dân vận khéo trong xây dựng nông thôn mới (bản xã sửa)"
    assert dialog.table.item(0, 1).text() == STATUS_LABELS["conflict"]
    assert dialog.table.item(0, 2).text() == KEEP_TEXT and not dialog.conflict_hint.isHidden()
    dialog.table.selectRow(0)
    sides = {
        dialog.diff_table.item(r, 0).text(): (dialog.diff_table.item(r, 1).text(), dialog.diff_table.item(r, 2).text())
        for r in range(dialog.diff_table.rowCount())
    }
    assert sides == {
        "Tên mô hình, điển hình": (first.name, "Dân vận khéo trong xây dựng nông thôn mới (bản xã sửa)"),
        "Địa chỉ cụ thể": ("Sửa ở huyện: thôn 3", "Thôn 5"),
    }
    assert dialog.keep_choice.isChecked() and not dialog.choice_row.isHidden()
    window.show()
    qtbot.waitExposed(dialog)
    assert _settled_cuts(dialog, qtbot) == []  # headers, choices and buttons whole at the usual font
    dialog.take_choice.click()
    assert dialog.table.item(0, 2).text() == TAKE_TEXT and dialog.accepted_uuids == {uuid}
    assert "cập nhật <b>1</b>" in dialog.summary.text()
    with qtbot.waitSignal(dialog.received, timeout=60000) as received:
        dialog.receive_button.click()
    wait_all()
    assert received.args[0].counts["updated"] == 1 and received.args[0].backup is not None

    # The upper office now has the lower office's version of that model, the others as they were.
    row = MoHinh.get(MoHinh.uuid == uuid)
    assert row.name.endswith("(bản xã sửa)") and row.address == "Thôn 5" and row.source_office_id is not None
    assert MoHinh.get(MoHinh.uuid == other.uuid).name == other_name
    assert MoHinh.select().where(MoHinh.year == YEAR).count() == in_year
    told = [text for kind, text in no_modal_messages if kind == "info"]
    assert told and told[-1].startswith(f"Đã nhận gói báo cáo năm {YEAR} của «") and "cập nhật 1" in told[-1]
    # The catalogue tab shows the package received for the year.
    tab = window.pages["catalogues"].offices_tab
    tab.set_year(YEAR)
    assert tab.table.rowCount() == 1 and tab.table.item(0, 3).text().startswith("Đã nhận ")
    assert tab.table.item(0, 3).text().endswith(f"{in_year} mô hình, điển hình")

    # The same file again changes nothing and cannot be applied.
    again = window.open_receive_package(target)
    with qtbot.waitSignal(again.plan_ready, timeout=60000):
        pass
    assert again.plan.already_received and not again.receive_button.isEnabled()
    assert "đã được nhận" in again.summary.text()


def test_a_damaged_package_is_one_line_and_writes_nothing(window, qtbot, tmp_path, no_modal_messages):
    bad = tmp_path / "hỏng.dvk"
    bad.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    before = MoHinh.select().count()
    dialog = window.open_receive_package(bad)
    qtbot.waitUntil(lambda: any(kind == "error" for kind, _ in no_modal_messages), timeout=30000)
    message = next(text for kind, text in no_modal_messages if kind == "error")
    assert "hỏng.dvk" in message and "\n" not in message
    assert dialog.plan is None and not dialog.receive_button.isEnabled()
    assert "chưa có gì được ghi" in dialog.summary.text() and MoHinh.select().count() == before


def test_receive_from_the_menu_asks_for_the_file(window, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a) or ("", ""))
    window.receive_package_action.trigger()
    assert len(asked) == 1
    dashboard = window.pages["dashboard"]
    opened = []
    monkeypatch.setattr(window, "open_receive_package", lambda path=None: opened.append(True))
    dashboard.guide.button("receive_package").click()
    assert opened == [True]


def test_send_only_the_selected_models(window, qtbot, tmp_path, no_modal_messages):
    window.show_page("models")
    page = window.pages["models"]
    page.table.selectRow(0)
    chosen = page.selected_ids()
    send = window.open_send_package()
    assert send.selected_models.isEnabled() and send.selected_models.text().startswith("Chỉ 1 mô hình")
    send.selected_models.setChecked(True)
    assert send.chosen_uuids() == [MoHinh.get_by_id(chosen[0]).uuid]
    with qtbot.waitSignal(send.exported, timeout=60000) as sent:
        send.export_to(tmp_path / "một mô hình.dvk")
    assert sent.args[0].models == 1


def test_offices_catalogue_add_rename_note_hide(window, qtbot, monkeypatch, no_modal_messages):
    from ui import messages

    catalogues_page = window.pages["catalogues"]
    tab = catalogues_page.offices_tab
    assert catalogues_page.tabText(catalogues_page.indexOf(tab)) == "Cơ quan gửi báo cáo"
    assert tab.table.rowCount() == 0 and not tab.empty_hint.isHidden()
    dialog = tab.add()
    dialog.name.setText("Đảng ủy xã Đạ Đờn")
    dialog.area.setText("xã Đạ Đờn")
    dialog.level.setText("Xã")
    dialog.accept()
    assert tab.table.rowCount() == 1 and tab.table.item(0, 3).text() == "Chưa gửi"
    assert tab.summary.text() == f"Năm {YEAR}: 0/1 cơ quan đã gửi gói báo cáo; còn 1 cơ quan chưa gửi (tô vàng)."
    duplicate = tab.add()
    duplicate.name.setText("dang uy xa da don")  # the same name, typed without diacritics: refused beside it
    duplicate.accept()
    assert not duplicate.error.isHidden() and "đã có" in duplicate.error.text() and tab.table.rowCount() == 1
    duplicate.reject()
    tab.table.selectRow(0)
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Đảng ủy xã Đạ Đờn (mới)")
    tab.rename()
    assert tab.table.item(0, 0).text() == "Đảng ủy xã Đạ Đờn (mới)"
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Gửi qua Zalo")
    tab.edit_note()
    tab.toggle()
    listed = offices.list_offices(include_inactive=True)
    assert [(o.name, o.note, o.active) for o in listed] == [("Đảng ủy xã Đạ Đờn (mới)", "Gửi qua Zalo", False)]
    assert tab.table.item(0, 0).text().endswith("(đã ẩn)")
