"""Exchange packages (``.dvk``) on screen: «Gửi báo cáo lên cấp trên…» and «Nhận gói báo cáo của cấp dưới…».

The packages themselves are :mod:`desktop_app.exchange`; here they are chosen, previewed and merged, every slow
step on the worker.
"""
