"""The Qt layer of Sổ Dân vận khéo: windows, dialogs, item models and workers.

It calls services in ``desktop_app``; it holds no SQL and no business rules.
"""
