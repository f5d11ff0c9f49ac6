"""«Gửi báo cáo lên cấp trên…»: choose the year and the models, save the package, say how to send it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import Cancelled
from desktop_app.exchange import format as package_format
from desktop_app.services import settings
from desktop_app.services.autobackup import format_size
from desktop_app.tasks import TaskState
from desktop_app.text import format_number

from .. import messages, settings_store
from ..messages import translate_buttons
from ..worker import Job, run_job, show_error

if TYPE_CHECKING:
    from desktop_app.exchange.export import ExportResult
    from desktop_app.services.models import ModelRow

FOLDER_KEY = "exchange/folder"
HOW_TO_SEND = (
    "Hãy gửi tệp này cho cấp trên: chép vào USB, đính kèm thư điện tử hoặc gửi qua Zalo. "
    "Cấp trên mở bằng «Nhận gói báo cáo của cấp dưới…» trong phần mềm Sổ Dân vận khéo; "
    "gói được kiểm tra toàn vẹn trước khi nhận."
)
# Characters Windows refuses in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def package_file_name(office: str, year: int) -> str:
    """``<office>-<year>.dvk``, with what a file name may not hold taken out."""
    name = _UNSAFE.sub(" ", office).strip(" .") or "Báo cáo Dân vận khéo"
    return f"{' '.join(name.split())}-{year}{package_format.SUFFIX}"


def _sender_name() -> str:
    # As identity.sender() names the office, without making the office's uuid here on the GUI thread.
    office = settings.get_office()
    return office.name.strip() or office.place_name.strip()


class SendDialog(QDialog):
    """The year and which models; «Tạo gói…» asks where to save, then the package is written on the worker."""

    exported = Signal(object)  # ExportResult

    def __init__(
        self,
        parent: QWidget | None,
        year: int,
        years: Sequence[int] = (),
        selection: Sequence[ModelRow] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gửi báo cáo lên cấp trên")
        self.selection = list(selection)
        self.result_path: Path | None = None
        self.job: Job | None = None

        intro = QLabel(
            "Phần mềm đóng các mô hình, điển hình của năm (cùng chỉ tiêu, minh chứng, điểm chấm và quyết định "
            "công nhận) vào một tệp gói «.dvk». Cấp trên nhận tệp này vào phần mềm của mình, không phải gõ lại.",
            self,
        )
        intro.setWordWrap(True)
        self.year_combo = QComboBox(self)
        for value in sorted({*years, year}, reverse=True):
            if value:
                self.year_combo.addItem(str(value), value)
        self.year_combo.setCurrentIndex(max(self.year_combo.findData(year), 0))
        self.year_combo.currentIndexChanged.connect(lambda _index: self._update())
        self.all_models = QRadioButton(self)
        self.selected_models = QRadioButton(self)
        group = QButtonGroup(self)
        group.addButton(self.all_models)
        group.addButton(self.selected_models)
        self.all_models.setChecked(True)
        choice = QVBoxLayout()
        choice.addWidget(self.all_models)
        choice.addWidget(self.selected_models)
        form = QFormLayout()
        form.addRow("Năm:", self.year_combo)
        form.addRow("Gửi:", choice)
        self.note = QLabel(
            "Mô hình, điển hình của các cơ quan cấp dưới đã nhận vào năm này cũng được gửi kèm, giữ nguyên nguồn gốc.",
            self,
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")

        self.buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        )
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText("Tạo gói…")
        self.buttons.accepted.connect(self.choose_target)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        # Wide enough for the intro in a few lines at the font in use; never past a 1366 px screen.
        self.resize(min(self.fontMetrics().averageCharWidth() * 90, 1200), self.sizeHint().height())
        self._update()

    def year(self) -> int:
        return int(self.year_combo.currentData() or 0)

    def chosen_uuids(self) -> list[str] | None:
        """The selected models' uuids, or None for the whole year."""
        if self.selected_models.isChecked() and self.selected_models.isEnabled():
            return [row.uuid for row in self.selection if row.year == self.year()]
        return None

    def _update(self) -> None:
        year = self.year()
        self.all_models.setText(f"Tất cả mô hình, điển hình của năm {year}")
        in_year = [row for row in self.selection if row.year == year]
        if in_year:
            self.selected_models.setText(
                f"Chỉ {format_number(len(in_year))} mô hình, điển hình đang chọn trong danh sách"
            )
            self.selected_models.setEnabled(True)
        else:
            self.selected_models.setText("Chỉ các mô hình, điển hình đang chọn trong danh sách (chưa chọn cái nào)")
            self.selected_models.setEnabled(False)
            self.all_models.setChecked(True)

    def reject(self) -> None:
        # Not while the package is written: the result must find the dialog (its progress offers «Hủy»).
        if self.job is None:  # let go when its result or error arrives
            super().reject()

    # ------------------------------------------------------------ writing
    def choose_target(self) -> None:
        store = settings_store.store()
        folder = Path(str(store.value(FOLDER_KEY, str(Path.home()))))
        name = package_file_name(_sender_name(), self.year())
        path, _ = QFileDialog.getSaveFileName(
            self, "Lưu gói báo cáo", str(folder / name), f"Gói báo cáo Dân vận khéo (*{package_format.SUFFIX})"
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != package_format.SUFFIX:
            target = target.with_name(target.name + package_format.SUFFIX)
        store.setValue(FOLDER_KEY, str(target.parent))
        self.export_to(target)

    def export_to(self, target: Path) -> Job:
        """Write the package to ``target`` on the worker; the dialog closes once it is saved."""
        from desktop_app.exchange.export import export_package

        year, uuids = self.year(), self.chosen_uuids()
        self.send_button.setEnabled(False)

        def write(task: TaskState) -> ExportResult | None:
            try:
                return export_package(target, year=year, model_uuids=uuids, task=task)
            except Cancelled:  # «Hủy»: the dialog stays, nothing was left behind
                return None

        self.job = run_job(
            self,
            write,
            title="Gửi báo cáo lên cấp trên",
            label=f"Đang tạo gói báo cáo năm {year}…",
            on_done=self._exported,
            on_error=self._failed,
        )
        return self.job

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.send_button.setEnabled(True)
        show_error(self, exc, "Tạo gói báo cáo")

    def _exported(self, result: ExportResult | None) -> None:
        self.job = None
        self.send_button.setEnabled(True)
        if result is None:
            self.note.setText("Đã hủy; chưa tạo tệp gói nào.")
            return
        self.result_path = Path(result.path)
        self.exported.emit(result)
        parent = self.parentWidget()
        self.accept()
        messages.saved(parent, result.path, describe(result, self.year()) + "\n\n" + HOW_TO_SEND)


def describe(result: ExportResult, year: int) -> str:
    """What the package holds, in one sentence."""
    files = f", {format_number(result.files)} tệp minh chứng" if result.files else ", không có tệp minh chứng"
    text = (
        f"Gói chứa {format_number(result.models)} mô hình, điển hình của năm {year}{files} "
        f"({format_size(result.size)})."
    )
    missing = result.missing
    if missing:
        text += (
            f" {format_number(len(missing))} minh chứng không còn tệp bên cạnh tệp dữ liệu nên không gửi kèm "
            f"(ví dụ «{missing[0]}»)."
        )
    return text
