"""Reviews over a span of years: the figures of a «tổng kết phong trào giai đoạn …»."""
