"""Tổng quan: the year at a glance, with charts and the numbers beside them."""
from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QHorizontalBarSeries,
                              QValueAxis)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app import domain
from desktop_app.services import catalogues, statistics
from desktop_app.text import format_money, format_number

CARDS = (
    ("registered", "Đăng ký", None),
    (domain.IN_PROGRESS, "Đang thực hiện", domain.IN_PROGRESS),
    (domain.PROPOSED, "Đề nghị công nhận", domain.PROPOSED),
    (domain.RECOGNISED, "Công nhận", domain.RECOGNISED),
)
BLUE, GREEN = QColor("#2f6db5"), QColor("#2e8b57")


def _nice_max(value: int) -> int:
    """Axis maximum a little above ``value`` that 4 intervals divide into round whole numbers."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if 4 * step >= value * 1.1:
                return 4 * step
        magnitude *= 10


class _Card(QFrame):
    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("_Card { background: white; border: 1px solid #c9d3e0; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        self.value = QLabel("0", self)
        font = QFont(self.value.font())
        font.setPointSize(font.pointSize() + 12)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet("color: #1f4e8c;")
        caption = QLabel(title, self)
        caption.setStyleSheet("color: #444;")
        layout.addWidget(self.value)
        layout.addWidget(caption)


class DashboardPage(QWidget):
    # field id (or None), kind (or None), status (or None)
    open_list = Signal(object, object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.stats: statistics.YearStats | None = None
        self.title = QLabel(self)
        title_font = QFont(self.title.font())
        title_font.setPointSize(title_font.pointSize() + 4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        cards = QHBoxLayout()
        self.cards: dict[str, _Card] = {}
        for key, caption, _ in CARDS:
            self.cards[key] = _Card(caption, self)
            cards.addWidget(self.cards[key])

        self.field_chart = QChartView(self)
        self.field_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.field_chart.setMinimumHeight(300)
        self.kind_chart = QChartView(self)
        self.kind_chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.kind_chart.setMinimumHeight(180)
        self.numbers = QGridLayout()
        numbers_box = QFrame(self)
        numbers_box.setLayout(self.numbers)
        numbers_box.setMinimumWidth(330)

        charts = QVBoxLayout()
        charts.addWidget(self.field_chart, 3)
        charts.addWidget(self.kind_chart, 2)
        body = QHBoxLayout()
        body.addLayout(charts, 3)
        body.addWidget(numbers_box, 0, Qt.AlignmentFlag.AlignTop)
        hint = QLabel("Bấm vào một cột của biểu đồ để mở danh sách tương ứng.", self)
        hint.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(cards)
        layout.addLayout(body, 1)
        layout.addWidget(hint)

    def set_year(self, year: int) -> None:
        self.year = year
        self.refresh()

    def refresh(self) -> None:
        stats = statistics.year_stats(self.year)
        self.stats = stats
        self.title.setText(f"Phong trào thi đua “Dân vận khéo” năm {self.year}")
        registered = stats.total - stats.by_status.get(domain.WITHDRAWN, 0)
        values = {"registered": registered, **{code: stats.by_status.get(code, 0) for code in domain.STATUSES}}
        for key, card in self.cards.items():
            card.value.setText(format_number(values[key]))
        self._field_chart(stats)
        self._kind_chart(stats)
        self._numbers(stats)

    def _field_chart(self, stats: statistics.YearStats) -> None:
        fields = list(stats.field_outcome)
        registered = QBarSet("Đăng ký")
        recognised = QBarSet("Công nhận")
        registered.setColor(BLUE)
        recognised.setColor(GREEN)
        for name in fields:
            registered.append(stats.field_outcome[name]["registered"])
            recognised.append(stats.field_outcome[name]["recognised"])
        field_ids = [catalogues.find("field", name).id if catalogues.find("field", name) else None for name in fields]
        registered.clicked.connect(lambda i: self.open_list.emit(field_ids[i], None, None))
        recognised.clicked.connect(lambda i: self.open_list.emit(field_ids[i], None, domain.RECOGNISED))
        series = QBarSeries()
        series.append(registered)
        series.append(recognised)
        series.setLabelsVisible(True)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle("Theo lĩnh vực: đăng ký và được công nhận")
        axis_x = QBarCategoryAxis()
        axis_x.append([self._wrap(n) for n in fields])
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setRange(0, _nice_max(max([1] + [o["registered"] for o in stats.field_outcome.values()])))
        axis_y.setLabelFormat("%d")
        axis_y.setTickCount(5)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        self._replace(self.field_chart, chart)

    def _kind_chart(self, stats: statistics.YearStats) -> None:
        bars = QBarSet("Số lượng")
        bars.setColor(BLUE)
        kinds = list(domain.KINDS)
        for code in kinds:
            bars.append(stats.by_kind.get(code, 0))
        bars.clicked.connect(lambda i: self.open_list.emit(None, kinds[i], None))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        chart = QChart()
        chart.addSeries(series)
        chart.setTitle("Mô hình tập thể và điển hình cá nhân")
        axis_y = QBarCategoryAxis()
        axis_y.append([domain.KINDS[c] for c in kinds])
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        axis_x.setRange(0, _nice_max(max([1] + list(stats.by_kind.values()))))
        axis_x.setLabelFormat("%d")
        axis_x.setTickCount(5)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        self._replace(self.kind_chart, chart)

    def _numbers(self, stats: statistics.YearStats) -> None:
        while self.numbers.count():
            item = self.numbers.takeAt(0)
            if item.widget():
                item.widget().hide()
                item.widget().deleteLater()
        row = 0

        def add(label: str, value: str, bold: bool = False) -> None:
            nonlocal row
            left, right = QLabel(label), QLabel(value)
            right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold:
                left.setStyleSheet("font-weight: bold; margin-top: 6px;")
            self.numbers.addWidget(left, row, 0)
            self.numbers.addWidget(right, row, 1)
            row += 1

        add("Theo lĩnh vực (đăng ký / công nhận)", "", bold=True)
        for name, outcome in stats.field_outcome.items():
            add(name, f"{format_number(outcome['registered'])} / {format_number(outcome['recognised'])}")
        add("Theo loại", "", bold=True)
        for code, count in stats.by_kind.items():
            add(domain.KINDS[code], format_number(count))
        add("Theo trạng thái", "", bold=True)
        for code, count in stats.by_status.items():
            if count:
                add(domain.status_label(code), format_number(count))
        add("Kết quả vận động", "", bold=True)
        for label, total in stats.indicator_totals.items():
            if total:
                add(label, format_money(total) if "đồng" in label else format_number(total))

    @staticmethod
    def _wrap(name: str) -> str:
        words = name.split()
        if len(name) <= 10 or len(words) < 2:
            return name
        if " - " in name:
            head, tail = name.split(" - ", 1)
            return f"{head} -<br>{tail}"
        half = len(words) // 2
        return " ".join(words[:half]) + "<br>" + " ".join(words[half:])

    @staticmethod
    def _replace(view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)
        if old is not None:
            old.deleteLater()
