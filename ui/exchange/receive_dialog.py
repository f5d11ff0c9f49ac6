"""«Nhận gói báo cáo của cấp dưới…»: read the package on the worker, preview what it brings, resolve the models
edited on both sides, then merge it (on the worker, after the core's backup) in one step."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import AppError, Cancelled
from desktop_app.exchange import format as package_format
from desktop_app.exchange.merge import MergeItem, MergePlan, MergeResult, apply_merge, plan_merge
from desktop_app.tasks import TaskState
from desktop_app.text import format_date, format_number, sort_key

from .. import messages, settings_store
from ..messages import preview_buttons
from ..worker import Job, run_job, show_error

FOLDER_KEY = "exchange/receive_folder"
ADDED, UPDATED, UNCHANGED, CONFLICT, REJECTED, REMOVED = (
    "added",
    "updated",
    "unchanged",
    "conflict",
    "rejected",
    "removed",
)
STATUS_LABELS = {
    CONFLICT: "Sửa ở cả hai nơi",
    REJECTED: "Bị loại",
    REMOVED: "Không còn trong gói",
    UPDATED: "Cập nhật",
    ADDED: "Thêm mới",
    UNCHANGED: "Không đổi",
}
STATUS_ORDER = {status: position for position, status in enumerate(STATUS_LABELS)}  # what needs a look first
STATUS_COLORS = {
    ADDED: "#E6F4EA",
    UPDATED: "#E8F0FE",
    UNCHANGED: "#FFFFFF",
    CONFLICT: "#FEF7E0",
    REJECTED: "#FCE8E6",
    REMOVED: "#F3E8FD",
}
KEEP_TEXT = "Giữ bản ở đây"
TAKE_TEXT = "Nhận bản trong gói"
# Short: the «Chi tiết» pane says why.
ACTION_TEXTS = {ADDED: "Thêm vào", UPDATED: TAKE_TEXT, UNCHANGED: "Bỏ qua", REMOVED: "Vào thùng rác"}
COLUMNS = ("Tên mô hình, điển hình", "Kết quả", "Xử lý")
ACTION_COLUMN = 2
DIFF_COLUMNS = ("Nội dung", "Ở đây", "Trong gói")


def _created_text(value: str) -> str:
    """The sender's ISO time as dd/mm/yyyy hh:mm (as written if it is not a time)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    return f"{format_date(moment.date())} {moment:%H:%M}"


def _plain_cell(text: str, colour: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if colour:
        item.setBackground(QBrush(QColor(colour)))
    if text:
        item.setToolTip(text)
    return item


class ReceiveDialog(QDialog):
    plan_ready = Signal()
    received = Signal(object)  # MergeResult

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhận gói báo cáo của cấp dưới")
        self.path: Path | None = None
        self.plan: MergePlan | None = None
        self.items: list[MergeItem] = []
        self.accepted_uuids: set[str] = set()  # conflicts where the package's version is taken
        self.job: Job | None = None

        choose = QPushButton("Chọn tệp gói…", self)
        choose.clicked.connect(lambda _checked=False: self.choose_file())
        self.file_label = QLabel("Chưa chọn tệp gói (.dvk).", self)
        self.file_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(lambda row, *_rest: self._show_item(row))
        header = self.table.horizontalHeader()
        metrics, header_metrics = self.table.fontMetrics(), header.fontMetrics()
        for column, samples in ((1, list(STATUS_LABELS.values())), (2, [KEEP_TEXT, *ACTION_TEXTS.values()])):
            need = max(
                [header_metrics.horizontalAdvance(COLUMNS[column])] + [metrics.horizontalAdvance(s) for s in samples]
            )
            self.table.setColumnWidth(column, need + 24)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # The splitter may not squeeze the names below their header's width.
        self.table.setMinimumWidth(
            header_metrics.horizontalAdvance(COLUMNS[0])
            + 40
            + self.table.columnWidth(1)
            + self.table.columnWidth(2)
            + self.table.verticalScrollBar().sizeHint().width()
        )

        # The differences of the chosen model, side by side, and the choice for a model edited on both sides.
        self.detail_title = QLabel("Chọn một dòng bên trái để xem chi tiết.", self)
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextFormat(Qt.TextFormat.RichText)
        self.diff_table = QTableWidget(0, len(DIFF_COLUMNS), self)
        self.diff_table.setHorizontalHeaderLabels(list(DIFF_COLUMNS))
        self.diff_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.diff_table.verticalHeader().hide()
        self.diff_table.setWordWrap(True)
        diff_header = self.diff_table.horizontalHeader()
        diff_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        diff_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.keep_choice = QRadioButton(KEEP_TEXT, self)
        self.take_choice = QRadioButton(TAKE_TEXT, self)
        self.choice_group = QButtonGroup(self)
        self.choice_group.addButton(self.keep_choice)
        self.choice_group.addButton(self.take_choice)
        self.take_choice.toggled.connect(self._choice_changed)
        self.choice_row = QWidget(self)
        choice_layout = QHBoxLayout(self.choice_row)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(QLabel("Với mô hình này:", self.choice_row))
        choice_layout.addWidget(self.keep_choice)
        choice_layout.addWidget(self.take_choice)
        choice_layout.addStretch(1)
        self.choice_row.hide()
        detail_box = QGroupBox("Chi tiết", self)
        detail = QVBoxLayout(detail_box)
        detail.addWidget(self.detail_title)
        detail.addWidget(self.diff_table, 1)
        detail.addWidget(self.choice_row)
        detail.addStretch(0)  # takes the room only while there is no difference to show

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)

        self.keep_all = QPushButton("Giữ mọi bản ở đây", self)
        self.keep_all.clicked.connect(lambda _checked=False: self.choose_all(False))
        self.take_all = QPushButton("Nhận mọi bản trong gói", self)
        self.take_all.clicked.connect(lambda _checked=False: self.choose_all(True))
        self.conflict_hint = QLabel(self)
        self.conflict_hint.setWordWrap(True)
        all_row = QHBoxLayout()
        all_row.addWidget(self.conflict_hint, 1)
        all_row.addWidget(self.keep_all)
        all_row.addWidget(self.take_all)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.buttons = preview_buttons(self, "Nhận", self.apply)
        self.receive_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        layout.addLayout(all_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self._set_conflict_controls()
        # Fits a 1366×768 screen with the taskbar, at the usual font.
        self.resize(min(self.fontMetrics().averageCharWidth() * 170, 1300), 680)
        splitter.setSizes([self.width() * 11 // 20, self.width() * 9 // 20])

    def busy(self) -> bool:
        """A read or a merge is under way (``job`` is let go when its result or error arrives)."""
        return self.job is not None

    def reject(self) -> None:
        # Not while the package is read or merged: the result must find the dialog (its progress offers «Hủy»).
        if not self.busy():
            super().reject()

    # ------------------------------------------------------------ reading
    def choose_file(self) -> None:
        store = settings_store.store()
        folder = str(store.value(FOLDER_KEY, str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Chọn gói báo cáo của cấp dưới",
            folder,
            f"Gói báo cáo Dân vận khéo (*{package_format.SUFFIX});;Tất cả tệp (*)",
        )
        if path:
            store.setValue(FOLDER_KEY, str(Path(path).parent))
            self.load(Path(path))

    def load(self, path: Path) -> Job:
        self.path = Path(path)
        self.accepted_uuids = set()  # another file: the choices made for the last one do not carry over
        self.file_label.setText(f"Tệp: {self.path}")
        return self.replan()

    def replan(self) -> Job:
        """Read and compare the package on the worker; nothing is written."""
        assert self.path is not None
        path = self.path
        self.receive_button.setEnabled(False)

        def read(task: TaskState) -> MergePlan | None:
            try:
                return plan_merge(path, task=task)
            except Cancelled:  # «Hủy»: the dialog must say so, not keep an old preview
                return None

        self.job = run_job(
            self,
            read,
            title="Đọc gói báo cáo",
            label="Đang kiểm tra và đọc gói báo cáo…",
            on_done=self._show_plan,
            on_error=self._read_failed,
        )
        return self.job

    def _clear(self, text: str) -> None:
        self.plan = None
        self.items = []
        self.table.setRowCount(0)
        self.header.setText("")
        self._show_item(-1)
        self._set_conflict_controls()
        self.summary.setText(text)
        self.receive_button.setEnabled(False)

    def _read_failed(self, exc: BaseException) -> None:
        self.job = None
        self._clear("Không nhận được gói này; chưa có gì được ghi.")
        show_error(self, exc, "Đọc gói báo cáo")

    def _show_plan(self, plan: MergePlan | None) -> None:
        self.job = None
        if plan is None:
            self._clear("Đã hủy đọc gói; chưa có gì được ghi. Chọn lại tệp để đọc lại.")
            return
        previous = self.accepted_uuids
        self.plan = plan
        self.items = sorted(plan.items, key=lambda i: (STATUS_ORDER.get(i.status, 99), sort_key(i.name)))
        conflicts = {i.uuid for i in self.items if i.status == CONFLICT}
        self.accepted_uuids = previous & conflicts  # a re-read keeps the choices still meaningful
        self.header.setText(self._header_text(plan))
        self._fill_table()
        self._set_conflict_controls()
        self._update_summary()
        if self.items:
            self.table.selectRow(0)
        self.plan_ready.emit()

    def _header_text(self, plan: MergePlan) -> str:
        manifest = plan.package.manifest
        sender = manifest.office
        name = html.escape(sender.name or "(không ghi tên)")
        if plan.office is None:
            office = f"<b>{name}</b> — cơ quan mới, sẽ được thêm vào danh mục «Cơ quan gửi báo cáo»"
        elif plan.office.name != sender.name:
            office = f"<b>{html.escape(plan.office.name)}</b> (đã có trong danh mục; trong gói ghi «{name}»)"
        else:
            office = f"<b>{name}</b> (đã có trong danh mục)"
        where = ", ".join(html.escape(part) for part in (sender.area_name, sender.level) if part)
        lines = [
            f"Cơ quan gửi: {office}" + (f" — {where}" if where else ""),
            f"Năm: <b>{manifest.year}</b>; gói tạo lúc {_created_text(manifest.created_at)}; "
            f"{format_number(sum(1 for i in plan.items if i.status != REMOVED))} mô hình, điển hình.",
        ]
        return "<br>".join(lines)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.items))
        for position, item in enumerate(self.items):
            colour = STATUS_COLORS.get(item.status, "")
            values = [item.name, STATUS_LABELS.get(item.status, item.status), self._action_text(item)]
            for column, value in enumerate(values):
                cell = _plain_cell(value, colour)
                if column == 0 and item.unit:
                    cell.setToolTip(f"{item.name}\nĐơn vị: {item.unit}")
                cell.setData(Qt.ItemDataRole.UserRole, item.uuid)
                self.table.setItem(position, column, cell)

    def _action_text(self, item: MergeItem) -> str:
        if item.status == CONFLICT:
            return TAKE_TEXT if item.uuid in self.accepted_uuids else KEEP_TEXT
        if item.status == REJECTED:
            return item.reason or "Không nhận"
        return ACTION_TEXTS.get(item.status, "")

    # ------------------------------------------------------------ one model
    def current_item(self) -> MergeItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show_item(self, row: int) -> None:
        item = self.items[row] if 0 <= row < len(self.items) else None
        self.diff_table.setRowCount(0)
        if item is None:
            self.detail_title.setText("Chọn một dòng bên trái để xem chi tiết.")
            self.choice_row.hide()
            return
        status = STATUS_LABELS.get(item.status, item.status)
        explain = {
            ADDED: "Mô hình mới: sẽ được thêm vào, ghi nguồn là cơ quan gửi.",
            UPDATED: "Cơ quan gửi đã sửa; bản ở đây chưa sửa gì từ lần nhận trước, nên nhận bản trong gói.",
            UNCHANGED: "Giống hệt bản đã nhận lần trước: bỏ qua.",
            CONFLICT: "Cả cơ quan gửi và ở đây đều đã sửa từ lần nhận trước. Hãy xem từng chỗ khác nhau rồi chọn.",
            REJECTED: f"Không nhận: {item.reason}" if item.reason else "Không nhận.",
            REMOVED: "Gói mới không còn mô hình này (gói trước có): sẽ chuyển vào «Thùng rác», lịch sử vẫn giữ.",
        }.get(item.status, "")
        unit = f"<br>Đơn vị: {html.escape(item.unit)}" if item.unit else ""
        self.detail_title.setText(f"<b>{html.escape(item.name)}</b>{unit}<br>{status}. {html.escape(explain)}")
        differences = list(item.differences)
        self.diff_table.setRowCount(len(differences))
        for position, difference in enumerate(differences):
            for column, value in enumerate((difference.label, difference.local, difference.incoming)):
                self.diff_table.setItem(position, column, _plain_cell(value))
        # The labels whole when they can be, the two versions sharing the rest equally.
        metrics = self.diff_table.fontMetrics()
        widest = max(
            [metrics.horizontalAdvance(d.label) for d in differences]
            + [self.diff_table.horizontalHeader().fontMetrics().horizontalAdvance(DIFF_COLUMNS[0])]
        )
        self.diff_table.setColumnWidth(0, min(widest + 24, metrics.averageCharWidth() * 30))
        self.diff_table.resizeRowsToContents()
        self.diff_table.setVisible(bool(differences))
        self.choice_row.setVisible(item.status == CONFLICT)
        if item.status == CONFLICT:
            self.take_choice.blockSignals(True)
            self.keep_choice.blockSignals(True)
            (self.take_choice if item.uuid in self.accepted_uuids else self.keep_choice).setChecked(True)
            self.take_choice.blockSignals(False)
            self.keep_choice.blockSignals(False)

    def _choice_changed(self, take: bool) -> None:
        item = self.current_item()
        if item is None or item.status != CONFLICT:
            return
        self.set_choice(item.uuid, take)

    def set_choice(self, uuid: str, take: bool) -> None:
        """For the conflict ``uuid``: take the package's version (True) or keep ours."""
        if take:
            self.accepted_uuids.add(uuid)
        else:
            self.accepted_uuids.discard(uuid)
        for position, item in enumerate(self.items):
            if item.uuid == uuid:
                cell = self.table.item(position, ACTION_COLUMN)
                if cell is not None:
                    cell.setText(self._action_text(item))
                    cell.setToolTip(cell.text())
        self._update_summary()

    def choose_all(self, take: bool) -> None:
        for item in self.items:
            if item.status == CONFLICT:
                self.set_choice(item.uuid, take)
        self._show_item(self.table.currentRow())

    def _set_conflict_controls(self) -> None:
        conflicts = sum(1 for i in self.items if i.status == CONFLICT)
        for widget in (self.keep_all, self.take_all, self.conflict_hint):
            widget.setVisible(conflicts > 0)
        self.conflict_hint.setText(
            f"{format_number(conflicts)} mô hình được sửa ở cả hai nơi (tô vàng): chọn từng cái ở khung «Chi tiết», "
            "hoặc chọn một lần cho tất cả:"
        )

    def _update_summary(self) -> None:
        plan = self.plan
        if plan is None:
            return
        counts = plan.counts()
        conflicts = counts.get("conflicts", 0)
        taken = len(self.accepted_uuids)
        parts = [
            f"thêm mới <b>{format_number(counts.get('added', 0))}</b>",
            f"cập nhật <b>{format_number(counts.get('updated', 0) + taken)}</b>"
            + (f" (có {format_number(taken)} bản trong gói được chọn)" if taken else ""),
            f"không đổi {format_number(counts.get('unchanged', 0))}",
        ]
        if conflicts - taken:
            parts.append(f"giữ bản ở đây {format_number(conflicts - taken)}")
        if counts.get("rejected"):
            parts.append(f"bị loại {format_number(counts['rejected'])} (tô đỏ, xem cột «Xử lý»)")
        if counts.get("removed"):
            parts.append(f"chuyển vào «Thùng rác» {format_number(counts['removed'])}")
        text = "Khi nhận: " + "; ".join(parts) + "."
        # The reasons themselves are among the plan's warnings, below.
        ready = not (plan.own or plan.older or plan.already_received)
        if plan.own or plan.older:
            text = "<b>Không nhận được gói này.</b>"
        elif plan.already_received:
            text = "<b>Không có gì thay đổi.</b>"
        else:
            text += " Phần mềm sao lưu dữ liệu trước khi nhận; có thể hoàn tác ở «Lịch sử thay đổi»."
        for warning in plan.warnings:
            text += f"<br><b>Lưu ý:</b> {html.escape(warning)}"
        self.summary.setText(text)
        self.receive_button.setEnabled(ready)

    # ------------------------------------------------------------ writing
    def apply(self) -> Job | None:
        """Merge the package on the worker with the choices made; the core takes its backup first."""
        plan = self.plan
        if plan is None or not self.receive_button.isEnabled():
            return None
        accept = sorted(self.accepted_uuids)
        self.receive_button.setEnabled(False)

        def write(task: TaskState) -> MergeResult | None:
            try:
                return apply_merge(plan, accept=accept, task=task)
            except Cancelled:  # one transaction: a cancel leaves the data as it was
                return None

        self.job = run_job(
            self,
            write,
            title="Nhận gói báo cáo",
            label="Đang sao lưu rồi nhận gói báo cáo vào tệp dữ liệu…",
            on_done=self._applied,
            on_error=self._apply_failed,
        )
        return self.job

    def _apply_failed(self, exc: BaseException) -> None:
        self.job = None
        show_error(self, exc, "Nhận gói báo cáo")
        if isinstance(exc, AppError) and self.path is not None:
            self.replan()  # the data may have moved on since the preview: show what is true now
        else:
            self._update_summary()

    def _applied(self, result: MergeResult | None) -> None:
        self.job = None
        if result is None:
            self.summary.setText("Đã hủy; chưa có gì được ghi.")
            self._update_summary()
            return
        plan = self.plan
        assert plan is not None
        self.received.emit(result)
        parent = self.parentWidget()
        self.accept()
        messages.info(parent, received_text(plan, result), detail=backup_text(result))


def received_text(plan: MergePlan, result: MergeResult) -> str:
    counts = result.counts
    parts = [
        f"thêm mới {format_number(counts.get('added', 0))}",
        f"cập nhật {format_number(counts.get('updated', 0))}",
        f"không đổi {format_number(counts.get('unchanged', 0))}",
    ]
    for key, label in (
        ("conflicts", "giữ bản ở đây"),
        ("rejected", "bị loại"),
        ("removed", "chuyển vào «Thùng rác»"),
    ):
        if counts.get(key):
            parts.append(f"{label} {format_number(counts[key])}")
    return (
        f"Đã nhận gói báo cáo năm {plan.package.manifest.year} của «{plan.office_name}»: "
        + ", ".join(parts)
        + " mô hình, điển hình."
    )


def backup_text(result: MergeResult) -> str:
    backup = result.backup
    if backup is None:
        return "Có thể hoàn tác lần nhận này ở mục «Lịch sử thay đổi»."
    return (
        f"Bản sao lưu trước khi nhận: {backup}. "
        "Có thể hoàn tác lần nhận này ở mục «Lịch sử thay đổi», hoặc phục hồi bản sao lưu trong «Cài đặt»."
    )
