"""What changed, when and by whom: the history of every record, the trash and undo.

``record`` writes history entries inside the service's own transaction; ``kinds`` says, once, which
records are kept and how a record is turned into a snapshot and back.
"""
