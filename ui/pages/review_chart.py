"""The period review's chart: registered and recognised models as bars, year by year, and the recognition rate as
a trend line over them, drawn with QPainter (no QtCharts: it is one chart, and this keeps its look in our hands)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.review.period import YearRow
from desktop_app.text import format_number

# The colours of the PDF's chart (documents.statistics), so the screen and the paper agree.
REGISTERED_COLOR = QColor("#4F6D8F")
RECOGNISED_COLOR = QColor("#C0504D")
RATE_COLOR = QColor("#2E7D32")
GRID_COLOR = QColor("#D9D9D9")
LEGEND = (("Đăng ký", REGISTERED_COLOR), ("Được công nhận", RECOGNISED_COLOR), ("Tỷ lệ công nhận", RATE_COLOR))
EMPTY_TEXT = "Chưa có số liệu trong giai đoạn này."


def rate_text(value: float | None) -> str:
    """0.625 → «62,5%»; no models registered → «–»."""
    return "–" if value is None else format_number(100.0 * value, 1) + "%"


def nice_top(peak: int, lines: int = 4) -> tuple[int, int]:
    """The axis top and its step for counts up to ``peak``: a step of 1, 2 or 5 times a power of ten."""
    if peak <= 0:
        return lines, 1
    raw = peak / lines
    power = 10 ** max(0, math.floor(math.log10(raw))) if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(peak / step), step


@dataclass(frozen=True)
class YearBars:
    year: int
    registered: QRectF
    recognised: QRectF
    rate: QPointF | None  # where the trend line passes this year (None: nothing registered, no rate)


@dataclass(frozen=True)
class ChartLayout:
    plot: QRectF
    top: int  # the count at the top of the plot
    step: int
    bars: list[YearBars]


class YearChart(QWidget):
    """Bars per year (registered, recognised) on the left axis; the rate (0–100%) on the right axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[YearRow] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Biểu đồ đăng ký, công nhận và tỷ lệ công nhận qua các năm")

    def sizeHint(self) -> QSize:
        return QSize(640, 280)

    def set_rows(self, rows: Sequence[YearRow]) -> None:
        self.rows = list(rows)
        self.setToolTip(
            "\n".join(
                f"Năm {r.year}: {r.registered} đăng ký, {r.recognised} được công nhận ({rate_text(r.rate)})"
                for r in self.rows
            )
        )
        self.update()

    def chart_layout(self) -> ChartLayout:
        """Where everything goes at the widget's present size (painting and tests read the same geometry)."""
        metrics = self.fontMetrics()
        line = metrics.height()
        peak = max((max(r.registered, r.recognised) for r in self.rows), default=0)
        top, step = nice_top(peak)
        left = metrics.horizontalAdvance(format_number(top)) + 14
        right = metrics.horizontalAdvance("100%") + 14
        plot = QRectF(left, line + 16, max(10, self.width() - left - right), max(10, self.height() - 2 * line - 28))
        bars: list[YearBars] = []
        count = max(len(self.rows), 1)
        slot = plot.width() / count
        width = min(slot * 0.32, 48.0)
        for index, row in enumerate(self.rows):
            middle = plot.left() + slot * (index + 0.5)

            def bar(value: int, x: float) -> QRectF:
                height = plot.height() * value / top
                return QRectF(x, plot.bottom() - height, width, height)

            rate = row.rate
            point = None if rate is None else QPointF(middle, plot.bottom() - plot.height() * rate)
            bars.append(
                YearBars(row.year, bar(row.registered, middle - width - 1), bar(row.recognised, middle + 1), point)
            )
        return ChartLayout(plot, top, step, bars)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), self.palette().base())
            if not self.rows or not any(r.registered for r in self.rows):
                painter.setPen(self.palette().text().color())
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
                return
            self._paint(painter, self.chart_layout())
        finally:
            painter.end()

    def _paint(self, painter: QPainter, layout: ChartLayout) -> None:
        metrics = self.fontMetrics()
        text = self.palette().text().color()
        plot = layout.plot
        # Grid and the two axes' labels: counts on the left, the rate on the right.
        for value in range(0, layout.top + 1, layout.step):
            y = plot.bottom() - plot.height() * value / layout.top
            painter.setPen(QPen(GRID_COLOR, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label = format_number(value)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        painter.setPen(RATE_COLOR)
        for percent in (0, 50, 100):
            y = plot.bottom() - plot.height() * percent / 100
            painter.drawText(
                QRectF(plot.right() + 6, y - metrics.height() / 2, 200, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{percent}%",
            )
        # Bars, their counts above them, and the years below.
        for bars, row in zip(layout.bars, self.rows, strict=True):
            for rect, color, value in (
                (bars.registered, REGISTERED_COLOR, row.registered),
                (bars.recognised, RECOGNISED_COLOR, row.recognised),
            ):
                painter.fillRect(rect, color)
                if value and rect.width() >= metrics.horizontalAdvance(str(value)) - 6:
                    painter.setPen(text)
                    painter.drawText(
                        QRectF(
                            rect.left() - 10, rect.top() - metrics.height() - 1, rect.width() + 20, metrics.height()
                        ),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        str(value),
                    )
            painter.setPen(text)
            middle = bars.registered.right() + 1
            painter.drawText(
                QRectF(middle - 40, plot.bottom() + 4, 80, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                str(bars.year),
            )
        # The rate's trend line, broken where a year registered nothing.
        painter.setPen(QPen(RATE_COLOR, 2.5))
        previous: QPointF | None = None
        for bars in layout.bars:
            if bars.rate is not None and previous is not None:
                painter.drawLine(previous, bars.rate)
            previous = bars.rate
        for bars, row in zip(layout.bars, self.rows, strict=True):
            if bars.rate is None:
                continue
            painter.setPen(QPen(RATE_COLOR, 2))
            painter.setBrush(self.palette().base())
            painter.drawEllipse(bars.rate, 4, 4)
            painter.drawText(
                QRectF(bars.rate.x() + 6, bars.rate.y() - metrics.height() - 2, 80, metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                rate_text(row.rate),
            )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        self._paint_legend(painter)

    def _paint_legend(self, painter: QPainter) -> None:
        metrics = self.fontMetrics()
        x, y = 8.0, 4.0
        for label, color in LEGEND:
            if color == RATE_COLOR:
                painter.setPen(QPen(color, 2.5))
                painter.drawLine(QPointF(x, y + metrics.height() / 2), QPointF(x + 14, y + metrics.height() / 2))
            else:
                painter.fillRect(QRectF(x, y + 2, 14, metrics.height() - 4), color)
            painter.setPen(self.palette().text().color())
            painter.drawText(QPointF(x + 20, y + metrics.ascent()), label)
            x += 20 + metrics.horizontalAdvance(label) + 18
