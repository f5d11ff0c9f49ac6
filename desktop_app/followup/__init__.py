"""Follow-up during the year: each model's progress reports (sơ kết 6 tháng, kiểm tra tiến độ) and their
import from the units' follow-up workbook."""
