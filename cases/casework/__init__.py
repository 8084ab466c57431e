"""Casework around the statutory clock: deadline exceptions, disputes, tasks, reassignment and
the statutory sweep (the timeliness report is now the performance dashboard, cases.reporting)."""
